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
    private const string AccountFile = "account.json";
    private const string ResumesFile = "resumes.json";
    private const string RunsFile = "runs.json";
    private const string TokensFile = "one-time-tokens.json";
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
        return UpdateTokensAsync(list =>
        {
            // Entries expired for more than a day are dropped so the file stays small.
            list.RemoveAll(t => t.ExpiresAt < oldest.AddDays(-1));
            list.AddRange(tokens);
            return true;
        }, ct);
    }

    public Task<ConsumeResult> ConsumeOneTimeTokenAsync(string purpose, string value, DateTimeOffset now, CancellationToken ct) =>
        UpdateTokensAsync(list =>
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
        await ReadAsync<AccountState>(AccountFile, ct) ?? AccountState.Empty;

    public Task<AccountState> UpdateAccountAsync(Func<AccountState, AccountState> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return UpdateFileAsync<AccountState, AccountState>(AccountFile, current =>
        {
            var next = change(current ?? AccountState.Empty);
            return (next, next);
        }, ct);
    }

    public async Task<IReadOnlyList<ResumeState>> GetResumesAsync(CancellationToken ct) =>
        await ReadAsync<List<ResumeState>>(ResumesFile, ct) ?? [];

    public Task SaveResumeAsync(ResumeState resumeState, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resumeState);
        return UpdateListAsync<ResumeState, bool>(ResumesFile, list =>
        {
            list.RemoveAll(r => r.ResumeId == resumeState.ResumeId);
            list.Add(resumeState);
            return true;
        }, ct);
    }

    public Task AddRunAsync(RunRecord run, CancellationToken ct) =>
        UpdateListAsync<RunRecord, bool>(RunsFile, list =>
        {
            list.Insert(0, run);
            if (list.Count > MaxRuns)
            {
                list.RemoveRange(MaxRuns, list.Count - MaxRuns);
            }

            return true;
        }, ct);

    public async Task<IReadOnlyList<RunRecord>> GetRecentRunsAsync(int count, CancellationToken ct) =>
        (await ReadAsync<List<RunRecord>>(RunsFile, ct) ?? []).OrderByDescending(r => r.StartedAt).Take(count).ToList();

    public void Dispose() => _files.Dispose();

    /// <summary>
    /// Builds the serializer's metadata for the state files that exist (none are read or written here), e.g. while the
    /// host starts, so that the first status page does not pay for it. A fresh install has none of them, and then
    /// nothing is built: its first page reads no state file.
    /// </summary>
    public void WarmUp()
    {
        if (Exists(AccountFile))
        {
            _ = JsonSerializer.Deserialize<AccountState>(JsonSerializer.SerializeToUtf8Bytes(AccountState.Empty, Json), Json);
        }

        if (Exists(ResumesFile))
        {
            _ = JsonSerializer.Deserialize<List<ResumeState>>("[]"u8, Json);
        }

        if (Exists(RunsFile))
        {
            _ = JsonSerializer.Deserialize<List<RunRecord>>("[]"u8, Json);
        }
    }

    /// <summary>
    /// The one-time tokens file changes on every status page view (its form value), so it is read and written without
    /// the serializer (<see cref="OneTimeTokenFile"/>), in the same shape.
    /// </summary>
    private Task<TResult> UpdateTokensAsync<TResult>(Func<List<OneTimeToken>, TResult> change, CancellationToken ct) =>
        _files.LockedAsync(
            async () =>
            {
                var list = await _files.ReadBytesAsync(TokensFile, ct) is { } bytes ? ParseTokens(bytes) : [];
                var result = change(list);
                await _files.WriteBytesAsync(TokensFile, OneTimeTokenFile.Write(list), ct);
                return result;
            },
            ct);

    private List<OneTimeToken> ParseTokens(byte[] bytes)
    {
        try
        {
            return OneTimeTokenFile.Parse(bytes);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new StateStoreException($"The state file {Path.Combine(_files.Folder, TokensFile)} is not valid JSON; move it away to start fresh.", ex);
        }
    }

    /// <summary>
    /// The file's content, read under the folder's locks; a file that does not exist (a fresh install's) is answered
    /// without them, as if read a moment before whichever write creates it.
    /// </summary>
    private Task<T?> ReadAsync<T>(string file, CancellationToken ct) =>
        Exists(file)
            ? _files.LockedAsync(() => _files.ReadAsync<T>(file, ct), ct)
            : Task.FromResult(default(T));

    private bool Exists(string file) => File.Exists(Path.Combine(_files.Folder, file));

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
internal sealed partial class StateJsonContext : JsonSerializerContext;
