using System.Text.Json;
using System.Text.Json.Serialization;
using HhFunctions.Configuration;
using HhFunctions.State;
using Microsoft.Extensions.Options;

namespace HhFunctions.Applying;

/// <summary>
/// Standalone: applications in {Data__Path}/state/applications.json and apply-state.json, written atomically
/// (temp file + rename) under a cross-process file lock, like <see cref="FileStateStore"/>.
/// </summary>
public sealed class FileApplicationStore : IApplicationStore, IDisposable
{
    private const string ApplicationsFile = "applications.json";
    private const string StateFile = "apply-state.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly string _folder;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public FileApplicationStore(IOptions<DataOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _folder = Path.Combine(Path.GetFullPath(options.Value.Path), "state");
    }

    public async Task<ApplicationRecord?> GetAsync(string vacancyId, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(a => a.VacancyId == vacancyId);

    public async Task<IReadOnlyList<ApplicationRecord>> ListAsync(CancellationToken ct) =>
        await LockedAsync(async () => await ReadAsync<List<ApplicationRecord>>(ApplicationsFile, ct) ?? [], ct);

    public Task<(ApplicationRecord? Record, bool Changed)> UpdateAsync(string vacancyId, Func<ApplicationRecord?, ApplicationRecord?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return LockedAsync(async () =>
        {
            var list = await ReadAsync<List<ApplicationRecord>>(ApplicationsFile, ct) ?? [];
            var index = list.FindIndex(a => a.VacancyId == vacancyId);
            var current = index >= 0 ? list[index] : null;
            var next = change(current);
            if (next is null || ReferenceEquals(next, current))
            {
                return (current, false);
            }

            if (index >= 0)
            {
                list[index] = next;
            }
            else
            {
                list.Add(next);
            }

            await WriteAsync(ApplicationsFile, list, ct);
            return ((ApplicationRecord?)next, true);
        }, ct);
    }

    public async Task<ApplyState> GetStateAsync(CancellationToken ct) =>
        await LockedAsync(async () => await ReadAsync<ApplyState>(StateFile, ct) ?? ApplyState.Empty, ct);

    public Task<ApplyState> UpdateStateAsync(Func<ApplyState, ApplyState> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return LockedAsync(async () =>
        {
            var next = change(await ReadAsync<ApplyState>(StateFile, ct) ?? ApplyState.Empty);
            await WriteAsync(StateFile, next, ct);
            return next;
        }, ct);
    }

    public void Dispose() => _gate.Dispose();

    private string LockPath => Path.Combine(_folder, ".applications.lock");

    private async Task<T> LockedAsync<T>(Func<Task<T>> body, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(_folder);
            using var fileLock = await FileLock.AcquireAsync(LockPath, Timeout.InfiniteTimeSpan, TimeProvider.System, ct);
            return await body();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<T?> ReadAsync<T>(string file, CancellationToken ct)
    {
        var path = Path.Combine(_folder, file);
        if (!File.Exists(path))
        {
            return default;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<T>(stream, Json, ct);
        }
        catch (JsonException ex)
        {
            throw new StateStoreException($"The state file {path} is not valid JSON; move it away to start fresh.", ex);
        }
    }

    private async Task WriteAsync<T>(string file, T value, CancellationToken ct)
    {
        var path = Path.Combine(_folder, file);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await using (var stream = File.Create(temp))
        {
            await JsonSerializer.SerializeAsync(stream, value, Json, ct);
        }

        File.Move(temp, path, overwrite: true);
    }
}
