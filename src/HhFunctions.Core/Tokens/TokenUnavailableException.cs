namespace HhFunctions.Tokens;

public enum TokenProblem
{
    /// <summary>No account was ever connected.</summary>
    NotConnected,

    /// <summary>hh.ru no longer accepts the stored pair: the owner must open the setup link again.</summary>
    ReconnectRequired,

    /// <summary>Another instance holds the refresh lock; try again on the next run.</summary>
    RefreshBusy,

    /// <summary>hh.ru or the vault failed for now; the stored pair is kept.</summary>
    Transient,

    /// <summary>The app's hh.ru credentials are wrong.</summary>
    Configuration,

    /// <summary>The pair works, but hh.ru refuses this application the applicant API (told once, not a failure).</summary>
    NoApplicantAccess,

    /// <summary>hh.ru issues a new application token only 5 minutes after the last one: asked for again after that.</summary>
    AppTokenWait,
}

/// <summary>No usable access token now. The message is for people and never contains a token.</summary>
public sealed class TokenUnavailableException : Exception
{
    public TokenUnavailableException(TokenProblem problem, string message)
        : base(message) => Problem = problem;

    public TokenUnavailableException(TokenProblem problem, string message, Exception innerException)
        : base(message, innerException) => Problem = problem;

    public TokenUnavailableException()
        : this(TokenProblem.Transient, "No access token is available.")
    {
    }

    public TokenUnavailableException(string message)
        : this(TokenProblem.Transient, message)
    {
    }

    public TokenUnavailableException(string message, Exception innerException)
        : this(TokenProblem.Transient, message, innerException)
    {
    }

    public TokenProblem Problem { get; }

    /// <summary>For standing conditions told once (see Telegram/OwnerNotices): the key of the notice.</summary>
    public string? NoticeKey { get; init; }

    /// <summary>Problems the owner must act on (shown with the reconnect link).</summary>
    public bool NeedsOwner => Problem is TokenProblem.NotConnected or TokenProblem.ReconnectRequired or TokenProblem.Configuration;
}
