using HhFunctions.HeadHunter;
using HhFunctions.State;
using HhFunctions.Tokens;

namespace HhFunctions.Vacancies;

/// <summary>Which token the watch's hh.ru calls go out with.</summary>
public enum WatchTokenKind
{
    /// <summary>The connected account's (job seeker's or employer's) token.</summary>
    User,

    /// <summary>The application's own token (client_credentials): vacancy search and vacancy pages only.</summary>
    Application,
}

/// <summary>The token a watch run used, and why the application's when it was (for the status page and /watch).</summary>
public sealed record WatchTokenUse(WatchTokenKind Kind, string? Reason, DateTimeOffset At)
{
    /// <summary>One plain line: which token the searches use and why. Never a token.</summary>
    public string Describe() => Kind == WatchTokenKind.User
        ? "Vacancy searches use the connected hh.ru account's token."
        : "Vacancy searches use the application token (HeadHunter__ClientId/ClientSecret, no user needed)" + (Reason is null ? "." : ": " + Reason + ".");
}

/// <summary>A source that needs a connected job seeker's account (saved searches, similar vacancies) cannot run now.</summary>
public sealed class UserAccountNeededException(string reason) : Exception(reason);

/// <summary>
/// One watch run's choice of token (docs/vacancies.md, "Which token"): the connected account's when there is one and
/// hh.ru grants it, the application's otherwise, including when hh.ru answers the account's calls with 403. Once the
/// run has moved to the application token it stays there. Every call waits its turn on <see cref="HhCallPacer"/>.
/// </summary>
public sealed class WatchTokens
{
    private readonly TokenManager _tokens;
    private readonly AppTokenManager _app;
    private readonly HhCallPacer _pacer;
    private readonly TimeProvider _time;

    private WatchTokens(TokenManager tokens, AppTokenManager app, HhCallPacer pacer, TimeProvider time, WatchTokenKind kind, string? reason)
    {
        _tokens = tokens;
        _app = app;
        _pacer = pacer;
        _time = time;
        Kind = kind;
        Reason = reason;
    }

    public WatchTokenKind Kind { get; private set; }

    /// <summary>Why the application token is used (null for the account's).</summary>
    public string? Reason { get; private set; }

    public WatchTokenUse Use => new(Kind, Reason, _time.GetUtcNow());

    /// <summary>The run's starting choice, from the stored account and pair (no hh.ru call).</summary>
    public static async Task<WatchTokens> BeginAsync(TokenManager tokens, AppTokenManager app, IStateStore state, HhCallPacer pacer, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        var start = await ChooseAsync(tokens, app, state, time, ct);
        return new WatchTokens(tokens, app, pacer, time, start.Kind, start.Reason);
    }

    /// <summary>
    /// The token a run would start with now: the application's when no account is connected, it needs reconnecting or
    /// hh.ru refuses it applicant access (and HeadHunter__ClientId/ClientSecret are set); the account's otherwise.
    /// </summary>
    public static async Task<WatchTokenUse> ChooseAsync(TokenManager tokens, AppTokenManager app, IStateStore state, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(time);
        var account = await state.GetAccountAsync(ct);
        var reason = account.Status switch
        {
            AccountStatus.NoApplicantAccess => "hh.ru refuses this application access to the job seeker's account",
            AccountStatus.NeedsReconnect => "the hh.ru account needs reconnecting",
            _ when await tokens.ReadStoredAsync(ct) is null => "no hh.ru account is connected",
            _ => null,
        };

        // Without the application's credentials there is only the account's token (and its own message if it has none).
        return reason is not null && app.Configured
            ? new WatchTokenUse(WatchTokenKind.Application, reason, time.GetUtcNow())
            : new WatchTokenUse(WatchTokenKind.User, null, time.GetUtcNow());
    }

    /// <summary>A vacancy search or vacancy page: the account's token, or the application's.</summary>
    public async Task<T> SearchAsync<T>(Func<string, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (Kind == WatchTokenKind.User)
        {
            try
            {
                return await _tokens.WithAccessTokenAsync(Paced(call), ct);
            }
            catch (TokenUnavailableException ex) when (CanFallBack(ex))
            {
                Switch("the account's token cannot be used now (" + ex.Message.TrimEnd('.') + ")");
            }
            catch (HhApiException ex) when (ex.Error.RefusesApplicantAccess && _app.Configured)
            {
                Switch(Refused(ex.Error, "vacancy search"));
            }
        }

        return await _app.WithAppTokenAsync(Paced(call), ct);
    }

    /// <summary>A call only a job seeker's account may make (saved searches, resumes): throws <see cref="UserAccountNeededException"/> on the application token.</summary>
    public async Task<T> UserOnlyAsync<T>(string what, Func<string, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (Kind == WatchTokenKind.User)
        {
            try
            {
                return await _tokens.WithAccessTokenAsync(Paced(call), ct);
            }
            catch (TokenUnavailableException ex) when (CanFallBack(ex))
            {
                Switch("the account's token cannot be used now (" + ex.Message.TrimEnd('.') + ")");
            }
            catch (HhApiException ex) when (ex.Error.RefusesApplicantAccess && _app.Configured)
            {
                Switch(Refused(ex.Error, what));
            }
        }

        throw new UserAccountNeededException(Reason ?? "no hh.ru account is connected");
    }

    private bool CanFallBack(TokenUnavailableException ex) =>
        _app.Configured && ex.Problem is not TokenProblem.Configuration;

    private void Switch(string reason)
    {
        Kind = WatchTokenKind.Application;
        Reason = reason;
    }

    private static string Refused(HhError error, string what) =>
        $"hh.ru answered the account's {what} with HTTP {error.StatusCode} ({error.Type ?? error.Kind.ToString()}{(error.Value is null ? string.Empty : "/" + error.Value)})";

    private Func<string, CancellationToken, Task<T>> Paced<T>(Func<string, CancellationToken, Task<T>> call) =>
        (token, c) => _pacer.CallAsync(c2 => call(token, c2), c);
}
