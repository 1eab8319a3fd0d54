using System.Globalization;
using HhFunctions.HeadHunter;
using HhFunctions.State;
using Microsoft.Extensions.Logging;

namespace HhFunctions.OAuth;

/// <summary>
/// What hh.ru allows this application: since 2025-12-15 hh.ru no longer grants applicant access to newly
/// registered third-party applications (docs/getting-access.md). A refusal is recorded as
/// <see cref="AccountStatus.NoApplicantAccess"/> (not "reconnect": a new login through the same application
/// would be refused the same way) and explained in plain words.
/// </summary>
public sealed partial class ApplicantAccess(IStateStore state, TimeProvider time, ILogger<ApplicantAccess> logger)
{
    /// <summary>The date hh.ru closed the applicant API to newly registered third-party applications.</summary>
    public static readonly DateOnly RestrictionDate = new(2025, 12, 15);

    /// <summary>The key of the "say it once" notice for a refusal (no time in it, so a lasting refusal is told once).</summary>
    public static string NoticeKey(HhError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return "no-applicant-access:" + Label(error);
    }

    /// <summary>The refusal in plain words: what hh.ru refused, since when, what the owner can do.</summary>
    public static string Explain(HhError error, string call, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(error);
        var what = error.Value == "user_auth_expected"
            ? $"hh.ru refuses the applicant API to this token: {call} answered HTTP {error.StatusCode} (oauth/user_auth_expected), so it is an application token, not a user's."
            : $"hh.ru refuses this application access to your resumes: {call} answered HTTP {error.StatusCode} ({Label(error)}).";
        return what
            + $" Refused since {since.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC."
            + $" Since {RestrictionDate.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)} hh.ru no longer grants applicant access to newly registered third-party applications."
            + " What you can do: connect through an hh.ru application that kept its applicant access (its HeadHunter__ClientId and HeadHunter__ClientSecret), or import a token pair that still works (status page or /tokens)."
            + " The stored pair is kept and every run checks again; nothing is raised until hh.ru allows it.";
    }

    /// <summary>Marks the account "no applicant access" (keeping the first refusal's time) and returns the plain-words message.</summary>
    public async Task<string> MarkRefusedAsync(HhError error, string call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(error);
        var now = time.GetUtcNow();
        string message = Explain(error, call, now);
        try
        {
            await state.UpdateAccountAsync(a =>
            {
                var since = a.Status == AccountStatus.NoApplicantAccess && a.AccessRefusedSince is { } s ? s : now;
                message = Explain(error, call, since);
                return a with { Status = AccountStatus.NoApplicantAccess, AccessRefusedSince = since, Problem = message, UpdatedAt = now };
            }, ct);
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, ex.Message);
        }

        Log.Refused(logger, call, error.StatusCode, Label(error));
        return message;
    }

    /// <summary>hh.ru answered an applicant call: a recorded refusal is over.</summary>
    public async Task<bool> MarkAllowedAsync(CancellationToken ct)
    {
        try
        {
            var was = false;
            await state.UpdateAccountAsync(a =>
            {
                was = a.Status == AccountStatus.NoApplicantAccess;
                return was ? a with { Status = AccountStatus.Connected, AccessRefusedSince = null, Problem = null, LastNotice = null, UpdatedAt = time.GetUtcNow() } : a;
            }, ct);
            if (was)
            {
                Log.Allowed(logger);
            }

            return was;
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, ex.Message);
            return false;
        }
    }

    private static string Label(HhError error) =>
        error.Type is null ? "no error type" : error.Value is null ? error.Type : $"{error.Type}/{error.Value}";

    private static partial class Log
    {
        [LoggerMessage(3101, LogLevel.Warning, "hh.ru refuses applicant access: {Call} answered HTTP {Status} ({Label}). The account is marked 'no applicant access'.")]
        public static partial void Refused(ILogger logger, string call, int status, string label);

        [LoggerMessage(3102, LogLevel.Information, "hh.ru answers applicant calls again; 'no applicant access' cleared.")]
        public static partial void Allowed(ILogger logger);

        [LoggerMessage(3103, LogLevel.Warning, "State storage unavailable while recording applicant access: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string reason);
    }
}
