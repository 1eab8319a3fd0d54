using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using HhFunctions.Configuration;
using HhFunctions.State;
using Microsoft.Extensions.Options;

using static HhFunctions.State.TableEntities;

namespace HhFunctions.Recruiting;

/// <summary>
/// Recruiting in Azure Table storage, table {prefix}Recruiting: partition "topic" (one row per response, updated
/// with its ETag), "outbox" and "failed" (index rows naming topics; written before a topic enters the list and
/// removed after it leaves, and checked against the topic on reading, so a crash leaves at most a stale index row),
/// "person" (rows named by a hash), "notif" (callback keys, added with a conditional insert) and "state".
/// The desk's topic listing is kept in memory and read again by Timestamp (<see cref="TableTopicCache"/>).
/// </summary>
public sealed class TableRecruitingStore(TableServiceClient service, IOptions<StorageOptions> options, TimeProvider time) : IRecruitingStore, IDisposable
{
    private const string TableName = "Recruiting";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly TableProvider _tables = new(service, options.Value.TablePrefix);
    private readonly TableTopicCache _topics = new(time, Json);

    public void Dispose() => _topics.Dispose();

    public async Task<bool> TryRecordNotificationAsync(string key, DateTimeOffset at, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        try
        {
            await table.AddEntityAsync(new TableEntity("notif", RecruitingKeys.Hash(key)) { ["At"] = at }, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
        catch (RequestFailedException ex)
        {
            throw new StateStoreException($"Table storage refused the callback record (HTTP {ex.Status}).", ex);
        }
        catch (AggregateException ex) when (IsUnreachable(ex))
        {
            throw Unreachable(ex);
        }
    }

    public async Task ForgetNotificationAsync(string key, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        await Guard(() => table.DeleteEntityAsync("notif", RecruitingKeys.Hash(key), ETag.All, ct));
    }

    public async Task<TopicRecord?> GetTopicAsync(string topicId, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await ReadRowAsync<TopicRecord>(table, "topic", RecruitingKeys.Topic(topicId), Json, ct);
    }

    public async Task<(TopicRecord? Record, bool Changed)> UpdateTopicAsync(string topicId, Func<TopicRecord?, TopicRecord?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var table = await _tables.GetAsync(TableName, ct);
        var row = RecruitingKeys.Topic(topicId);
        // Index rows are added before the topic enters a list and removed after it leaves.
        var (before, after, changed) = await UpdateRowAsync(table, "topic", row, change, Json, "the recruiting update", ct, async (was, now) =>
        {
            await IndexAsync(table, "outbox", row, false, RecruitingKeys.InOutbox(now) && !RecruitingKeys.InOutbox(was), ct);
            await IndexAsync(table, "failed", row, false, now?.Status == TopicStatus.Failed && was?.Status != TopicStatus.Failed, ct);
            await IndexAsync(table, "stagedue", row, false, now?.StageDue == true && was?.StageDue != true, ct);
        });
        if (!changed)
        {
            return (after, false);
        }

        _topics.Written(row, after!);
        await IndexAsync(table, "outbox", row, RecruitingKeys.InOutbox(before) && !RecruitingKeys.InOutbox(after), false, ct);
        await IndexAsync(table, "failed", row, before?.Status == TopicStatus.Failed && after?.Status != TopicStatus.Failed, false, ct);
        await IndexAsync(table, "stagedue", row, before?.StageDue == true && after?.StageDue != true, false, ct);
        return (after, true);
    }

    public Task<IReadOnlyList<TopicRecord>> ListOutboxAsync(int max, CancellationToken ct) => ListIndexedAsync("outbox", RecruitingKeys.InOutbox, max, ct);

    public Task<IReadOnlyList<TopicRecord>> ListFailedAsync(int max, CancellationToken ct) => ListIndexedAsync("failed", r => r?.Status == TopicStatus.Failed, max, ct);

    public Task<IReadOnlyList<TopicRecord>> ListStageDueAsync(int max, CancellationToken ct) => ListIndexedAsync("stagedue", r => r?.StageDue == true, max, ct);

    public async Task<PersonRecord?> GetPersonAsync(string personKey, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await ReadRowAsync<PersonRecord>(table, "person", RecruitingKeys.Hash(personKey), Json, ct);
    }

    public async Task SavePersonAsync(string personKey, PersonRecord person, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        await Guard(() => table.UpsertEntityAsync(Serialize("person", RecruitingKeys.Hash(personKey), person, Json), TableUpdateMode.Replace, ct));
    }

    public async Task<RecruitingState> GetStateAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await ReadRowAsync<RecruitingState>(table, "state", "current", Json, ct) ?? RecruitingState.Empty;
    }

    public async Task<RecruitingState> UpdateStateAsync(Func<RecruitingState, RecruitingState> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var table = await _tables.GetAsync(TableName, ct);
        var (_, after, _) = await UpdateRowAsync<RecruitingState>(table, "state", "current", s => change(s ?? RecruitingState.Empty), Json, "the recruiting update", ct);
        return after ?? RecruitingState.Empty;
    }

    /// <summary>The cached topics, after reading the rows changed since the last listing; the records come without their Candidate.</summary>
    public async Task<IReadOnlyList<TopicRecord>> ListTopicsAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await _topics.ListAsync(table, ct);
    }

    public async Task<IReadOnlyList<RecruitingVacancy>> ListVacanciesAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await ReadPartitionAsync<RecruitingVacancy>(table, "vacancy", Json, ct);
    }

    public async Task<RecruitingVacancy?> GetVacancyAsync(string vacancyId, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        return await ReadRowAsync<RecruitingVacancy>(table, "vacancy", RecruitingKeys.Topic(vacancyId), Json, ct);
    }

    public async Task<(RecruitingVacancy? Record, bool Changed)> UpdateVacancyAsync(string vacancyId, Func<RecruitingVacancy?, RecruitingVacancy?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var table = await _tables.GetAsync(TableName, ct);
        var (_, after, changed) = await UpdateRowAsync(table, "vacancy", RecruitingKeys.Topic(vacancyId), change, Json, "the recruiting update", ct);
        return (after, changed);
    }

    private static async Task IndexAsync(TableClient table, string partition, string row, bool was, bool now, CancellationToken ct)
    {
        if (now && !was)
        {
            await Guard(() => table.UpsertEntityAsync(new TableEntity(partition, row), TableUpdateMode.Replace, ct));
        }
        else if (was && !now)
        {
            await Guard(() => table.DeleteEntityAsync(partition, row, ETag.All, ct));
        }
    }

    private async Task<IReadOnlyList<TopicRecord>> ListIndexedAsync(string partition, Func<TopicRecord?, bool> belongs, int max, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableName, ct);
        var rows = await Guard<IReadOnlyList<string>>(async () =>
        {
            var list = new List<string>();
            await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: ct))
            {
                list.Add(e.RowKey);
            }

            return list;
        });

        var found = new List<TopicRecord>();
        foreach (var row in rows)
        {
            var record = await ReadRowAsync<TopicRecord>(table, "topic", row, Json, ct);
            if (belongs(record))
            {
                found.Add(record!);
            }
            else
            {
                // A stale index row (a crash between the two writes): drop it.
                await Guard(() => table.DeleteEntityAsync(partition, row, ETag.All, ct));
            }
        }

        return [.. found.OrderBy(r => r.FirstSeenAt).ThenBy(r => r.TopicId, StringComparer.Ordinal).Take(max)];
    }
}
