using System.Net;
using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.OAuth;

public enum CallbackError
{
    None,
    MissingState,
    UnknownState,
    ExpiredState,
    ReplayedState,
    AccessDenied,
    ProviderError,
    MissingCode,
    CodeRejected,
    HhUnavailable,
    Configuration,
}

public sealed record CallbackResult(CallbackError Error, string Message, HhMe? Me, IReadOnlyList<HhResume> Resumes)
{
    public bool Succeeded => Error == CallbackError.None;
}

/// <summary>The one-time OAuth setup: start (redirect to hh.ru) and callback (validate, exchange, store).</summary>
public sealed partial class OAuthFlow(
    IOptions<HhOptions> hhOptions,
    PublicUrls urls,
    IStateStore state,
    HhTokenClient tokenClient,
    HhClient hh,
    TokenManager tokens,
    ITelegramNotifier telegram,
    TimeProvider time,
    ILogger<OAuthFlow> logger)
{
    public static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);
    public const int MaxParameterLength = 2048;

    /// <summary>Stores a fresh single-use state and returns hh.ru's authorize URL.</summary>
    public async Task<Uri> BeginAsync(CancellationToken ct)
    {
        EnsureCredentials();
        var o = hhOptions.Value;

        var value = SetupLinks.NewRandomValue();
        await state.SaveOneTimeTokenAsync(new OneTimeToken(OneTimePurpose.OAuthState, value, time.GetUtcNow() + StateLifetime, null), ct);
        var query = string.Join('&',
            "response_type=code",
            "client_id=" + Uri.EscapeDataString(o.ClientId!),
            "state=" + Uri.EscapeDataString(value),
            "redirect_uri=" + Uri.EscapeDataString(urls.RedirectUri.AbsoluteUri));
        var authorize = new Uri(HhTokenClient.EnsureTrailingSlash(o.OAuthBaseUrl), "oauth/authorize");
        return new UriBuilder(authorize) { Query = query }.Uri;
    }

    /// <summary>Consumes a setup link (from Telegram or the status page) and, if valid, begins the flow.</summary>
    public async Task<(ConsumeResult Result, Uri? Authorize)> BeginFromLinkAsync(string? link, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(link) || link.Length > MaxParameterLength)
        {
            return (ConsumeResult.Unknown, null);
        }

        EnsureCredentials(); // before consuming: a link must not be used up by a configuration error
        var result = await state.ConsumeOneTimeTokenAsync(OneTimePurpose.SetupLink, link, time.GetUtcNow(), ct);
        return result == ConsumeResult.Accepted ? (result, await BeginAsync(ct)) : (result, null);
    }

    public async Task<CallbackResult> CompleteAsync(IReadOnlyDictionary<string, string> query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.TryGetValue("state", out var stateValue);
        query.TryGetValue("code", out var code);
        query.TryGetValue("error", out var error);

        if (string.IsNullOrEmpty(stateValue))
        {
            return Fail(CallbackError.MissingState, "The link has no 'state' parameter. Start the setup again from the app.");
        }

        var consumed = stateValue.Length > MaxParameterLength
            ? ConsumeResult.Unknown
            : await state.ConsumeOneTimeTokenAsync(OneTimePurpose.OAuthState, stateValue, time.GetUtcNow(), ct);
        switch (consumed)
        {
            case ConsumeResult.Unknown:
                return Fail(CallbackError.UnknownState, "This setup link is not one this app started (unknown state). Start the setup again from the app.");
            case ConsumeResult.Expired:
                return Fail(CallbackError.ExpiredState, $"This setup attempt expired (it is valid for {StateLifetime.TotalMinutes:0} minutes). Start the setup again.");
            case ConsumeResult.AlreadyUsed:
                return Fail(CallbackError.ReplayedState, "This setup link was already used. Start the setup again if the account is not connected.");
        }

        if (!string.IsNullOrEmpty(error))
        {
            return error == "access_denied"
                ? Fail(CallbackError.AccessDenied, "You declined access on hh.ru, so nothing was changed. Start the setup again to connect the account.")
                : Fail(CallbackError.ProviderError, $"hh.ru returned an error ({Truncate(error)}); nothing was changed.");
        }

        if (string.IsNullOrEmpty(code) || code.Length > MaxParameterLength)
        {
            return Fail(CallbackError.MissingCode, "hh.ru did not send an authorization code. Start the setup again.");
        }

        if (!hhOptions.Value.HasCredentials)
        {
            return Fail(CallbackError.Configuration, "HeadHunter__ClientId and HeadHunter__ClientSecret are not set.");
        }

        var exchanged = await tokenClient.ExchangeCodeAsync(code, urls.RedirectUri, ct);
        if (exchanged.Tokens is not { } pair)
        {
            var e = exchanged.Error!;
            Log.ExchangeFailed(logger, e.Kind, e.StatusCode);
            var kind = e.Kind switch
            {
                TokenErrorKind.Transient => CallbackError.HhUnavailable,
                TokenErrorKind.InvalidClient or TokenErrorKind.BadRedirect => CallbackError.Configuration,
                _ => CallbackError.CodeRejected,
            };
            return Fail(kind, kind == CallbackError.CodeRejected && e.Kind == TokenErrorKind.ReconnectRequired
                ? $"hh.ru rejected the authorization ({e.Error}: {e.Description}); start the setup again."
                : e.Message);
        }

        await tokens.StoreNewPairAsync(pair, ct);

        HhMe? me = null;
        IReadOnlyList<HhResume> resumes = [];
        string? readProblem = null;
        try
        {
            me = await hh.GetMeAsync(pair.AccessToken, ct);
            resumes = await hh.GetMyResumesAsync(pair.AccessToken, ct);
        }
        catch (HhApiException ex)
        {
            readProblem = ex.Error.Message;
        }

        var now = time.GetUtcNow();
        try
        {
            await state.UpdateAccountAsync(a => a with
            {
                Status = AccountStatus.Connected,
                HhUserId = me?.Id ?? a.HhUserId,
                DisplayName = me?.DisplayName ?? a.DisplayName,
                ConnectedAt = now,
                TokenExpiresAt = pair.ExpiresAt,
                TokenFingerprint = pair.Fingerprint,
                Problem = readProblem,
                UpdatedAt = now,
            }, ct);
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, ex.Message);
        }

        Log.Connected(logger, pair.Fingerprint, resumes.Count);
        var who = me?.DisplayName ?? "your hh.ru account";
        var list = resumes.Count == 0 ? "no resumes found yet" : string.Join("\n", resumes.Select(r => "• " + WebUtility.HtmlEncode(r.DisplayTitle)));
        await telegram.SendAsync($"✅ <b>Connected to hh.ru</b> as {WebUtility.HtmlEncode(who)}.\n{list}\n\nResumes will be raised as soon as hh.ru allows.", ct);

        var message = readProblem is null
            ? $"Connected as {who}."
            : $"Connected, but reading the account failed: {readProblem}";
        return new CallbackResult(CallbackError.None, message, me, resumes);
    }

    private void EnsureCredentials()
    {
        if (!hhOptions.Value.HasCredentials)
        {
            throw new OAuthConfigurationException("HeadHunter__ClientId and HeadHunter__ClientSecret are not set: register an app at dev.hh.ru and configure both before connecting.");
        }
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    private static CallbackResult Fail(CallbackError error, string message) => new(error, message, null, []);

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Warning, "Authorization code exchange failed: {Kind} (HTTP {Status}).")]
        public static partial void ExchangeFailed(ILogger logger, TokenErrorKind kind, int status);

        [LoggerMessage(3002, LogLevel.Information, "hh.ru account connected: pair {Fingerprint}, {Resumes} resume(s).")]
        public static partial void Connected(ILogger logger, string fingerprint, int resumes);

        [LoggerMessage(3003, LogLevel.Warning, "State storage unavailable while connecting: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string reason);
    }
}

public sealed class OAuthConfigurationException : Exception
{
    public OAuthConfigurationException()
    {
    }

    public OAuthConfigurationException(string message)
        : base(message)
    {
    }

    public OAuthConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
