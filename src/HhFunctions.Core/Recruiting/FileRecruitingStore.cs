using System.Text.Json;
using System.Text.Json.Serialization;
using HhFunctions.Configuration;
using HhFunctions.State;

namespace HhFunctions.Recruiting;

/// <summary>
/// Standalone: {Data__Path}/recruiting/, one small JSON file per response (topics/), per person (people/, named by a
/// hash) and per callback key (notifications/, made with CreateNew: the conditional insert), plus marker files for
/// the outbox and the failed list and one state.json. Changes run under an in-process gate and a cross-process file
/// lock; files are written atomically (temp file + rename), so thousands of responses never rewrite one big file.
/// </summary>
public sealed class FileRecruitingStore : IRecruitingStore, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly string _root;
    private readonly JsonFileFolder _files;
    private readonly FileTopicCache _topics;

    public FileRecruitingStore(DataFolder data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _root = data.Combine("recruiting");
        _files = new JsonFileFolder(_root, ".recruiting.lock", Json, "recruiting");
        _topics = new FileTopicCache(Path.Combine(_root, "topics"), _files);
    }

    public Task<bool> TryRecordNotificationAsync(string key, DateTimeOffset at, CancellationToken ct)
    {
        var folder = Path.Combine(_root, "notifications");
        Directory.CreateDirectory(folder);
        try
        {
            using var stream = new FileStream(Path.Combine(folder, RecruitingKeys.Hash(key)), FileMode.CreateNew, FileAccess.Write, FileShare.None);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
            return Task.FromResult(true);
        }
        catch (IOException) when (File.Exists(Path.Combine(folder, RecruitingKeys.Hash(key))))
        {
            return Task.FromResult(false);
        }
        catch (IOException ex)
        {
            throw new StateStoreException($"The recruiting folder could not be written ({ex.GetType().Name}).", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StateStoreException($"The recruiting folder could not be written ({ex.GetType().Name}).", ex);
        }
    }

    public Task ForgetNotificationAsync(string key, CancellationToken ct)
    {
        File.Delete(Path.Combine(_root, "notifications", RecruitingKeys.Hash(key)));
        return Task.CompletedTask;
    }

    public Task<TopicRecord?> GetTopicAsync(string topicId, CancellationToken ct) =>
        _files.ReadAsync<TopicRecord>(TopicFile(topicId), ct);

    public Task<(TopicRecord? Record, bool Changed)> UpdateTopicAsync(string topicId, Func<TopicRecord?, TopicRecord?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _files.LockedAsync(async () =>
        {
            var current = await _files.ReadAsync<TopicRecord>(TopicFile(topicId), ct);
            var next = change(current);
            if (next is null || ReferenceEquals(next, current))
            {
                return (current, false);
            }

            _topics.BeforeWrite();
            await _files.WriteAsync(TopicFile(topicId), next, ct);
            _topics.Written(next);
            Mark("outbox", topicId, RecruitingKeys.InOutbox(next));
            Mark("failed", topicId, next.Status == TopicStatus.Failed);
            Mark("stagedue", topicId, next.StageDue);
            return ((TopicRecord?)next, true);
        }, ct);
    }

    public Task<IReadOnlyList<TopicRecord>> ListOutboxAsync(int max, CancellationToken ct) => ListMarkedAsync("outbox", max, ct);

    public Task<IReadOnlyList<TopicRecord>> ListFailedAsync(int max, CancellationToken ct) => ListMarkedAsync("failed", max, ct);

    public Task<IReadOnlyList<TopicRecord>> ListStageDueAsync(int max, CancellationToken ct) => ListMarkedAsync("stagedue", max, ct);

    public Task<PersonRecord?> GetPersonAsync(string personKey, CancellationToken ct) =>
        _files.ReadAsync<PersonRecord>(Path.Combine("people", RecruitingKeys.Hash(personKey) + ".json"), ct);

    public Task SavePersonAsync(string personKey, PersonRecord person, CancellationToken ct) =>
        _files.LockedAsync(async () =>
        {
            await _files.WriteAsync(Path.Combine("people", RecruitingKeys.Hash(personKey) + ".json"), person, ct);
            return true;
        }, ct);

    public async Task<RecruitingState> GetStateAsync(CancellationToken ct) =>
        await _files.ReadAsync<RecruitingState>("state.json", ct) ?? RecruitingState.Empty;

    public Task<RecruitingState> UpdateStateAsync(Func<RecruitingState, RecruitingState> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _files.LockedAsync(async () =>
        {
            var current = await _files.ReadAsync<RecruitingState>("state.json", ct) ?? RecruitingState.Empty;
            var next = change(current);
            if (!ReferenceEquals(next, current))
            {
                await _files.WriteAsync("state.json", next, ct);
            }

            return next;
        }, ct);
    }

    public async Task<IReadOnlyList<TopicRecord>> ListTopicsAsync(CancellationToken ct) => await _topics.ListAsync(ct);

    public async Task<IReadOnlyList<RecruitingVacancy>> ListVacanciesAsync(CancellationToken ct)
    {
        var folder = Path.Combine(_root, "vacancies");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var found = new List<RecruitingVacancy>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            if (await _files.ReadAsync<RecruitingVacancy>(Path.Combine("vacancies", Path.GetFileName(file)), ct) is { } vacancy)
            {
                found.Add(vacancy);
            }
        }

        return found;
    }

    public Task<RecruitingVacancy?> GetVacancyAsync(string vacancyId, CancellationToken ct) =>
        _files.ReadAsync<RecruitingVacancy>(VacancyFile(vacancyId), ct);

    public Task<(RecruitingVacancy? Record, bool Changed)> UpdateVacancyAsync(string vacancyId, Func<RecruitingVacancy?, RecruitingVacancy?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _files.LockedAsync(async () =>
        {
            var current = await _files.ReadAsync<RecruitingVacancy>(VacancyFile(vacancyId), ct);
            var next = change(current);
            if (next is null || ReferenceEquals(next, current))
            {
                return (current, false);
            }

            await _files.WriteAsync(VacancyFile(vacancyId), next, ct);
            return ((RecruitingVacancy?)next, true);
        }, ct);
    }

    public void Dispose() => _files.Dispose();

    private static string VacancyFile(string vacancyId) => Path.Combine("vacancies", RecruitingKeys.Topic(vacancyId) + ".json");

    private static string TopicFile(string topicId) => Path.Combine("topics", RecruitingKeys.Topic(topicId) + ".json");

    private void Mark(string list, string topicId, bool on)
    {
        var folder = Path.Combine(_root, list);
        var path = Path.Combine(folder, RecruitingKeys.Topic(topicId));
        if (on)
        {
            Directory.CreateDirectory(folder);
            if (!File.Exists(path))
            {
                File.WriteAllText(path, topicId);
            }
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private async Task<IReadOnlyList<TopicRecord>> ListMarkedAsync(string list, int max, CancellationToken ct)
    {
        var folder = Path.Combine(_root, list);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var found = new List<TopicRecord>();
        foreach (var marker in Directory.EnumerateFiles(folder))
        {
            var record = await _files.ReadAsync<TopicRecord>(Path.Combine("topics", Path.GetFileName(marker) + ".json"), ct);
            var belongs = list switch
            {
                "outbox" => RecruitingKeys.InOutbox(record),
                "stagedue" => record?.StageDue == true,
                _ => record?.Status == TopicStatus.Failed,
            };
            if (belongs)
            {
                found.Add(record!);
            }
        }

        return [.. found.OrderBy(r => r.FirstSeenAt).ThenBy(r => r.TopicId, StringComparer.Ordinal).Take(max)];
    }
}
