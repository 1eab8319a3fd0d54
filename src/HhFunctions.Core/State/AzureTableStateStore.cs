using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using HhFunctions.Configuration;
using Microsoft.Extensions.Options;

using static HhFunctions.State.TableEntities;

namespace HhFunctions.State;

/// <summary>State and run history in Azure Table storage (Azurite locally). Tables are created on first use.</summary>
public sealed class AzureTableStateStore(TableServiceClient service, IOptions<StorageOptions> options) : IStateStore
{
    private const string AccountPartition = "account";
    private const string AccountRow = "current";
    private const string ResumePartition = "resume";
    private const string RunPartition = "run";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly TableProvider _tables = new(service, options.Value.TablePrefix);

    public async Task SaveOneTimeTokensAsync(IReadOnlyList<OneTimeToken> tokens, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var table = await _tables.GetAsync("OneTime", ct);

        // Each purpose is its own partition, so no batch: the writes go side by side.
        await Task.WhenAll(tokens.Select(token => Guard(() => table.UpsertEntityAsync(
            new TableEntity(token.Purpose, token.Value) { ["ExpiresAt"] = token.ExpiresAt, ["UsedAt"] = token.UsedAt },
            TableUpdateMode.Replace,
            ct))));
    }

    public async Task<ConsumeResult> ConsumeOneTimeTokenAsync(string purpose, string value, DateTimeOffset now, CancellationToken ct)
    {
        if (!IsValidKey(purpose) || !IsValidKey(value))
        {
            return ConsumeResult.Unknown;
        }

        var table = await _tables.GetAsync("OneTime", ct);
        var existing = await Guard(() => table.GetEntityIfExistsAsync<TableEntity>(purpose, value, cancellationToken: ct));
        if (!existing.HasValue || existing.Value is null)
        {
            return ConsumeResult.Unknown;
        }

        var entity = existing.Value;
        if (entity.GetDateTimeOffset("UsedAt") is not null)
        {
            return ConsumeResult.AlreadyUsed;
        }

        entity["UsedAt"] = now;
        try
        {
            // The ETag makes the first consumer win; a concurrent second one gets 412.
            await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return ConsumeResult.AlreadyUsed;
        }
        catch (RequestFailedException ex)
        {
            throw new StateStoreException($"Table storage refused the one-time token update (HTTP {ex.Status}).", ex);
        }
        catch (AggregateException ex) when (IsUnreachable(ex))
        {
            throw Unreachable(ex);
        }

        return entity.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now ? ConsumeResult.Accepted : ConsumeResult.Expired;
    }

    public async Task<AccountState> GetAccountAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync("State", ct);
        return await TableEntities.ReadRowAsync<AccountState>(table, AccountPartition, AccountRow, Json, ct) ?? AccountState.Empty;
    }

    public async Task<AccountState> UpdateAccountAsync(Func<AccountState, AccountState> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var table = await _tables.GetAsync("State", ct);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await Guard(() => table.GetEntityIfExistsAsync<TableEntity>(AccountPartition, AccountRow, cancellationToken: ct));
            var current = existing.HasValue && existing.Value is not null ? Deserialize<AccountState>(existing.Value) : AccountState.Empty;
            var next = change(current);
            var entity = Serialize(AccountPartition, AccountRow, next);
            try
            {
                if (existing.HasValue && existing.Value is not null)
                {
                    await table.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, ct);
                }
                else
                {
                    await table.AddEntityAsync(entity, ct);
                }

                return next;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Another writer got there first: read again and re-apply the change.
            }
            catch (RequestFailedException ex)
            {
                throw new StateStoreException($"Table storage refused the account update (HTTP {ex.Status}).", ex);
            }
            catch (AggregateException ex) when (IsUnreachable(ex))
            {
                throw Unreachable(ex);
            }
        }
    }

    public async Task<IReadOnlyList<ResumeState>> GetResumesAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync("State", ct);
        return await TableEntities.ReadPartitionAsync<ResumeState>(table, ResumePartition, Json, ct);
    }

    public async Task SaveResumeAsync(ResumeState resumeState, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resumeState);
        var table = await _tables.GetAsync("State", ct);
        await Guard(() => table.UpsertEntityAsync(Serialize(ResumePartition, SafeKey(resumeState.ResumeId), resumeState), TableUpdateMode.Replace, ct));
    }

    public async Task AddRunAsync(RunRecord run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        var table = await _tables.GetAsync("Runs", ct);
        // Inverted ticks: a plain partition scan returns the newest run first.
        var row = (DateTimeOffset.MaxValue.UtcTicks - run.StartedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + SafeKey(run.Id);
        await Guard(() => table.UpsertEntityAsync(Serialize(RunPartition, row, run), TableUpdateMode.Replace, ct));
    }

    public async Task<IReadOnlyList<RunRecord>> GetRecentRunsAsync(int count, CancellationToken ct)
    {
        var table = await _tables.GetAsync("Runs", ct);
        return await TableEntities.ReadPartitionAsync<RunRecord>(table, RunPartition, Json, ct, limit: count);
    }

    internal static bool IsValidKey(string key) =>
        !string.IsNullOrEmpty(key) && key.Length <= 512 && key.All(c => c is not ('/' or '\\' or '#' or '?') && !char.IsControl(c));

    private static string SafeKey(string key) => IsValidKey(key) ? key : Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(key))[..Math.Min(500, key.Length * 2)];

    private static TableEntity Serialize<T>(string partition, string row, T value) => TableEntities.Serialize(partition, row, value, Json);

    private static T Deserialize<T>(TableEntity entity) => TableEntities.Deserialize<T>(entity, Json);
}

/// <summary>Creates each table once per process, on first use.</summary>
internal sealed class TableProvider(TableServiceClient service, string prefix)
{
    private readonly Dictionary<string, Lazy<Task<TableClient>>> _tables = [];
    private readonly Lock _gate = new();

    public Task<TableClient> GetAsync(string name, CancellationToken ct)
    {
        Lazy<Task<TableClient>> lazy;
        lock (_gate)
        {
            if (!_tables.TryGetValue(name, out lazy!))
            {
                lazy = new Lazy<Task<TableClient>>(() => CreateAsync(prefix + name, ct));
                _tables[name] = lazy;
            }
        }

        return AwaitOrResetAsync(name, lazy);
    }

    private async Task<TableClient> AwaitOrResetAsync(string name, Lazy<Task<TableClient>> lazy)
    {
        try
        {
            return await lazy.Value;
        }
        catch
        {
            lock (_gate)
            {
                // A failed creation is not cached: the next call tries again.
                if (_tables.TryGetValue(name, out var current) && ReferenceEquals(current, lazy))
                {
                    _tables.Remove(name);
                }
            }

            throw;
        }
    }

    private async Task<TableClient> CreateAsync(string tableName, CancellationToken ct)
    {
        var client = service.GetTableClient(tableName);
        try
        {
            await client.CreateIfNotExistsAsync(ct);
        }
        catch (RequestFailedException ex)
        {
            throw new StateStoreException($"Table storage refused to create table {tableName} (HTTP {ex.Status}, {ex.ErrorCode}).", ex);
        }
        catch (AggregateException ex) when (TableEntities.IsUnreachable(ex))
        {
            throw TableEntities.Unreachable(ex);
        }

        return client;
    }
}
