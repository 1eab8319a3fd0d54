using System.Text.Json;
using System.Text.Json.Serialization;
using HhFunctions.Configuration;
using HhFunctions.State;

namespace HhFunctions.Vacancies;

/// <summary>
/// Embedded vacancy store (standalone mode): one JSON file per month of first sight under
/// {Data__Path}/vacancies, an id → month index, and a small file for watermarks, hidden ids and the last run.
/// Writes are atomic (temp file + rename) under a cross-process file lock.
/// </summary>
public sealed class FileVacancyStore : IVacancyStore, IDisposable
{
    private const string IndexFile = "index.json";
    private const string WatchFile = "watch.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly JsonFileFolder _files;

    public FileVacancyStore(DataFolder data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _files = new JsonFileFolder(data.Combine("vacancies"), ".lock", Json, "vacancy");
    }

    public Task<IReadOnlyDictionary<string, VacancyRecord>> FindAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return _files.LockedAsync<IReadOnlyDictionary<string, VacancyRecord>>(async () =>
        {
            var index = await _files.ReadAsync<Dictionary<string, string>>(IndexFile, ct) ?? [];
            var found = new Dictionary<string, VacancyRecord>(StringComparer.Ordinal);
            foreach (var month in ids.Where(index.ContainsKey).GroupBy(id => index[id]))
            {
                var records = await ReadMonthAsync(month.Key, ct);
                foreach (var id in month)
                {
                    if (records.TryGetValue(id, out var r))
                    {
                        found[id] = r;
                    }
                }
            }

            return found;
        }, ct);
    }

    public Task SaveAsync(IReadOnlyCollection<VacancyRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return Task.CompletedTask;
        }

        return _files.LockedAsync(async () =>
        {
            var index = await _files.ReadAsync<Dictionary<string, string>>(IndexFile, ct) ?? [];
            foreach (var month in records.GroupBy(r => r.Month))
            {
                var stored = await ReadMonthAsync(month.Key, ct);
                foreach (var r in month)
                {
                    stored[r.Id] = r;
                    index[r.Id] = month.Key;
                }

                await _files.WriteAsync(month.Key + ".json", stored.Values.ToList(), ct);
            }

            await _files.WriteAsync(IndexFile, index, ct);
            return true;
        }, ct);
    }

    public Task<IReadOnlyList<VacancyRecord>> ListAsync(DateTimeOffset? firstSeenFrom, CancellationToken ct) =>
        _files.LockedAsync<IReadOnlyList<VacancyRecord>>(async () =>
        {
            if (!Directory.Exists(_files.Folder))
            {
                return [];
            }

            var from = firstSeenFrom is { } f ? VacancyRecord.MonthOf(f) : null;
            var all = new List<VacancyRecord>();
            foreach (var file in Directory.GetFiles(_files.Folder, "????-??.json").Order(StringComparer.Ordinal))
            {
                var month = Path.GetFileNameWithoutExtension(file);
                if (from is null || string.CompareOrdinal(month, from) >= 0)
                {
                    all.AddRange((await ReadMonthAsync(month, ct)).Values);
                }
            }

            return all;
        }, ct);

    public async Task<IReadOnlySet<string>> GetHiddenAsync(CancellationToken ct) =>
        (await _files.LockedAsync(() => ReadWatchAsync(ct), ct)).Hidden.ToHashSet(StringComparer.Ordinal);

    public Task<bool> HideAsync(string id, CancellationToken ct) =>
        UpdateWatchAsync(w => w.Hidden.Contains(id) ? (w, false) : (w with { Hidden = [.. w.Hidden, id] }, true), ct);

    public async Task<IReadOnlyList<SourceWatermark>> GetWatermarksAsync(CancellationToken ct) =>
        (await _files.LockedAsync(() => ReadWatchAsync(ct), ct)).Watermarks;

    public Task SaveWatermarkAsync(SourceWatermark watermark, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(watermark);
        return UpdateWatchAsync(w => (w with { Watermarks = [.. w.Watermarks.Where(x => x.Source != watermark.Source), watermark] }, true), ct);
    }

    public async Task<WatchState> GetWatchStateAsync(CancellationToken ct) =>
        (await _files.LockedAsync(() => ReadWatchAsync(ct), ct)).State ?? WatchState.Empty;

    public Task SaveWatchStateAsync(WatchState state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        return UpdateWatchAsync(w => (w with { State = state }, true), ct);
    }

    public void Dispose() => _files.Dispose();

    private Task<TResult> UpdateWatchAsync<TResult>(Func<WatchFileContent, (WatchFileContent Next, TResult Result)> change, CancellationToken ct) =>
        _files.LockedAsync(async () =>
        {
            var (next, result) = change(await ReadWatchAsync(ct));
            await _files.WriteAsync(WatchFile, next, ct);
            return result;
        }, ct);

    private async Task<WatchFileContent> ReadWatchAsync(CancellationToken ct) =>
        await _files.ReadAsync<WatchFileContent>(WatchFile, ct) ?? new WatchFileContent([], [], null);

    private async Task<Dictionary<string, VacancyRecord>> ReadMonthAsync(string month, CancellationToken ct) =>
        (await _files.ReadAsync<List<VacancyRecord>>(month + ".json", ct) ?? []).ToDictionary(r => r.Id, StringComparer.Ordinal);

    private sealed record WatchFileContent(IReadOnlyList<SourceWatermark> Watermarks, IReadOnlyList<string> Hidden, WatchState? State);
}
