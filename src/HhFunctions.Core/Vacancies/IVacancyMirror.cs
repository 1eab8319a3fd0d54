using HhFunctions.HeadHunter.Models;

namespace HhFunctions.Vacancies;

/// <summary>
/// Where the watch hands each page of vacancies it stored, with hh.ru's items (the own-database mirror,
/// docs/own-database.md). Must not throw for its own failures; without a mirror it does nothing.
/// </summary>
public interface IVacancyMirror
{
    Task RecordAsync(IReadOnlyList<VacancyRecord> records, IReadOnlyList<HhVacancy> items, CancellationToken ct);
}

/// <summary>No mirror configured.</summary>
public sealed class NoVacancyMirror : IVacancyMirror
{
    public Task RecordAsync(IReadOnlyList<VacancyRecord> records, IReadOnlyList<HhVacancy> items, CancellationToken ct) => Task.CompletedTask;
}
