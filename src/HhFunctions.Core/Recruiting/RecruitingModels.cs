using System.Text.Json.Serialization;

namespace HhFunctions.Recruiting;

/// <summary>Where a topic stands on its way into the CRM.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TopicStatus>))]
public enum TopicStatus
{
    /// <summary>Read from hh.ru; its CRM write waits in the outbox.</summary>
    Pending,

    /// <summary>A writer claimed it and sent (or is sending) the write; a re-send first looks the record up by ORIGIN_ID.</summary>
    Claimed,

    /// <summary>In the CRM (its ids are recorded).</summary>
    Written,

    /// <summary>It kept failing; see <see cref="TopicRecord.Problem"/> (shown on the status page, retried by reconcile).</summary>
    Failed,

    /// <summary>hh.ru says the response does not exist (removed, or a forged callback): nothing is written.</summary>
    Gone,
}

/// <summary>What the CRM record of one response says: composed from hh.ru's answers, holds personal data (never logged).</summary>
public sealed record Candidate(
    string TopicId,
    string? VacancyId,
    string? VacancyName,
    string? ResumeId,
    string? OwnerId,
    string? FirstName,
    string? LastName,
    string? MiddleName,
    IReadOnlyList<string> Phones,
    IReadOnlyList<string> Emails,
    string? ResumeUrl,
    string Summary,
    string? PdfUrl,
    IReadOnlyList<string> Flags)
{
    /// <summary>"{vacancy} - {last name} {first name}" (with a placeholder for hidden names).</summary>
    public string Title
    {
        get
        {
            var name = string.Join(' ', new[] { LastName, FirstName }.Where(s => !string.IsNullOrWhiteSpace(s)));
            return $"{(string.IsNullOrWhiteSpace(VacancyName) ? "hh.ru response" : VacancyName)} - {(name.Length == 0 ? "name hidden" : name)}";
        }
    }

    /// <summary>The keys that say "the same person": the resume owner, each phone (E.164), each e-mail (case-folded).</summary>
    public IEnumerable<string> PersonKeys =>
        (OwnerId is { Length: > 0 } o ? [PersonKey.Owner(o)] : Array.Empty<string>())
            .Concat(Phones.Select(PersonKey.Phone))
            .Concat(Emails.Select(PersonKey.Email));
}

public static class PersonKey
{
    public static string Owner(string ownerId) => "owner:" + ownerId;

    public static string Phone(string e164) => "phone:" + e164;

    public static string Email(string email) => "email:" + email.Trim().ToLowerInvariant();
}

/// <summary>One response's record in the app's own store: the key map topic id → CRM ids, and the outbox entry.</summary>
public sealed record TopicRecord(
    string TopicId,
    TopicStatus Status,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>webhook, poll or retry: how the app first heard of it.</summary>
    public string? Source { get; init; }

    /// <summary>The composed record while it waits for the CRM (dropped once written with its PDF).</summary>
    public Candidate? Candidate { get; init; }

    /// <summary>The PDF still has to be attached (the record itself is written).</summary>
    public bool PdfPending { get; init; }

    /// <summary>How many times a writer claimed it (a claim with no recorded answer makes the next one look up first).</summary>
    public int Claims { get; init; }

    /// <summary>The PDF comment was sent once without a recorded answer: look it up before sending again.</summary>
    public bool PdfClaimed { get; init; }

    /// <summary>lead, deal, or comment (a repeat response noted on the person's existing lead).</summary>
    public string? CrmKind { get; init; }

    public long? CrmId { get; init; }

    public long? ContactId { get; init; }

    /// <summary>For a repeat on an existing lead: that lead.</summary>
    public long? LeadId { get; init; }

    public long? CommentId { get; init; }

    public long? PdfCommentId { get; init; }

    /// <summary>hh.ru's employer stage as last seen (state-change callbacks update it; the CRM stage sync is the recruiter's desk).</summary>
    public string? HhStage { get; init; }

    /// <summary>Why it failed (no personal data).</summary>
    public string? Problem { get; init; }

    public int Failures { get; init; }

    public DateTimeOffset? WrittenAt { get; init; }

    /// <summary>Stage sync: hh.ru's state (<see cref="HhStage"/>) still has to be applied to the CRM record (applied once it is written).</summary>
    public bool StageDue { get; init; }

    /// <summary>The CRM stage as the app last set or accepted it (null: as created). A CRM event with this stage is the app's own echo.</summary>
    public string? CrmStage { get; init; }

    /// <summary>The hh.ru state last applied to (or accepted from) the CRM record.</summary>
    public string? SyncedHhStage { get; init; }

    /// <summary>Sync back: the hh.ru actions claimed for this negotiation, one per target state (see <see cref="HhActionClaim"/>).</summary>
    public IReadOnlyList<HhActionClaim> HhActions { get; init; } = [];

    /// <summary>Sync back: why hh.ru refused the last move made in Bitrix24 (shown on the desk); null once a later move went through.</summary>
    public string? SyncBackRefusal { get; init; }

    /// <summary>When the app saw <see cref="HhStage"/> change (for the CRM comment).</summary>
    public DateTimeOffset? HhStageSeenAt { get; init; }
    /// <summary>The hh.ru vacancy the response belongs to (an id, no personal data): the desk counts by it.</summary>
    public string? VacancyId { get; init; }
}

/// <summary>The recruiting feature's own state: one row.</summary>
public sealed record RecruitingState
{
    public static RecruitingState Empty { get; } = new();

    /// <summary>The webhook key the app made when Recruiting__WebhookKey is empty.</summary>
    public string? GeneratedWebhookKey { get; init; }

    public string? SubscriptionId { get; init; }

    public string? SubscribedUrlHash { get; init; }

    public DateTimeOffset? SubscribedAt { get; init; }

    /// <summary>The CRM source id of hh.ru (made when missing).</summary>
    public string? SourceId { get; init; }

    /// <summary>The Bitrix24 bucket as the last writer left it.</summary>
    public double BucketLevel { get; init; }

    public DateTimeOffset? BucketAt { get; init; }

    /// <summary>Writes stop until the owner fixes this (a revoked webhook, a missing scope): no personal data, no URL.</summary>
    public string? CrmStopped { get; init; }

    /// <summary>Since when writes keep failing for a reason that may pass (told to the owner after a while).</summary>
    public DateTimeOffset? CrmTroubleSince { get; init; }

    /// <summary>Bitrix24's time limit: no writes before this.</summary>
    public DateTimeOffset? CrmPausedUntil { get; init; }

    /// <summary>hh.ru's daily resume-view limit: resume reads wait until this.</summary>
    public DateTimeOffset? ViewLimitUntil { get; init; }

    /// <summary>"Say it once" keys of notices already sent to the owner.</summary>
    public IReadOnlyList<string> Told { get; init; } = [];

    /// <summary>When the booked drain message is due (null: none booked).</summary>
    public DateTimeOffset? DrainDueAt { get; init; }

    public DateTimeOffset? LastReconcileAt { get; init; }

    public string? LastReconcileSummary { get; init; }

    public long Written { get; init; }

    /// <summary>Sync back: the last 50 moves made in Bitrix24 that hh.ru refused, newest last (the desk shows them).</summary>
    public IReadOnlyList<RefusedStageMove> RefusedMoves { get; init; } = [];

    /// <summary>Sync back's reconcile fallback: CRM records changed since this moment are compared (null: never ran).</summary>
    public DateTimeOffset? CrmStagesCheckedAt { get; init; }

    /// <summary>Sync back: hh.ru actions the app performed (each once).</summary>
    public long HhActionsSent { get; init; }

    /// <summary>
    /// Reconcile: each vacancy's collection sizes ("vacancy/collection" → counters.total) as the last walk accounted
    /// for them; a collection that grew by more than a walk accounts for is walked on, so an older response moved
    /// there (its callback lost) is found.
    /// </summary>
    public IReadOnlyList<CollectionTotal> CollectionTotals { get; init; } = [];
}

/// <summary>One hh.ru collection's size (counters.total) when a reconcile run's walk last accounted for it, and when that walk began.</summary>
public sealed record CollectionTotal(string Key, int Total, DateTimeOffset At);
