using System.Text.Json;
using HhFunctions.Applying;
using HhFunctions.HeadHunter.Models;
using HhFunctions.State;
using HhFunctions.Vacancies;

namespace HhFunctions.OwnDatabase;

/// <summary>The watch's hook: each page of vacancies stored goes to the outbox with hh.ru's items. Never fails the run.</summary>
public sealed partial class OutboxVacancyMirror(IMirrorOutbox outbox, MirrorSignal signal, ILogger<OutboxVacancyMirror> logger) : IVacancyMirror
{
    public async Task RecordAsync(IReadOnlyList<VacancyRecord> records, IReadOnlyList<HhVacancy> items, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(items);
        var raw = items.GroupBy(i => i.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var entries = records.Select(r => new MirrorEntry(
            MirrorKinds.Vacancy,
            r.Id,
            JsonSerializer.Serialize(new VacancyPayload(r, raw.TryGetValue(r.Id, out var item) ? JsonSerializer.SerializeToElement(item, HhJson.Options) : null), PostgresMirrorWriter.Json)))
            .ToList();
        try
        {
            await outbox.AddAsync(entries, ct);
            signal.Wake();
        }
        catch (StateStoreException ex)
        {
            Log.NotQueued(logger, entries.Count, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(9120, LogLevel.Warning, "Own database: {Count} vacancies could not be put in the outbox ({Reason}); they reach the database when next seen.")]
        public static partial void NotQueued(ILogger logger, int count, string reason);
    }
}

/// <summary>
/// The applications store, with every change that happened also put in the outbox (the record with its state
/// history). A failure to queue is logged and never fails applying or tracking.
/// </summary>
public sealed partial class MirroredApplicationStore(IApplicationStore inner, IMirrorOutbox outbox, MirrorSignal signal, ILogger<MirroredApplicationStore> logger) : IApplicationStore
{
    public Task<ApplicationRecord?> GetAsync(string vacancyId, CancellationToken ct) => inner.GetAsync(vacancyId, ct);

    public Task<IReadOnlyList<ApplicationRecord>> ListAsync(CancellationToken ct) => inner.ListAsync(ct);

    public async Task<(ApplicationRecord? Record, bool Changed)> UpdateAsync(string vacancyId, Func<ApplicationRecord?, ApplicationRecord?> change, CancellationToken ct)
    {
        var result = await inner.UpdateAsync(vacancyId, change, ct);
        if (result is { Changed: true, Record: { } record })
        {
            try
            {
                await outbox.AddAsync([new MirrorEntry(MirrorKinds.Application, record.VacancyId, JsonSerializer.Serialize(record, PostgresMirrorWriter.Json))], ct);
                signal.Wake();
            }
            catch (StateStoreException ex)
            {
                Log.NotQueued(logger, ex.Message);
            }
        }

        return result;
    }

    public Task<ApplyState> GetStateAsync(CancellationToken ct) => inner.GetStateAsync(ct);

    public Task<ApplyState> UpdateStateAsync(Func<ApplyState, ApplyState> change, CancellationToken ct) => inner.UpdateStateAsync(change, ct);

    private static partial class Log
    {
        [LoggerMessage(9121, LogLevel.Warning, "Own database: an application change could not be put in the outbox ({Reason}); it reaches the database with its next change.")]
        public static partial void NotQueued(ILogger logger, string reason);
    }
}
