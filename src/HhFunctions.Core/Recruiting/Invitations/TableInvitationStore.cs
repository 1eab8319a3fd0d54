using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
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
        var (after, changed) = await UpdateRowAsync(table, "invite", InvitationKeys.Of(resumeId, vacancyId), change, ct);
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
        var (after, changed) = await UpdateRowAsync<NotifyState>(table, "notify", "current", s => change(s ?? NotifyState.Empty), ct);
        return (after ?? NotifyState.Empty, changed);
    }

    private static async Task<(T? After, bool Changed)> UpdateRowAsync<T>(TableClient table, string partition, string row, Func<T?, T?> change, CancellationToken ct)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = await Guard(() => table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct));
            var found = existing.HasValue && existing.Value is not null;
            var current = found ? Deserialize<T>(existing.Value!, Json) : null;
            var next = change(current);
            if (next is null || ReferenceEquals(next, current))
            {
                return (current, false);
            }

            var entity = Serialize(partition, row, next, Json);
            try
            {
                if (found)
                {
                    await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, ct);
                }
                else
                {
                    await table.AddEntityAsync(entity, ct); // the conditional insert: a second claimant gets 409 and re-reads
                }

                return (next, true);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Another writer got there first: read again and re-apply the change.
            }
            catch (RequestFailedException ex)
            {
                throw new StateStoreException($"Table storage refused the invitation update (HTTP {ex.Status}).", ex);
            }
            catch (AggregateException ex) when (IsUnreachable(ex))
            {
                throw Unreachable(ex);
            }
        }
    }
}
