using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.State;
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

    /// <summary>A pasted code or imported pair that is not one (junk, spaces, swapped tokens, too long).</summary>
    InvalidInput,

    /// <summary>Another import or a token refresh holds the token lock.</summary>
    Busy,

    /// <summary>hh.ru does not accept an imported pair.</summary>
    PairRejected,

    /// <summary>A pair from settings is not imported over a stored pair.</summary>
    AlreadyStored,
}

public sealed record CallbackResult(CallbackError Error, string Message, HhMe? Me, IReadOnlyList<HhResume> Resumes)
{
    public bool Succeeded => Error == CallbackError.None;

    /// <summary>Connected, but hh.ru refuses applicant access: the plain-words explanation.</summary>
    public string? AccessRefused { get; init; }
}

/// <summary>The one-time OAuth setup: start (redirect to hh.ru) and callback (validate, exchange, store).</summary>
public sealed class OAuthFlow(
    IOptions<HhOptions> hhOptions,
    PublicUrls urls,
    IStateStore state,
    AccountConnector connector,
    TimeProvider time)
{
    public static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);
    public const int MaxParameterLength = 2048;

    /// <summary>Stores a fresh single-use state and returns hh.ru's authorize URL.</summary>
    public async Task<Uri> BeginAsync(CancellationToken ct)
    {
        EnsureCredentials();
        var o = hhOptions.Value;

        var value = SetupLinks.NewRandomValue();
        await state.SaveOneTimeTokensAsync([new OneTimeToken(OneTimePurpose.OAuthState, value, time.GetUtcNow() + StateLifetime, null)], ct);
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

        return await connector.ConnectWithCodeAsync(code, ct);
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
