namespace HhFunctions.State;

public enum AccountStatus
{
    NotConnected,
    Connected,
    NeedsReconnect,

    /// <summary>The pair works, but hh.ru refuses this application access to the applicant API (resumes).</summary>
    NoApplicantAccess,
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

    /// <summary>When hh.ru first refused applicant access (status <see cref="AccountStatus.NoApplicantAccess"/>).</summary>
    public DateTimeOffset? AccessRefusedSince { get; init; }

    /// <summary>The last "say it once" notice sent to the owner (a key, no secret); cleared when the account changes.</summary>
    public string? LastNotice { get; init; }

    /// <summary>Fingerprint of the pair in HeadHunter__AccessToken/RefreshToken last imported or refused at start.</summary>
    public string? SettingsImportFingerprint { get; init; }

    /// <summary>Why that settings pair was refused (null: it was imported).</summary>
    public string? SettingsImportProblem { get; init; }

    /// <summary>A job seeker's or an employer's account (GET /me's is_employer), as last seen when connecting.</summary>
    public AccountKind Kind { get; init; }

    /// <summary>For an employer account: the company's id (for /employers/{id}/… calls) and name, and the manager's id.</summary>
    public string? EmployerId { get; init; }

    public string? EmployerName { get; init; }

    public string? ManagerId { get; init; }

    /// <summary>An employer's account: the job-seeker jobs make no hh.ru calls; recruiting runs.</summary>
    public bool IsEmployer => Kind == AccountKind.Employer;
}

/// <summary>Which side of hh.ru the connected account is on.</summary>
public enum AccountKind
{
    /// <summary>Not read yet (connected before the app asked): treated as a job seeker's.</summary>
    Unknown,

    Applicant,

    Employer,
}

/// <summary>
/// Told when an hh.ru account has been connected (any way in) and its state recorded: a feature that must act on a
/// new connection (recruiting's webhook subscription) registers one. Failures are the listener's own to report.
/// </summary>
public interface IAccountConnectedListener
{
    Task OnConnectedAsync(AccountState account, CancellationToken ct);
}

public static class OneTimePurpose
{
    /// <summary>The OAuth "state" parameter of one authorization attempt.</summary>
    public const string OAuthState = "oauth-state";

    /// <summary>A setup link sent to the owner (Telegram, status page) that starts the OAuth flow once.</summary>
    public const string SetupLink = "setup-link";

    /// <summary>The antiforgery value of one status-page form (paste a code, import a pair).</summary>
    public const string FormToken = "form-token";
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
