using System.Net;

namespace HhFunctions.HeadHunter;

public enum TokenErrorKind
{
    /// <summary>invalid_grant "token not expired": keep using the stored access token.</summary>
    NotExpired,

    /// <summary>invalid_grant "token has already been refreshed": another instance won, or the pair was lost.</summary>
    AlreadyRefreshed,

    /// <summary>The refresh token is dead (revoked, deactivated, bad, not found, account locked...): reconnect.</summary>
    ReconnectRequired,

    /// <summary>The authorization code is used, expired or unknown: start the setup again.</summary>
    CodeRejected,

    /// <summary>invalid_client: HeadHunter__ClientId / ClientSecret are wrong.</summary>
    InvalidClient,

    /// <summary>bad redirect url: HeadHunter__RedirectUri does not match the app's registration.</summary>
    BadRedirect,

    /// <summary>5xx, HTML pages, timeouts: nothing was decided; try again later with the same pair.</summary>
    Transient,

    /// <summary>403 forbidden "app token refresh too early": hh.ru issues an application token at most once per 5 minutes.</summary>
    AppTokenTooEarly,

    Unknown,
}

/// <summary>An error of the token endpoint. <see cref="Message"/> never contains a token.</summary>
public sealed record HhTokenError(int StatusCode, TokenErrorKind Kind, string? Error, string? Description, string Message)
{
    public override string ToString() => Message;

    public static HhTokenError Parse(HttpStatusCode status, string? body, string? mediaType)
    {
        var code = (int)status;
        var parsed = HhError.TryParseJson(body, mediaType);
        if (parsed?.Error is null)
        {
            if (parsed?.Errors is { Count: > 0 } || code is 400 or 401 or 403 && parsed is not null)
            {
                var apiError = HhError.Parse(status, body, mediaType);
                var transientApi = apiError.Kind is HhErrorKind.CaptchaRequired or HhErrorKind.TooManyRequests or HhErrorKind.ServerError;
                return new HhTokenError(code, transientApi ? TokenErrorKind.Transient : TokenErrorKind.Unknown, apiError.Type, apiError.Value, $"Token request failed: {apiError.Message}");
            }

            var html = HhError.Parse(status, body, mediaType);
            return new HhTokenError(code, TokenErrorKind.Transient, null, null, $"Token request failed: {html.Message}");
        }

        var error = parsed.Error;
        var description = parsed.ErrorDescription;
        var kind = (error, description) switch
        {
            ("invalid_grant", "token not expired") => TokenErrorKind.NotExpired,
            ("invalid_grant", "token has already been refreshed") => TokenErrorKind.AlreadyRefreshed,
            ("invalid_grant", "code has already been used" or "code expired" or "code was revoke" or "code was revoked") => TokenErrorKind.CodeRejected,
            ("invalid_grant", _) => TokenErrorKind.ReconnectRequired,
            ("invalid_request", "code not found") => TokenErrorKind.CodeRejected,
            ("invalid_request", "bad redirect url") => TokenErrorKind.BadRedirect,
            ("invalid_request", _) => TokenErrorKind.ReconnectRequired,
            ("invalid_client", _) => TokenErrorKind.InvalidClient,
            ("forbidden", "app token refresh too early") => TokenErrorKind.AppTokenTooEarly,
            ("forbidden", _) => TokenErrorKind.Transient,
            _ => TokenErrorKind.Unknown,
        };

        var label = description is null ? error : $"{error}: {description}";
        var message = kind switch
        {
            TokenErrorKind.NotExpired => "hh.ru says the access token has not expired yet; the stored one stays in use.",
            TokenErrorKind.AlreadyRefreshed => "hh.ru says this refresh token has already been used.",
            TokenErrorKind.ReconnectRequired => $"hh.ru no longer accepts the stored refresh token ({label}); reconnect the account.",
            TokenErrorKind.CodeRejected => $"hh.ru rejected the authorization code ({label}); open the setup link again.",
            TokenErrorKind.InvalidClient => "hh.ru rejected the application credentials; check HeadHunter__ClientId and HeadHunter__ClientSecret.",
            TokenErrorKind.BadRedirect => "hh.ru rejected the redirect URI; HeadHunter__RedirectUri must match the one registered at dev.hh.ru.",
            TokenErrorKind.Transient => $"hh.ru could not answer the token request now ({label}).",
            TokenErrorKind.AppTokenTooEarly => "hh.ru issues a new application token at most once every 5 minutes (403 app token refresh too early).",
            _ => $"hh.ru rejected the token request (HTTP {code}, {label}).",
        };

        return new HhTokenError(code, kind, error, description, message);
    }
}

/// <summary>Outcome of an application-token request (client_credentials): the token or an error, never both. ToString shows no token.</summary>
public sealed record HhAppTokenResult(string? AccessToken, HhTokenError? Error)
{
    public static HhAppTokenResult Success(string accessToken) => new(accessToken, null);

    public static HhAppTokenResult Failure(HhTokenError error) => new(null, error);

    public override string ToString() => AccessToken is null ? $"HhAppTokenResult({Error})" : "HhAppTokenResult(token issued)";
}

/// <summary>Outcome of a token request: a new pair or an error, never both.</summary>
public sealed record HhTokenResult(TokenSet? Tokens, HhTokenError? Error)
{
    public static HhTokenResult Success(TokenSet tokens) => new(tokens, null);

    public static HhTokenResult Failure(HhTokenError error) => new(null, error);
}
