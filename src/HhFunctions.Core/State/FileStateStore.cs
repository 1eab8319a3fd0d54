using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using HhFunctions.Configuration;

namespace HhFunctions.State;

/// <summary>
/// Embedded state store for standalone mode: small JSON files under {Data__Path}/state, written atomically
/// (temp file + rename) under a cross-process file lock.
/// </summary>
public sealed class FileStateStore : IStateStore, IDisposable
{
    private const int MaxRuns = 200;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },

        // Generated metadata for the files read on every status page (no reflection warm-up at start); the
        // reflection resolver stays behind it, so the format is the same either way.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(StateJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    private readonly JsonFileFolder _files;

    public FileStateStore(DataFolder data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _files = new JsonFileFolder(data.Combine("state"), ".lock", Json, "state");
    }

    public Task SaveOneTimeTokensAsync(IReadOnlyList<OneTimeToken> tokens, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count == 0)
        {
            return Task.CompletedTask;
        }

        var oldest = tokens.Min(t => t.ExpiresAt);
        return UpdateListAsync<OneTimeToken, bool>("one-time-tokens.json", list =>
        {
            // Entries expired for more than a day are dropped so the file stays small.
            list.RemoveAll(t => t.ExpiresAt < oldest.AddDays(-1));
            list.AddRange(tokens);
            return true;
        }, ct);
    }

    public Task<ConsumeResult> ConsumeOneTimeTokenAsync(string purpose, string value, DateTimeOffset now, CancellationToken ct) =>
        UpdateListAsync<OneTimeToken, ConsumeResult>("one-time-tokens.json", list =>
        {
            var index = list.FindIndex(t => t.Purpose == purpose && t.Value == value);
            if (index < 0)
            {
                return ConsumeResult.Unknown;
            }

            var token = list[index];
            if (token.UsedAt is not null)
            {
                return ConsumeResult.AlreadyUsed;
            }

            list[index] = token with { UsedAt = now };
            return token.ExpiresAt <= now ? ConsumeResult.Expired : ConsumeResult.Accepted;
        }, ct);

    public async Task<AccountState> GetAccountAsync(CancellationToken ct) =>
        await ReadAsync<AccountState>("account.json", ct) ?? AccountState.Empty;

    public Task<AccountState> UpdateAccountAsync(Func<AccountState, AccountState> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return UpdateFileAsync<AccountState, AccountState>("account.json", current =>
        {
            var next = change(current ?? AccountState.Empty);
            return (next, next);
        }, ct);
    }

    public async Task<IReadOnlyList<ResumeState>> GetResumesAsync(CancellationToken ct) =>
        await ReadAsync<List<ResumeState>>("resumes.json", ct) ?? [];

    public Task SaveResumeAsync(ResumeState resumeState, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resumeState);
        return UpdateListAsync<ResumeState, bool>("resumes.json", list =>
        {
            list.RemoveAll(r => r.ResumeId == resumeState.ResumeId);
            list.Add(resumeState);
            return true;
        }, ct);
    }

    public Task AddRunAsync(RunRecord run, CancellationToken ct) =>
        UpdateListAsync<RunRecord, bool>("runs.json", list =>
        {
            list.Insert(0, run);
            if (list.Count > MaxRuns)
            {
                list.RemoveRange(MaxRuns, list.Count - MaxRuns);
            }

            return true;
        }, ct);

    public async Task<IReadOnlyList<RunRecord>> GetRecentRunsAsync(int count, CancellationToken ct) =>
        (await ReadAsync<List<RunRecord>>("runs.json", ct) ?? []).OrderByDescending(r => r.StartedAt).Take(count).ToList();

    public void Dispose() => _files.Dispose();

    /// <summary>Builds the serializer's metadata for the state files in memory (no file is touched), e.g. while the host starts.</summary>
    public static void WarmUp()
    {
        var tokens = JsonSerializer.SerializeToUtf8Bytes(new List<OneTimeToken> { new("warm-up", "warm-up", DateTimeOffset.UnixEpoch, null) }, Json);
        _ = JsonSerializer.Deserialize<List<OneTimeToken>>(tokens, Json);
        _ = JsonSerializer.Deserialize<AccountState>(JsonSerializer.SerializeToUtf8Bytes(AccountState.Empty, Json), Json);
        _ = JsonSerializer.Deserialize<List<ResumeState>>("[]"u8, Json);
        _ = JsonSerializer.Deserialize<List<RunRecord>>("[]"u8, Json);
    }

    private Task<T?> ReadAsync<T>(string file, CancellationToken ct) =>
        _files.LockedAsync(() => _files.ReadAsync<T>(file, ct), ct);

    private Task<TResult> UpdateListAsync<TItem, TResult>(string file, Func<List<TItem>, TResult> change, CancellationToken ct) =>
        UpdateFileAsync<List<TItem>, TResult>(file, current =>
        {
            var list = current ?? [];
            var result = change(list);
            return (list, result);
        }, ct);

    private Task<TResult> UpdateFileAsync<T, TResult>(string file, Func<T?, (T Next, TResult Result)> change, CancellationToken ct) =>
        _files.LockedAsync(
            async () =>
            {
                var (next, result) = change(await _files.ReadAsync<T>(file, ct));
                await _files.WriteAsync(file, next, ct);
                return result;
            },
            ct);
}

[JsonSerializable(typeof(AccountState))]
[JsonSerializable(typeof(List<ResumeState>))]
[JsonSerializable(typeof(List<RunRecord>))]
[JsonSerializable(typeof(List<OneTimeToken>))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
