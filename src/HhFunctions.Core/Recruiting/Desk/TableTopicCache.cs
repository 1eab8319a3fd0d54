using System.Text.Json;
using Azure.Data.Tables;

using static HhFunctions.State.TableEntities;

namespace HhFunctions.Recruiting;

/// <summary>
/// The Table store's topics for the desk, without reading the whole "topic" partition per page view. The first
/// listing reads the partition; each later one reads only the rows whose Timestamp (set by Table storage on every
/// write, so other instances' writes count too) is at or after the previous read's start, in the server's time (the
/// response's Date header), less <see cref="Margin"/> for clock skew between the service's servers and writes still in
/// flight when that read ran. Rows read replace the cached ones by row key; this instance's own writes go in at once
/// (<see cref="Written"/>) and are not overwritten by a read that began before them (the next read settles such a
/// row). Topics are never deleted by the app; a row removed by hand leaves the cache with the next full read, every
/// <see cref="FullReadEvery"/> (on <see cref="TimeProvider"/>). Records are kept without their
/// <see cref="TopicRecord.Candidate"/> (the desk needs no personal data).
/// </summary>
internal sealed class TableTopicCache(TimeProvider time, JsonSerializerOptions json) : IDisposable
{
    /// <summary>How far before the previous read's start (server time) the next read looks.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(2);

    /// <summary>How often the whole partition is read again (a row deleted by hand leaves the cache then).</summary>
    public static readonly TimeSpan FullReadEvery = TimeSpan.FromHours(1);

    private const string Partition = "topic";

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reading = new(1, 1);
    private readonly Dictionary<string, Entry> _rows = new(StringComparer.Ordinal);
    private DateTimeOffset? _since;
    private long _fullReadAt;
    private long _writes;
    private bool _active;

    public async Task<IReadOnlyList<TopicRecord>> ListAsync(TableClient table, CancellationToken ct)
    {
        await _reading.WaitAsync(ct);
        try
        {
            bool full;
            DateTimeOffset? since;
            long writesBefore;
            var startedAt = time.GetTimestamp();
            lock (_gate)
            {
                full = _since is null || time.GetElapsedTime(_fullReadAt, startedAt) >= FullReadEvery;
                since = _since;
                writesBefore = _writes;
                _active = true; // own writes are kept from now on
            }

            var filter = full
                ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Timestamp ge {since!.Value - Margin}");
            var (read, serverTime) = await Guard(async () =>
            {
                var rows = new List<(string Row, TopicRecord Record, DateTimeOffset? Timestamp)>();
                DateTimeOffset? date = null;
                await foreach (var page in table.QueryAsync<TableEntity>(filter, cancellationToken: ct).AsPages())
                {
                    date ??= page.GetRawResponse().Headers.Date;
                    foreach (var entity in page.Values)
                    {
                        rows.Add((entity.RowKey, Strip(Deserialize<TopicRecord>(entity, json)), entity.Timestamp));
                    }
                }

                return (rows, date);
            });

            lock (_gate)
            {
                if (full)
                {
                    // Rows no longer in the table leave; this instance's writes made while reading stay.
                    var present = read.Select(r => r.Row).ToHashSet(StringComparer.Ordinal);
                    foreach (var gone in _rows.Where(r => r.Value.Write <= writesBefore && !present.Contains(r.Key)).Select(r => r.Key).ToList())
                    {
                        _rows.Remove(gone);
                    }

                    _fullReadAt = startedAt;
                }

                foreach (var (row, record, timestamp) in read)
                {
                    if (_rows.TryGetValue(row, out var had)
                        && (had.Write > writesBefore || (had.Timestamp is { } kept && timestamp is { } got && kept > got)))
                    {
                        continue; // written here after this read began, or a newer version already kept
                    }

                    _rows[row] = new Entry(record, timestamp, 0);
                }

                // The next read starts from this one's start in the server's time (or its newest row, without a Date).
                var newest = read.Max(r => r.Timestamp);
                _since = serverTime ?? (since is null || newest > since ? newest : since);
                return [.. _rows.Values.Select(e => e.Record)];
            }
        }
        finally
        {
            _reading.Release();
        }
    }

    /// <summary>Called after this instance wrote <paramref name="record"/> into topic row <paramref name="row"/>.</summary>
    public void Written(string row, TopicRecord record)
    {
        lock (_gate)
        {
            if (_active)
            {
                _rows[row] = new Entry(Strip(record), null, ++_writes);
            }
        }
    }

    public void Dispose() => _reading.Dispose();

    private static TopicRecord Strip(TopicRecord record) => record.Candidate is null ? record : record with { Candidate = null };

    /// <summary>A cached record: its row's Timestamp when it came from a read, or the number of this instance's write that made it.</summary>
    private sealed record Entry(TopicRecord Record, DateTimeOffset? Timestamp, long Write);
}
