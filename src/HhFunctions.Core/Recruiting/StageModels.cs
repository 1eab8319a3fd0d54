using System.Text.Json.Serialization;

namespace HhFunctions.Recruiting;

/// <summary>Where one hh.ru action (a move made in Bitrix24, sent back to hh.ru) stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HhActionStatus>))]
public enum HhActionStatus
{
    /// <summary>Claimed in the store and being sent; another instance leaves it alone for <see cref="HhActionClaim.InFlight"/>.</summary>
    Claimed,

    /// <summary>Sent and its answer lost (timeout, 5xx, broken connection): the negotiation is re-read before any re-send.</summary>
    Unknown,

    /// <summary>hh.ru did it (or the negotiation was found already there): never sent again.</summary>
    Sent,

    /// <summary>hh.ru refused it (not available in that state, a 4xx): nothing happened on hh.ru.</summary>
    Refused,
}

/// <summary>
/// One hh.ru action claimed for a negotiation, keyed by the hh.ru state it moves to: the claim is written (an atomic
/// read-modify-write of the topic's record) before anything is sent, so two instances, a redelivered event and the
/// reconcile fallback cannot both send it; a Sent claim is never sent again.
/// </summary>
public sealed record HhActionClaim(string TargetState, HhActionStatus Status, DateTimeOffset At)
{
    /// <summary>A Claimed one older than this is treated as an answer lost (the instance that claimed it died).</summary>
    public static readonly TimeSpan InFlight = TimeSpan.FromMinutes(2);

    /// <summary>The hh.ru action's id (invitation, discard, ...).</summary>
    public string? ActionId { get; init; }

    public int Attempts { get; init; }

    /// <summary>For Refused: hh.ru's reason (no personal data).</summary>
    public string? Problem { get; init; }
}

/// <summary>A move made in Bitrix24 that hh.ru refused: the record, the stage it was moved to, and why (no personal data).</summary>
public sealed record RefusedStageMove(string TopicId, string CrmKind, long CrmId, string CrmStage, string TargetState, string? HhState, string Reason, DateTimeOffset At);
