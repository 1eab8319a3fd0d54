using Azure;
using Azure.Data.Tables;
using HhFunctions.Configuration;
using Microsoft.Extensions.Options;

namespace HhFunctions.State;

/// <summary>
/// Cross-instance lock: one Table entity per lock name, taken with an insert (409 if held) and stolen only
/// after its lease expired, with the ETag guarding the steal; released by a delete with the same ETag.
/// </summary>
public sealed class TableDistributedLock(TableServiceClient service, IOptions<StorageOptions> options, TimeProvider time) : IDistributedLock
{
    private const string Partition = "lock";
    private readonly TableProvider _tables = new(service, options.Value.TablePrefix);

    public async Task<ILease?> TryAcquireAsync(string name, TimeSpan leaseTime, TimeSpan wait, CancellationToken ct)
    {
        var table = await _tables.GetAsync("Locks", ct);
        var owner = Guid.NewGuid().ToString("N");
        var started = time.GetUtcNow();
        while (true)
        {
            var now = time.GetUtcNow();
            var entity = new TableEntity(Partition, name) { ["Owner"] = owner, ["ExpiresAt"] = now + leaseTime };
            try
            {
                var added = await table.AddEntityAsync(entity, ct);
                return new Lease(table, name, added.Headers.ETag ?? ETag.All);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                ILease? stolen;
                try
                {
                    stolen = await TryStealExpiredAsync(table, entity, now, ct);
                }
                catch (RequestFailedException inner)
                {
                    throw new StateStoreException($"Table storage refused the lock {name} (HTTP {inner.Status}).", inner);
                }
                catch (AggregateException inner) when (TableEntities.IsUnreachable(inner))
                {
                    throw TableEntities.Unreachable(inner);
                }

                if (stolen is not null)
                {
                    return stolen;
                }
            }
            catch (RequestFailedException ex)
            {
                throw new StateStoreException($"Table storage refused the lock {name} (HTTP {ex.Status}).", ex);
            }
            catch (AggregateException ex) when (TableEntities.IsUnreachable(ex))
            {
                throw TableEntities.Unreachable(ex);
            }

            var remaining = started + wait - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await Task.Delay(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), time, ct);
        }
    }

    private static async Task<ILease?> TryStealExpiredAsync(TableClient table, TableEntity entity, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(Partition, entity.RowKey, cancellationToken: ct);
        if (!existing.HasValue || existing.Value is null || existing.Value.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now)
        {
            return null;
        }

        try
        {
            var updated = await table.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, ct);
            return new Lease(table, entity.RowKey, updated.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    private sealed class Lease(TableClient table, string name, ETag etag) : ILease
    {
        public string Name => name;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await table.DeleteEntityAsync(Partition, name, etag, CancellationToken.None);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Expired and taken over by another instance: nothing of ours to release.
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException)
            {
                // Storage unreachable: the lease simply expires; releasing must never fail the work it guarded.
            }
        }
    }
}
