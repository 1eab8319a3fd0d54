namespace HhFunctions.Applying;

/// <summary>Where one application stands in the app's own records.</summary>
public enum ApplicationStatus
{
    /// <summary>Confirm mode: the letter was shown in Telegram; waiting for Send / Edit / Skip.</summary>
    AwaitingConfirmation,

    /// <summary>The POST is in flight (or the app stopped during it): never sent again without a lookup.</summary>
    Sending,

    /// <summary>hh.ru has the application (201, or found by a lookup after a lost answer).</summary>
    Sent,

    /// <summary>Not sent, on purpose: <see cref="ApplicationRecord.Reason"/> says why.</summary>
    Skipped,

    /// <summary>hh.ru refused it: <see cref="ApplicationRecord.Reason"/> and <see cref="ApplicationRecord.Detail"/> say why.</summary>
    Refused,

    /// <summary>The answer was lost and hh.ru could not be asked: TrackApplications settles it. Never resent blindly.</summary>
    Unconfirmed,
}

public enum LetterKind
{
    None,
    Template,
    Generated,
    Edited,
}

/// <summary>One state of the negotiation as hh.ru reported it, with when the app first saw it.</summary>
public sealed record StateChange(string State, DateTimeOffset At);

/// <summary>One vacancy's application (one per vacancy: hh.ru allows one response per resume and vacancy).</summary>
public sealed record ApplicationRecord(string VacancyId)
{
    public string? VacancyName { get; init; }

    public string? Employer { get; init; }

    /// <summary>The vacancy's page on hh.ru.</summary>
    public string? VacancyUrl { get; init; }

    /// <summary>Who asked: a watch source name, "telegram" (/apply, buttons) or "hh.ru" (found by the tracker).</summary>
    public string? Source { get; init; }

    public string? ResumeId { get; init; }

    public ApplicationStatus Status { get; init; }

    /// <summary>A short code: archived, already_applied, has_test, letter_required, no_resume, daily_limit, limit_exceeded, captcha_required, invalid_vacancy, direct, skipped_by_owner, refused...</summary>
    public string? Reason { get; init; }

    /// <summary>Human words (hh.ru's own for an unknown refusal).</summary>
    public string? Detail { get; init; }

    public LetterKind Letter { get; init; }

    /// <summary>The letter waiting for confirmation (confirm mode); cleared once sent or skipped.</summary>
    public string? PendingLetter { get; init; }

    /// <summary>POSTs made for this vacancy (at most 2: one more only after a lookup showed hh.ru has none).</summary>
    public int Attempts { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When hh.ru accepted it (or the app first saw it there).</summary>
    public DateTimeOffset? SentAt { get; init; }

    public string? NegotiationId { get; init; }

    /// <summary>hh.ru's negotiation state: response, invitation, discard, hidden.</summary>
    public string? State { get; init; }

    public DateTimeOffset? HhCreatedAt { get; init; }

    public DateTimeOffset? HhUpdatedAt { get; init; }

    public bool ViewedByEmployer { get; init; }

    public DateTimeOffset? ViewedAt { get; init; }

    public bool HasUpdates { get; init; }

    public IReadOnlyList<StateChange> History { get; init; } = [];

    /// <summary>The hh.ru updated_at the owner was last told about.</summary>
    public DateTimeOffset? NotifiedUpdatedAt { get; init; }

    /// <summary>Counts against the daily limit: sent, or possibly sent (never under-count).</summary>
    public bool CountsAsSent => Status is ApplicationStatus.Sent or ApplicationStatus.Sending or ApplicationStatus.Unconfirmed;
}

/// <summary>Applying's own state: the windows hh.ru imposed and what the owner was already told.</summary>
public sealed record ApplyState
{
    public static ApplyState Empty { get; } = new();

    /// <summary>hh.ru said limit_exceeded: no POST before this time.</summary>
    public DateTimeOffset? LimitUntil { get; init; }

    /// <summary>hh.ru asked for a captcha on applying: no POST until the owner clears it (/apply again after solving it on the site) or a day passes.</summary>
    public DateTimeOffset? CaptchaSince { get; init; }

    /// <summary>The vacancy whose letter the owner's next text message replaces (after "Edit").</summary>
    public string? EditingVacancyId { get; init; }

    /// <summary>The last time TrackApplications read hh.ru fully.</summary>
    public DateTimeOffset? LastTrackedAt { get; init; }

    public string? LastTrackProblem { get; init; }
}
