using System.Text.Json;
using System.Text.Json.Serialization;
using HhFunctions.Configuration;
using HhFunctions.State;

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

    private readonly JsonFileFolder _files;

    public FileApplicationStore(DataFolder data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _files = new JsonFileFolder(data.Combine("state"), ".applications.lock", Json, "state");
    }

    public async Task<ApplicationRecord?> GetAsync(string vacancyId, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(a => a.VacancyId == vacancyId);

    public async Task<IReadOnlyList<ApplicationRecord>> ListAsync(CancellationToken ct) =>
        await _files.LockedAsync(async () => await _files.ReadAsync<List<ApplicationRecord>>(ApplicationsFile, ct) ?? [], ct);

    public Task<(ApplicationRecord? Record, bool Changed)> UpdateAsync(string vacancyId, Func<ApplicationRecord?, ApplicationRecord?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _files.LockedAsync(async () =>
        {
            var list = await _files.ReadAsync<List<ApplicationRecord>>(ApplicationsFile, ct) ?? [];
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

            await _files.WriteAsync(ApplicationsFile, list, ct);
            return ((ApplicationRecord?)next, true);
        }, ct);
    }

    public async Task<ApplyState> GetStateAsync(CancellationToken ct) =>
        await _files.LockedAsync(async () => await _files.ReadAsync<ApplyState>(StateFile, ct) ?? ApplyState.Empty, ct);

    public Task<ApplyState> UpdateStateAsync(Func<ApplyState, ApplyState> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _files.LockedAsync(async () =>
        {
            var next = change(await _files.ReadAsync<ApplyState>(StateFile, ct) ?? ApplyState.Empty);
            await _files.WriteAsync(StateFile, next, ct);
            return next;
        }, ct);
    }

    public void Dispose() => _files.Dispose();
}
