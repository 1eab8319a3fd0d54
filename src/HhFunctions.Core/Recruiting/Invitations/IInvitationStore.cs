using System.Text.Json.Serialization;

namespace HhFunctions.Recruiting.Invitations;

/// <summary>Where one invitation (a resume to a vacancy) stands in the app's own store.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvitationStatus>))]
public enum InvitationStatus
{
    /// <summary>Claimed: the POST is being sent (or was, by an instance that stopped before recording its answer).</summary>
    Sending,

    /// <summary>hh.ru made it; <see cref="InvitationRecord.TopicId"/> is its topic when known.</summary>
    Sent,

    /// <summary>The POST went out and its answer was lost: hh.ru is looked at before anything is sent again.</summary>
    Unknown,

    /// <summary>hh.ru refused it and made nothing; a later explicit command may try again.</summary>
    Refused,
}

/// <summary>One invitation, keyed by resume + vacancy. Ids only: no name, no contact, no message text.</summary>
public sealed record InvitationRecord(string ResumeId, string VacancyId, InvitationStatus Status, DateTimeOffset ClaimedAt, DateTimeOffset UpdatedAt)
{
    public string? TopicId { get; init; }

    /// <summary>How many invitation POSTs the app sent for this pair (never more than one per claim).</summary>
    public int Posts { get; init; }

    /// <summary>telegram or desk: where the recruiter's command came from.</summary>
    public string? Origin { get; init; }

    /// <summary>Why hh.ru refused, or what is unknown (no personal data).</summary>
    public string? Problem { get; init; }
}

/// <summary>The notifications' own state: the day's counts for the summary, and when the last summary went.</summary>
public sealed record NotifyState
{
    public static NotifyState Empty { get; } = new();

    /// <summary>When the last daily summary was sent (or the tally began); null: never.</summary>
    public DateTimeOffset? LastSummaryAt { get; init; }

    /// <summary>Records written since the last summary, per vacancy name (no personal data).</summary>
    public IReadOnlyDictionary<string, int> WrittenPerVacancy { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Invitations sent since the last summary.</summary>
    public int Invited { get; init; }
}

/// <summary>
/// The invitations' store: one record per resume + vacancy, changed only by an atomic read-modify-write (a
/// conditional insert or an ETag-checked update), so a repeated command, a double click or two instances cannot
/// both claim the same invitation; and the notifications' state.
/// </summary>
public interface IInvitationStore
{
    Task<InvitationRecord?> GetAsync(string resumeId, string vacancyId, CancellationToken ct);

    /// <summary>
    /// Atomic read-modify-write of one pair's record. <paramref name="change"/> gets null when there is none; returning
    /// null or the same instance leaves it. Returns (record after, whether this call changed it).
    /// </summary>
    Task<(InvitationRecord? Record, bool Changed)> UpdateAsync(string resumeId, string vacancyId, Func<InvitationRecord?, InvitationRecord?> change, CancellationToken ct);

    Task<NotifyState> GetNotifyStateAsync(CancellationToken ct);

    /// <summary>Atomic read-modify-write of the notifications' state; returns (state after, whether this call changed it).</summary>
    Task<(NotifyState State, bool Changed)> UpdateNotifyStateAsync(Func<NotifyState, NotifyState> change, CancellationToken ct);
}

internal static class InvitationKeys
{
    /// <summary>A safe row key / file name for the pair (ids are letters and digits; anything else is hashed).</summary>
    public static string Of(string resumeId, string vacancyId) =>
        resumeId.All(char.IsAsciiLetterOrDigit) && vacancyId.All(char.IsAsciiLetterOrDigit) && resumeId.Length + vacancyId.Length <= 200
            ? resumeId + "-" + vacancyId
            : "h" + RecruitingKeys.Hash(resumeId + "\n" + vacancyId);
}
