using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using HhFunctions.Configuration;
using HhFunctions.State;
using Microsoft.Extensions.Options;

using static HhFunctions.State.TableEntities;

namespace HhFunctions.Recruiting.Invitations;

/// <summary>
/// Invitations in Azure Table storage, table {prefix}RecruitingInvitations: partition "invite" (one row per resume +
/// vacancy, added with a conditional insert and updated with its ETag) and "notify" (one row).
/// </summary>
public sealed class TableInvitationStore(TableServiceClient service, IOptions<StorageOptions> options) : IInvitationStore
{
    private const string TableName = "RecruitingInvitations";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly TableProvider _tables = new(service, options.Value.TablePrefix);

    public async Task<InvitationRecord?> GetAsync(string resumeId, string vacancyId, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await ReadRowAsync<InvitationRecord>(table, "invite", InvitationKeys.Of(resumeId, vacancyId), Json, ct);
    }

    public async Task<(InvitationRecord? Record, bool Changed)> UpdateAsync(string resumeId, string vacancyId, Func<InvitationRecord?, InvitationRecord?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var table = await _tables.GetAsync(TableName, ct);
        var (_, after, changed) = await UpdateRowAsync(table, "invite", InvitationKeys.Of(resumeId, vacancyId), change, Json, "the invitation update", ct);
        return (after, changed);
    }

    public async Task<NotifyState> GetNotifyStateAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await ReadRowAsync<NotifyState>(table, "notify", "current", Json, ct) ?? NotifyState.Empty;
    }

    public async Task<(NotifyState State, bool Changed)> UpdateNotifyStateAsync(Func<NotifyState, NotifyState> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var table = await _tables.GetAsync(TableName, ct);
        var (_, after, changed) = await UpdateRowAsync<NotifyState>(table, "notify", "current", s => change(s ?? NotifyState.Empty), Json, "the invitation update", ct);
        return (after ?? NotifyState.Empty, changed);
    }
}
