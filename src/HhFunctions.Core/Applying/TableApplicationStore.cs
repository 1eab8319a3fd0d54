using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using HhFunctions.Configuration;
using HhFunctions.State;
using Microsoft.Extensions.Options;

using static HhFunctions.State.TableEntities;

namespace HhFunctions.Applying;

/// <summary>
/// Applications in Azure Table storage: table {prefix}Applications, one row per vacancy (partition "app"),
/// apply-state in partition "state". Updates use the row's ETag, so concurrent writers re-read and re-apply.
/// </summary>
public sealed class TableApplicationStore(TableServiceClient service, IOptions<StorageOptions> options) : IApplicationStore
{
    private const string AppPartition = "app";
    private const string StatePartition = "state";
    private const string StateRow = "current";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly TableProvider _tables = new(service, options.Value.TablePrefix);

    public async Task<ApplicationRecord?> GetAsync(string vacancyId, CancellationToken ct)
    {
        var table = await _tables.GetAsync("Applications", ct);
        return await TableEntities.ReadRowAsync<ApplicationRecord>(table, AppPartition, Key(vacancyId), Json, ct);
    }

    public async Task<IReadOnlyList<ApplicationRecord>> ListAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync("Applications", ct);
        return await TableEntities.ReadPartitionAsync<ApplicationRecord>(table, AppPartition, Json, ct);
    }

    public async Task<(ApplicationRecord? Record, bool Changed)> UpdateAsync(string vacancyId, Func<ApplicationRecord?, ApplicationRecord?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (record, changed) = await UpdateRowAsync(AppPartition, Key(vacancyId), change, ct);
        return (record, changed);
    }

    public async Task<ApplyState> GetStateAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync("Applications", ct);
        return await TableEntities.ReadRowAsync<ApplyState>(table, StatePartition, StateRow, Json, ct) ?? ApplyState.Empty;
    }

    public async Task<ApplyState> UpdateStateAsync(Func<ApplyState, ApplyState> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (state, _) = await UpdateRowAsync<ApplyState>(StatePartition, StateRow, s => change(s ?? ApplyState.Empty), ct);
        return state!;
    }

    private async Task<(T? Value, bool Changed)> UpdateRowAsync<T>(string partition, string row, Func<T?, T?> change, CancellationToken ct)
        where T : class
    {
        var table = await _tables.GetAsync("Applications", ct);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await Guard(() => table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct));
            var found = existing.HasValue && existing.Value is not null;
            var current = found ? Read<T>(existing.Value!) : null;
            var next = change(current);
            if (next is null || ReferenceEquals(next, current))
            {
                return (current, false);
            }

            var entity = TableEntities.Serialize(partition, row, next, Json);
            try
            {
                if (found)
                {
                    await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, ct);
                }
                else
                {
                    await table.AddEntityAsync(entity, ct);
                }

                return (next, true);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Another writer got there first: read again and re-apply the change.
            }
            catch (RequestFailedException ex)
            {
                throw new StateStoreException($"Table storage refused the application update (HTTP {ex.Status}).", ex);
            }
            catch (AggregateException ex) when (IsUnreachable(ex))
            {
                throw Unreachable(ex);
            }
        }
    }

    /// <summary>hh.ru vacancy ids are digits; anything else is hex-encoded so it is a valid row key.</summary>
    private static string Key(string vacancyId) =>
        AzureTableStateStore.IsValidKey(vacancyId) ? vacancyId : Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(vacancyId));

    private static T Read<T>(TableEntity entity) => TableEntities.Deserialize<T>(entity, Json);
}
