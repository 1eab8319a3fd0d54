using System.Globalization;
using HhFunctions.State;

namespace HhFunctions.Vacancies;

/// <summary>
/// A vacancy as the watch keeps it for the user's own analytics: what hh.ru said the last time it was seen,
/// which sources matched it, and when it was first and last seen. Kept when hh.ru archives it.
/// </summary>
public sealed record VacancyRecord(
    string Id,
    string Name,
    string? Employer,
    string? Area,
    decimal? SalaryFrom,
    decimal? SalaryTo,
    string? Currency,
    bool? Gross,
    string? Experience,
    string? Schedule,
    string? Employment,
    DateTimeOffset? PublishedAt,
    string? Url,
    bool HasTest,
    bool ResponseLetterRequired,
    bool Archived,
    IReadOnlyList<string> Sources,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen)
{
    /// <summary>The storage partition: the UTC month it was first seen ("2026-03"), which never changes.</summary>
    public string Month => MonthOf(FirstSeen);

    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}

/// <summary>Where a source's last run stopped: the newest publication time and the ids seen at the top.</summary>
public sealed record SourceWatermark(
    string Source,
    string Kind,
    DateTimeOffset? NewestPublishedAt,
    IReadOnlyList<string> TopIds,
    DateTimeOffset LastRunAt,
    int LastNew,
    int LastSeen,
    int Found,
    string? LastError);

/// <summary>One source's part of a watch run.</summary>
public sealed record WatchSourceResult(string Source, int Calls, int Seen, int New, string? Error);

public sealed record WatchRun(
    string Id,
    string Trigger,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    RunStatus Status,
    string Summary,
    int Calls,
    int New,
    IReadOnlyList<WatchSourceResult> Sources);

/// <summary>The watch's own record: its last run, and the hh.ru refusal the owner was last told about.</summary>
public sealed record WatchState(WatchRun? LastRun, string? AlertedProblem)
{
    public static WatchState Empty { get; } = new(null, null);

    /// <summary>The token the last run searched with, and why the application's when it was.</summary>
    public WatchTokenUse? Token { get; init; }

    /// <summary>When the owner was told that saved searches and similar vacancies need an account (null: not told, or they ran since).</summary>
    public DateTimeOffset? UserSourcesToldAt { get; init; }
}

/// <summary>Vacancies kept by the watch: Table storage in Azure, files under Data__Path standalone.</summary>
public interface IVacancyStore
{
    /// <summary>The stored records among <paramref name="ids"/>, by id.</summary>
    Task<IReadOnlyDictionary<string, VacancyRecord>> FindAsync(IReadOnlyCollection<string> ids, CancellationToken ct);

    /// <summary>Inserts or replaces each record (in the partition of its <see cref="VacancyRecord.FirstSeen"/>).</summary>
    Task SaveAsync(IReadOnlyCollection<VacancyRecord> records, CancellationToken ct);

    /// <summary>Every record first seen in the month of <paramref name="firstSeenFrom"/> or later (null: all), any order.</summary>
    Task<IReadOnlyList<VacancyRecord>> ListAsync(DateTimeOffset? firstSeenFrom, CancellationToken ct);

    Task<IReadOnlySet<string>> GetHiddenAsync(CancellationToken ct);

    /// <summary>Marks a vacancy hidden; false when it already was.</summary>
    Task<bool> HideAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<SourceWatermark>> GetWatermarksAsync(CancellationToken ct);

    Task SaveWatermarkAsync(SourceWatermark watermark, CancellationToken ct);

    Task<WatchState> GetWatchStateAsync(CancellationToken ct);

    Task SaveWatchStateAsync(WatchState state, CancellationToken ct);
}
