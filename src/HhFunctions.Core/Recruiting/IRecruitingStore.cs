namespace HhFunctions.Recruiting;

/// <summary>
/// Recruiting's own store (Azure Table storage in Azure, files under Data__Path standalone): the callbacks already
/// taken, one record per response (the key map topic id → CRM ids, and the outbox while its write waits), the
/// people already in the CRM, and the feature's state. Every change is an atomic read-modify-write, so two
/// instances cannot both claim a topic.
/// </summary>
public interface IRecruitingStore
{
    /// <summary>Records a callback's dedup key; true the first time, false when it was taken before (a conditional insert).</summary>
    Task<bool> TryRecordNotificationAsync(string key, DateTimeOffset at, CancellationToken ct);

    /// <summary>Removes a callback's key again (its message could not be queued, so hh.ru must be able to re-send it).</summary>
    Task ForgetNotificationAsync(string key, CancellationToken ct);

    Task<TopicRecord?> GetTopicAsync(string topicId, CancellationToken ct);

    /// <summary>
    /// Atomic read-modify-write of one topic's record. <paramref name="change"/> gets null when there is none;
    /// returning null or the same instance leaves it as it was. Returns (record after, whether this call changed it).
    /// </summary>
    Task<(TopicRecord? Record, bool Changed)> UpdateTopicAsync(string topicId, Func<TopicRecord?, TopicRecord?> change, CancellationToken ct);

    /// <summary>Topics whose CRM write (or PDF) still waits: Pending, Claimed, or PdfPending; oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<TopicRecord>> ListOutboxAsync(int max, CancellationToken ct);

    /// <summary>Topics that failed, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<TopicRecord>> ListFailedAsync(int max, CancellationToken ct);

    /// <summary>The CRM record already holding this person (by owner, phone or e-mail key), if any.</summary>
    Task<PersonRecord?> GetPersonAsync(string personKey, CancellationToken ct);

    Task SavePersonAsync(string personKey, PersonRecord person, CancellationToken ct);

    Task<RecruitingState> GetStateAsync(CancellationToken ct);

    Task<RecruitingState> UpdateStateAsync(Func<RecruitingState, RecruitingState> change, CancellationToken ct);

    /// <summary>Topics whose hh.ru state still has to reach the CRM (<see cref="TopicRecord.StageDue"/>); oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<TopicRecord>> ListStageDueAsync(int max, CancellationToken ct);
    /// <summary>Every topic's record, in no particular order (the desk and its exports; no personal data is needed from it).</summary>
    Task<IReadOnlyList<TopicRecord>> ListTopicsAsync(CancellationToken ct);

    /// <summary>The employer's vacancies the app knows (from the reconcile run), with the assignee chosen on the desk.</summary>
    Task<IReadOnlyList<RecruitingVacancy>> ListVacanciesAsync(CancellationToken ct);

    Task<RecruitingVacancy?> GetVacancyAsync(string vacancyId, CancellationToken ct);

    /// <summary>Atomic read-modify-write of one vacancy's record, as <see cref="UpdateTopicAsync"/>.</summary>
    Task<(RecruitingVacancy? Record, bool Changed)> UpdateVacancyAsync(string vacancyId, Func<RecruitingVacancy?, RecruitingVacancy?> change, CancellationToken ct);
}

/// <summary>A person already in the CRM: their lead (lead mode) or contact (deal mode).</summary>
public sealed record PersonRecord(string Kind, long Id);

internal static class RecruitingKeys
{
    /// <summary>A store key for a value that may hold personal data (a phone, an e-mail): its SHA-256, hex.</summary>
    public static string Hash(string value) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    /// <summary>hh.ru topic ids are digits; anything else is hashed so it is a safe file name and row key.</summary>
    public static string Topic(string topicId) =>
        topicId.Length is > 0 and <= 64 && topicId.All(char.IsAsciiLetterOrDigit) ? topicId : "h" + Hash(topicId);

    public static bool InOutbox(TopicRecord? record) =>
        record is not null && (record.Status is TopicStatus.Pending or TopicStatus.Claimed || (record.Status == TopicStatus.Written && record.PdfPending));
}
