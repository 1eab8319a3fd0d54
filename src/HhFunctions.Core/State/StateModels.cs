namespace HhFunctions.State;

public enum AccountStatus
{
    NotConnected,
    Connected,
    NeedsReconnect,
}

/// <summary>The connected hh.ru account as the app last saw it. Holds no token.</summary>
public sealed record AccountState(
    AccountStatus Status,
    string? HhUserId,
    string? DisplayName,
    DateTimeOffset? ConnectedAt,
    DateTimeOffset? TokenExpiresAt,
    string? TokenFingerprint,
    string? Problem,
    bool Paused,
    DateTimeOffset? UpdatedAt)
{
    public static AccountState Empty { get; } = new(AccountStatus.NotConnected, null, null, null, null, null, null, false, null);
}

public static class OneTimePurpose
{
    /// <summary>The OAuth "state" parameter of one authorization attempt.</summary>
    public const string OAuthState = "oauth-state";

    /// <summary>A setup link sent to the owner (Telegram, status page) that starts the OAuth flow once.</summary>
    public const string SetupLink = "setup-link";
}

public sealed record OneTimeToken(string Purpose, string Value, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt);

public enum ConsumeResult
{
    Accepted,
    Unknown,
    Expired,
    AlreadyUsed,
}

public enum ResumeOutcome
{
    None,
    Raised,
    NotYet,
    Skipped,
    Failed,
}

/// <summary>What raises a resume next: a due-time queue message, or the schedule's next run (the safety net).</summary>
public enum PlannedBy
{
    Timer,
    Queue,
}

/// <param name="NextPlannedAt">When the app plans to raise it next (a queue message's due time, or the next scheduled run).</param>
/// <param name="NextPlannedBy">Which of the two will raise it then.</param>
public sealed record ResumeState(
    string ResumeId,
    string Title,
    DateTimeOffset? LastRaisedAt,
    DateTimeOffset? NextAllowedAt,
    ResumeOutcome LastOutcome,
    string? LastMessage,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? NextPlannedAt = null,
    PlannedBy? NextPlannedBy = null);

public enum RunStatus
{
    Succeeded,
    PartiallyFailed,
    Failed,
    Skipped,
}

/// <param name="RaisedAt">When hh.ru accepted the raise (Raised only); a run that also waits ends minutes later.</param>
public sealed record ResumeRunResult(string ResumeId, string Title, ResumeOutcome Outcome, DateTimeOffset? NextAllowedAt, string? Message, DateTimeOffset? RaisedAt = null);

public sealed record RunRecord(
    string Id,
    string Trigger,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    RunStatus Status,
    string Summary,
    IReadOnlyList<ResumeRunResult> Results)
{
    public int Count(ResumeOutcome outcome) => Results.Count(r => r.Outcome == outcome);
}
