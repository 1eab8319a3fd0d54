using System.Text.Json;
using System.Text.Json.Serialization;
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
        var (_, after, changed) = await TableEntities.UpdateRowAsync(table, partition, row, change, Json, "the application update", ct);
        return (after, changed);
    }

    /// <summary>hh.ru vacancy ids are digits; anything else is hex-encoded so it is a valid row key.</summary>
    private static string Key(string vacancyId) =>
        AzureTableStateStore.IsValidKey(vacancyId) ? vacancyId : Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(vacancyId));

    private static T Read<T>(TableEntity entity) => TableEntities.Deserialize<T>(entity, Json);
}
