using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace HhFunctions.State;

/// <summary>
/// What the Table stores share: a value kept as JSON in an entity's "Json" column, and Table storage's failures
/// turned into <see cref="StateStoreException"/> (a refusal, or unreachable after the SDK's own retries).
/// </summary>
internal static class TableEntities
{
    public static TableEntity Serialize<T>(string partition, string row, T value, JsonSerializerOptions json) =>
        new(partition, row) { ["Json"] = JsonSerializer.Serialize(value, json) };

    public static T Deserialize<T>(TableEntity entity, JsonSerializerOptions json) =>
        JsonSerializer.Deserialize<T>(entity.GetString("Json") ?? "null", json)
        ?? throw new StateStoreException($"Table entity {entity.PartitionKey}/{entity.RowKey} is empty.");

    /// <summary>The value kept in one row, or null when the row does not exist, guarded as <see cref="Guard{T}"/>.</summary>
    public static async Task<T?> ReadRowAsync<T>(TableClient table, string partition, string row, JsonSerializerOptions json, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(table);
        var entity = await Guard(() => table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct));
        return entity.HasValue && entity.Value is not null ? Deserialize<T>(entity.Value, json) : null;
    }

    /// <summary>
    /// Changes one row with optimistic concurrency: read it, apply <paramref name="change"/>, write it back with the
    /// ETag read (a new row with a conditional insert), and on 409/412 (another writer got there first) read again
    /// and re-apply, up to ten times. <paramref name="change"/> returning null or the same instance writes nothing.
    /// <paramref name="beforeWrite"/> runs before each write attempt. <paramref name="what"/> names the update in the
    /// refusal's message ("the invitation update").
    /// </summary>
    public static async Task<(T? Before, T? After, bool Changed)> UpdateRowAsync<T>(
        TableClient table, string partition, string row, Func<T?, T?> change, JsonSerializerOptions json, string what, CancellationToken ct,
        Func<T?, T, Task>? beforeWrite = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await Guard(() => table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct));
            var found = existing.HasValue && existing.Value is not null;
            var current = found ? Deserialize<T>(existing.Value!, json) : null;
            var next = change(current);
            if (next is null || ReferenceEquals(next, current))
            {
                return (current, current, false);
            }

            if (beforeWrite is not null)
            {
                await beforeWrite(current, next);
            }

            var entity = Serialize(partition, row, next, json);
            try
            {
                if (found)
                {
                    await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, ct);
                }
                else
                {
                    await table.AddEntityAsync(entity, ct); // the conditional insert: a second writer gets 409 and re-reads
                }

                return (current, next, true);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Another writer got there first: read again and re-apply the change.
            }
            catch (RequestFailedException ex)
            {
                throw new StateStoreException($"Table storage refused {what} (HTTP {ex.Status}).", ex);
            }
            catch (AggregateException ex) when (IsUnreachable(ex))
            {
                throw Unreachable(ex);
            }
        }
    }

    /// <summary>The values kept in one partition (at most <paramref name="limit"/> of them, in the table's order), guarded as <see cref="Guard{T}"/>.</summary>
    public static Task<IReadOnlyList<T>> ReadPartitionAsync<T>(TableClient table, string partition, JsonSerializerOptions json, CancellationToken ct, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Guard<IReadOnlyList<T>>(async () =>
        {
            var list = new List<T>();
            await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: limit, cancellationToken: ct))
            {
                list.Add(Deserialize<T>(entity, json));
                if (list.Count >= limit)
                {
                    break;
                }
            }

            return list;
        });
    }

    public static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (TableTransactionFailedException ex)
        {
            throw new StateStoreException($"Table storage refused a batch (HTTP {ex.Status}, {ex.ErrorCode}).", ex);
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

    public static async Task<Response> Guard(Func<Task<Response>> call) => await Guard<Response>(call);

    /// <summary>
    /// After its retries the Azure SDK throws an <see cref="AggregateException"/> of the attempts' failures
    /// (connection refused, timeouts), not a <see cref="RequestFailedException"/>: that is "unreachable" too.
    /// </summary>
    public static bool IsUnreachable(AggregateException ex) => ex.InnerExceptions.All(e => e is RequestFailedException);

    public static StateStoreException Unreachable(AggregateException ex) =>
        new($"Table storage could not be reached ({ex.InnerExceptions[^1].Message}).", ex);
}
