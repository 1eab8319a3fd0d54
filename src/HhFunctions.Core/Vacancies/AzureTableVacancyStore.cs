using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using HhFunctions.Configuration;
using Microsoft.Extensions.Options;

using static HhFunctions.State.TableEntities;
using HhFunctions.State;

namespace HhFunctions.Vacancies;

/// <summary>
/// Vacancies in Azure Table storage. Table "Vacancies": partition = UTC month of first sight ("2026-03"), row =
/// vacancy id, so reading the last months (the page) or a year (the export) reads only those partitions. Table
/// "VacancyIndex": one entity per id naming its month, for point look-ups when a vacancy is seen again.
/// Table "VacancyWatch": watermarks, hidden ids and the last run.
/// </summary>
public sealed class AzureTableVacancyStore(TableServiceClient service, IOptions<StorageOptions> options) : IVacancyStore
{
    private const string WatermarkPartition = "watermark";
    private const string HiddenPartition = "hidden";
    private const string StatePartition = "state";
    private const string MonthPartition = "month";
    private const int Parallelism = 8;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly TableProvider _tables = new(service, options.Value.TablePrefix);

    public async Task<IReadOnlyDictionary<string, VacancyRecord>> FindAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var index = await _tables.GetAsync("VacancyIndex", ct);
        var vacancies = await _tables.GetAsync("Vacancies", ct);
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, VacancyRecord>(StringComparer.Ordinal);
        await Guard(async () =>
        {
            await Parallel.ForEachAsync(ids.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (id, c) =>
            {
                var key = Key(id);
                var month = await index.GetEntityIfExistsAsync<TableEntity>(key, "m", ["Month"], c);
                if (!month.HasValue || month.Value?.GetString("Month") is not { } m)
                {
                    return;
                }

                var entity = await vacancies.GetEntityIfExistsAsync<TableEntity>(m, key, cancellationToken: c);
                if (entity.HasValue && entity.Value is not null)
                {
                    found[id] = Deserialize<VacancyRecord>(entity.Value);
                }
            });
            return true;
        });
        return found;
    }

    public async Task SaveAsync(IReadOnlyCollection<VacancyRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        var index = await _tables.GetAsync("VacancyIndex", ct);
        var vacancies = await _tables.GetAsync("Vacancies", ct);
        await Guard(async () =>
        {
            // A batch holds at most 100 entities of one partition.
            var batches = records.GroupBy(r => r.Month).SelectMany(g => g.Chunk(100)).ToList();
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (batch, c) =>
                await vacancies.SubmitTransactionAsync(
                    batch.DistinctBy(r => r.Id).Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Serialize(r.Month, Key(r.Id), r))),
                    c));
            await Parallel.ForEachAsync(records, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (r, c) =>
                await index.UpsertEntityAsync(new TableEntity(Key(r.Id), "m") { ["Month"] = r.Month }, TableUpdateMode.Replace, c));

            // The list of month partitions, so reading several months can query them side by side.
            var watch = await _tables.GetAsync("VacancyWatch", ct);
            await watch.SubmitTransactionAsync(records.Select(r => r.Month).Distinct(StringComparer.Ordinal).Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(MonthPartition, m))), ct);
            return true;
        });
    }

    public async Task<IReadOnlyList<VacancyRecord>> ListAsync(DateTimeOffset? firstSeenFrom, CancellationToken ct)
    {
        var vacancies = await _tables.GetAsync("Vacancies", ct);
        var watch = await _tables.GetAsync("VacancyWatch", ct);
        return await Guard(async () =>
        {
            var from = firstSeenFrom is { } f ? VacancyRecord.MonthOf(f) : null;
            var months = new List<string>();
            await foreach (var m in watch.QueryAsync<TableEntity>(e => e.PartitionKey == MonthPartition, select: ["RowKey"], cancellationToken: ct))
            {
                if (from is null || string.CompareOrdinal(m.RowKey, from) >= 0)
                {
                    months.Add(m.RowKey);
                }
            }

            // One query per month partition, side by side.
            var parts = new System.Collections.Concurrent.ConcurrentBag<List<VacancyRecord>>();
            await Parallel.ForEachAsync(months, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (month, c) =>
            {
                var part = new List<VacancyRecord>();
                await foreach (var entity in vacancies.QueryAsync<TableEntity>(e => e.PartitionKey == month, select: ["Json"], cancellationToken: c))
                {
                    part.Add(Deserialize<VacancyRecord>(entity));
                }

                parts.Add(part);
            });
            return parts.SelectMany(p => p).ToList();
        });
    }

    public async Task<IReadOnlySet<string>> GetHiddenAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync("VacancyWatch", ct);
        return await Guard(async () =>
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == HiddenPartition, select: ["Id"], cancellationToken: ct))
            {
                if (entity.GetString("Id") is { } id)
                {
                    set.Add(id);
                }
            }

            return set;
        });
    }

    public async Task<bool> HideAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        var table = await _tables.GetAsync("VacancyWatch", ct);
        try
        {
            await table.AddEntityAsync(new TableEntity(HiddenPartition, Key(id)) { ["Id"] = id }, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
        catch (RequestFailedException ex)
        {
            throw new StateStoreException($"Table storage refused the request (HTTP {ex.Status}, {ex.ErrorCode}).", ex);
        }
        catch (AggregateException ex) when (IsUnreachable(ex))
        {
            throw Unreachable(ex);
        }
    }

    public async Task<IReadOnlyList<SourceWatermark>> GetWatermarksAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync("VacancyWatch", ct);
        return await TableEntities.ReadPartitionAsync<SourceWatermark>(table, WatermarkPartition, Json, ct);
    }

    public async Task SaveWatermarkAsync(SourceWatermark watermark, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(watermark);
        var table = await _tables.GetAsync("VacancyWatch", ct);
        await Guard(async () => await table.UpsertEntityAsync(Serialize(WatermarkPartition, Key(watermark.Source), watermark), TableUpdateMode.Replace, ct));
    }

    public async Task<WatchState> GetWatchStateAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync("VacancyWatch", ct);
        return await TableEntities.ReadRowAsync<WatchState>(table, StatePartition, "current", Json, ct) ?? WatchState.Empty;
    }

    public async Task SaveWatchStateAsync(WatchState state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        var table = await _tables.GetAsync("VacancyWatch", ct);
        await Guard(async () => await table.UpsertEntityAsync(Serialize(StatePartition, "current", state), TableUpdateMode.Replace, ct));
    }

    /// <summary>A row key for any id or name: as is when Table storage allows it, else a hash.</summary>
    internal static string Key(string value) =>
        AzureTableStateStore.IsValidKey(value) && value.Length <= 200
            ? value
            : "h-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static TableEntity Serialize<T>(string partition, string row, T value) => TableEntities.Serialize(partition, row, value, Json);

    private static T Deserialize<T>(TableEntity entity) => TableEntities.Deserialize<T>(entity, Json);
}
