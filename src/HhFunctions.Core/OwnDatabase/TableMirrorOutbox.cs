using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using HhFunctions.Configuration;
using HhFunctions.State;
using Microsoft.Extensions.Options;

namespace HhFunctions.OwnDatabase;

/// <summary>
/// The outbox in Azure Table storage, table "MirrorOutbox": partition "outbox", one entity per entry, row key
/// "{ticks}-{guid}-{n}" (oldest first); the mirror's state in partition "state". Added and removed in batches of 100.
/// </summary>
public sealed class TableMirrorOutbox(TableServiceClient service, IOptions<StorageOptions> options, TimeProvider time) : IMirrorOutbox
{
    private const string TableName = "MirrorOutbox";
    private const string Partition = "outbox";
    private const string StatePartition = "state";

    /// <summary>Table storage keeps at most 64 KiB in a string column; a bigger payload goes in several.</summary>
    private const int ChunkChars = 30_000;

    private const int CountLimit = 100_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TableProvider _tables = new(service, options.Value.TablePrefix);

    public async Task AddAsync(IReadOnlyList<MirrorEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var table = await _tables.GetAsync(TableName, ct);
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow().UtcTicks:D19}-{Guid.NewGuid():N}-");
        var entities = entries.Select((e, i) => ToEntity(prefix + i.ToString("D5", CultureInfo.InvariantCulture), e)).ToList();
        foreach (var chunk in entities.Chunk(100))
        {
            await TableEntities.Guard(async () => await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct));
        }
    }

    public async Task<IReadOnlyList<OutboxItem>> PeekAsync(int max, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await TableEntities.Guard<IReadOnlyList<OutboxItem>>(async () =>
        {
            var items = new List<OutboxItem>();
            await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, maxPerPage: Math.Min(max, 1000), cancellationToken: ct))
            {
                items.Add(new OutboxItem(entity.RowKey, FromEntity(entity)));
                if (items.Count >= max)
                {
                    break;
                }
            }

            return items;
        });
    }

    /// <summary>
    /// Removes the entries; one another instance's pump removed meanwhile (both drained it: the upserts made that
    /// harmless) is skipped, so a batch that fails on it is retried one entity at a time.
    /// </summary>
    public async Task RemoveAsync(IReadOnlyList<OutboxItem> items, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        var table = await _tables.GetAsync(TableName, ct);
        foreach (var chunk in items.Select(i => i.Handle).Distinct(StringComparer.Ordinal).Chunk(100))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Partition, row))), ct);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                foreach (var row in chunk)
                {
                    await TableEntities.Guard(async () => await table.DeleteEntityAsync(Partition, row, ETag.All, ct)); // 404 is no error here
                }
            }
            catch (TableTransactionFailedException ex)
            {
                throw new StateStoreException($"Table storage refused a batch (HTTP {ex.Status}, {ex.ErrorCode}).", ex);
            }
            catch (RequestFailedException ex)
            {
                throw new StateStoreException($"Table storage refused the request (HTTP {ex.Status}, {ex.ErrorCode}).", ex);
            }
            catch (AggregateException ex) when (TableEntities.IsUnreachable(ex))
            {
                throw TableEntities.Unreachable(ex);
            }
        }
    }

    public async Task<int> CountAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await TableEntities.Guard(async () =>
        {
            var count = 0;
            await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, select: ["RowKey"], cancellationToken: ct))
            {
                if (++count >= CountLimit)
                {
                    break;
                }
            }

            return count;
        });
    }

    public async Task<MirrorState> GetStateAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await TableEntities.ReadRowAsync<MirrorState>(table, StatePartition, "current", Json, ct) ?? MirrorState.Empty;
    }

    public async Task SaveStateAsync(MirrorState state, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        await TableEntities.Guard(async () => await table.UpsertEntityAsync(TableEntities.Serialize(StatePartition, "current", state, Json), TableUpdateMode.Replace, ct));
    }

    private static TableEntity ToEntity(string row, MirrorEntry entry)
    {
        var entity = new TableEntity(Partition, row) { ["Kind"] = entry.Kind, ["Id"] = entry.Id };
        var chunks = entry.Payload.Chunk(ChunkChars).Select(c => new string(c)).ToList();
        entity["Chunks"] = chunks.Count;
        for (var i = 0; i < chunks.Count; i++)
        {
            entity["Payload" + i.ToString(CultureInfo.InvariantCulture)] = chunks[i];
        }

        return entity;
    }

    private static MirrorEntry FromEntity(TableEntity entity)
    {
        var chunks = entity.GetInt32("Chunks") ?? 0;
        var payload = string.Concat(Enumerable.Range(0, chunks).Select(i => entity.GetString("Payload" + i.ToString(CultureInfo.InvariantCulture))));
        return new MirrorEntry(entity.GetString("Kind") ?? string.Empty, entity.GetString("Id") ?? string.Empty, payload);
    }
}
