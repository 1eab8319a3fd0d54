using HhFunctions.State;

namespace HhFunctions.Recruiting;

/// <summary>
/// The file store's topics for the desk, without reading 20,000 files per page view: read once, then kept up to date
/// by this process's own writes. Every write (temp file + rename, under the cross-process lock) changes the topics
/// folder's modification time; a write by another process on the same data folder shows as a time this cache did not
/// make, and the next listing reads the folder again. Records are kept without their <see cref="TopicRecord.Candidate"/>
/// (the desk needs no personal data).
/// </summary>
internal sealed class FileTopicCache(string folder, JsonFileFolder files)
{
    private readonly Lock _gate = new();
    private Dictionary<string, TopicRecord> _records = new(StringComparer.Ordinal);
    private DateTime? _stamp;

    public async Task<IReadOnlyList<TopicRecord>> ListAsync(CancellationToken ct)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        lock (_gate)
        {
            if (_stamp is { } stamp && stamp == Directory.GetLastWriteTimeUtc(folder))
            {
                return [.. _records.Values];
            }
        }

        // Read the folder again; the time is taken first, so a write while reading makes the next listing read again.
        var seen = Directory.GetLastWriteTimeUtc(folder);
        var records = new Dictionary<string, TopicRecord>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            var name = Path.GetFileName(file);
            try
            {
                if (await files.ReadAsync<TopicRecord>(Path.Combine("topics", name), ct) is { } record)
                {
                    records[name] = Strip(record);
                }
            }
            catch (FileNotFoundException)
            {
                // Replaced between the listing and the read: the next listing sees it.
            }
        }

        lock (_gate)
        {
            _records = records;
            _stamp = seen;
            return [.. records.Values];
        }
    }

    /// <summary>Called under the store's lock just before a topic file is written: a change no write of this cache made drops it.</summary>
    public void BeforeWrite()
    {
        lock (_gate)
        {
            if (_stamp is { } stamp && Directory.Exists(folder) && stamp != Directory.GetLastWriteTimeUtc(folder))
            {
                _stamp = null;
            }
        }
    }

    /// <summary>Called under the store's lock just after <paramref name="record"/> was written.</summary>
    public void Written(TopicRecord record)
    {
        lock (_gate)
        {
            if (_stamp is null)
            {
                return;
            }

            _records[RecruitingKeys.Topic(record.TopicId) + ".json"] = Strip(record);
            _stamp = Directory.GetLastWriteTimeUtc(folder);
        }
    }

    private static TopicRecord Strip(TopicRecord record) => record.Candidate is null ? record : record with { Candidate = null };
}
