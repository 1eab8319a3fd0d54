using System.Text.Json;
using System.Text.Json.Serialization;
using HhFunctions.Configuration;
using HhFunctions.State;

namespace HhFunctions.Recruiting.Invitations;

/// <summary>Standalone: {Data__Path}/recruiting-invitations/, one JSON file per resume + vacancy and notify.json, each change under the folder's locks.</summary>
public sealed class FileInvitationStore : IInvitationStore, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly JsonFileFolder _files;

    public FileInvitationStore(DataFolder data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _files = new JsonFileFolder(data.Combine("recruiting-invitations"), ".invitations.lock", Json, "invitations");
    }

    public Task<InvitationRecord?> GetAsync(string resumeId, string vacancyId, CancellationToken ct) =>
        _files.ReadAsync<InvitationRecord>(File(resumeId, vacancyId), ct);

    public Task<(InvitationRecord? Record, bool Changed)> UpdateAsync(string resumeId, string vacancyId, Func<InvitationRecord?, InvitationRecord?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _files.LockedAsync(async () =>
        {
            var current = await _files.ReadAsync<InvitationRecord>(File(resumeId, vacancyId), ct);
            var next = change(current);
            if (next is null || ReferenceEquals(next, current))
            {
                return (current, false);
            }

            await _files.WriteAsync(File(resumeId, vacancyId), next, ct);
            return ((InvitationRecord?)next, true);
        }, ct);
    }

    public async Task<NotifyState> GetNotifyStateAsync(CancellationToken ct) =>
        await _files.ReadAsync<NotifyState>("notify.json", ct) ?? NotifyState.Empty;

    public Task<(NotifyState State, bool Changed)> UpdateNotifyStateAsync(Func<NotifyState, NotifyState> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _files.LockedAsync(async () =>
        {
            var current = await _files.ReadAsync<NotifyState>("notify.json", ct) ?? NotifyState.Empty;
            var next = change(current);
            if (ReferenceEquals(next, current))
            {
                return (current, false);
            }

            await _files.WriteAsync("notify.json", next, ct);
            return (next, true);
        }, ct);
    }

    public void Dispose() => _files.Dispose();

    private static string File(string resumeId, string vacancyId) => Path.Combine("invitations", InvitationKeys.Of(resumeId, vacancyId) + ".json");
}
