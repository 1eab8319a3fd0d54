using System.Net;
using System.Text.Json;
using HhFunctions.HeadHunter.Models;

namespace HhFunctions.HeadHunter;

public enum HhErrorKind
{
    /// <summary>403 oauth/token_expired: refresh, then retry once.</summary>
    TokenExpired,

    /// <summary>403 oauth/token_revoked: the user revoked access; reconnect.</summary>
    TokenRevoked,

    /// <summary>403 oauth/bad_authorization: unknown or invalid token; reconnect.</summary>
    BadAuthorization,

    /// <summary>403 oauth/application_not_found: the hh.ru app was deleted.</summary>
    ApplicationNotFound,

    /// <summary>403 oauth/user_auth_expected and other oauth values.</summary>
    OAuthOther,

    /// <summary>429 resumes/touch_limit_exceeded: the resume cannot be raised yet.</summary>
    TouchLimitExceeded,

    /// <summary>403 captcha_required.</summary>
    CaptchaRequired,

    /// <summary>400 bad_request (e.g. mandatory fields empty, on moderation).</summary>
    BadRequest,

    /// <summary>400 bad_user_agent.</summary>
    BadUserAgent,

    /// <summary>403 without an oauth error: hh.ru refuses this application (see the December 2025 note).</summary>
    Forbidden,

    NotFound,

    MethodNotAllowed,

    /// <summary>429 other than touch_limit_exceeded.</summary>
    TooManyRequests,

    /// <summary>5xx.</summary>
    ServerError,

    /// <summary>A body that is not JSON (HTML from DDoS protection, a proxy page).</summary>
    NonJsonResponse,

    /// <summary>Timeout or connection failure.</summary>
    Network,

    Unknown,

    /// <summary>429 resumes/view_limit_exceeded: the employer's daily resume-view limit is spent; park until the next day.</summary>
    ViewLimitExceeded,

    /// <summary>403 api_access_payment/action_must_be_payed: the employer has no paid API access for this method.</summary>
    PaymentRequired,

    /// <summary>403 resumes/quota_exceeded, no_available_service or cant_view_contacts: the resume's contacts cannot be had.</summary>
    ContactsUnavailable,

    /// <summary>A URL hh.ru handed out names a host the access token must not go to; nothing was sent.</summary>
    ForeignHost,
}

/// <summary>A parsed hh.ru error. Its <see cref="Message"/> never contains a token or a raw body.</summary>
public sealed record HhError(int StatusCode, HhErrorKind Kind, string? Type, string? Value, string? RequestId, string Message)
{
    /// <summary>The user's pair is dead. Not application_not_found: that is the app's configuration, and reconnecting cannot fix it.</summary>
    public bool NeedsReconnect => Kind is HhErrorKind.TokenRevoked or HhErrorKind.BadAuthorization;

    /// <summary>
    /// hh.ru refuses this application (or token) the applicant API: 403 forbidden, or oauth/no_scope or
    /// oauth/user_auth_expected (see the December 2025 restriction). An HTML 403 (DDoS protection) is not one.
    /// </summary>
    public bool RefusesApplicantAccess =>
        Kind == HhErrorKind.Forbidden || (Kind == HhErrorKind.OAuthOther && Value is "no_scope" or "user_auth_expected");

    public bool IsTransient => Kind is HhErrorKind.ServerError or HhErrorKind.Network or HhErrorKind.TooManyRequests or HhErrorKind.NonJsonResponse;

    public override string ToString() => Message;

    public static HhError Parse(HttpStatusCode status, string? body, string? mediaType)
    {
        var code = (int)status;
        var parsed = TryParseJson(body, mediaType);
        if (parsed is null)
        {
            var kind = code >= 500 ? HhErrorKind.ServerError : HhErrorKind.NonJsonResponse;
            var what = string.IsNullOrWhiteSpace(body) ? "an empty body" : $"a non-JSON ({mediaType ?? "unknown type"}) body";
            var hint = code == 403
                ? " This is usually hh.ru's DDoS protection or a proxy page; it will be tried again on the next run."
                : code >= 500 ? " hh.ru is having trouble; it will be tried again." : string.Empty;
            return new HhError(code, kind, null, null, null, $"hh.ru answered HTTP {code} with {what}.{hint}");
        }

        var first = parsed.Errors is { Count: > 0 } errors ? errors[0] : null;
        var type = first?.Type;
        var value = first?.Value;
        var requestId = parsed.RequestId;

        // Legacy oauth keys: {"description":"Unrecognized authorization","oauth_error":"token-expired"}.
        if (type is null && parsed.OauthError is { } legacy)
        {
            type = "oauth";
            value = legacy.Replace('-', '_') switch
            {
                "token_expired" => "token_expired",
                "token_revoked" => "token_revoked",
                "client_id_deleted" => "application_not_found",
                _ => "bad_authorization",
            };
        }
        else if (type is null && string.Equals(parsed.Description, "Unrecognized authorization", StringComparison.OrdinalIgnoreCase))
        {
            // The same legacy body without oauth_error still names an authorization problem, not a refusal of the app.
            type = "oauth";
            value = "bad_authorization";
        }

        var errorKind = Classify(code, type, value);
        var label = type is null ? "no error type" : value is null ? type : $"{type}/{value}";
        var message = errorKind switch
        {
            HhErrorKind.TokenExpired => "hh.ru says the access token has expired.",
            HhErrorKind.TokenRevoked => "hh.ru says access was revoked by the user; reconnect the account.",
            HhErrorKind.BadAuthorization => "hh.ru does not recognise the access token; reconnect the account.",
            HhErrorKind.ApplicationNotFound => "hh.ru says the application this token belongs to does not exist (oauth/application_not_found): HeadHunter__ClientId / HeadHunter__ClientSecret are wrong, or the application was deleted at dev.hh.ru. Reconnecting with the same settings will not help.",
            HhErrorKind.TouchLimitExceeded => "hh.ru says this resume cannot be raised yet.",
            HhErrorKind.CaptchaRequired => "hh.ru asks for a captcha; it will be tried again later.",
            HhErrorKind.BadUserAgent => $"hh.ru rejected the User-Agent ({value ?? "bad_user_agent"}); set HeadHunter__UserAgent to \"AppName/1.0 (your-email)\".",
            HhErrorKind.Forbidden => $"hh.ru refuses this application access to resumes (HTTP 403, {label}). Since December 2025 hh.ru restricts the applicant API; check the app's access at dev.hh.ru.",
            HhErrorKind.NotFound when value == "topic_not_found" => "hh.ru says the response (negotiation) does not exist or is not yours (HTTP 404).",
            HhErrorKind.NotFound => "hh.ru says the resume does not exist or is not yours (HTTP 404).",
            HhErrorKind.ViewLimitExceeded => $"hh.ru says the employer's daily resume-view limit is spent (HTTP {code}, resumes/view_limit_exceeded).",
            HhErrorKind.PaymentRequired => "hh.ru says this employer method needs paid API access (HTTP 403, api_access_payment/action_must_be_payed).",
            HhErrorKind.ContactsUnavailable => $"hh.ru will not show this resume's contacts (HTTP 403, {label}).",
            HhErrorKind.BadRequest => $"hh.ru rejected the request (HTTP 400, {label}): the resume may have empty mandatory fields or be on moderation.",
            HhErrorKind.TooManyRequests => "hh.ru is rate-limiting requests (HTTP 429).",
            HhErrorKind.ServerError => $"hh.ru had an internal error (HTTP {code}).",
            _ => $"hh.ru answered HTTP {code} ({label}).",
        };

        return new HhError(code, errorKind, type, value, requestId, message);
    }

    private static HhErrorKind Classify(int code, string? type, string? value)
    {
        if (type == "oauth")
        {
            return value switch
            {
                "token_expired" => HhErrorKind.TokenExpired,
                "token_revoked" => HhErrorKind.TokenRevoked,
                "bad_authorization" => HhErrorKind.BadAuthorization,
                "application_not_found" => HhErrorKind.ApplicationNotFound,
                _ => HhErrorKind.OAuthOther,
            };
        }

        if (type == "captcha_required" || value == "captcha_required")
        {
            return HhErrorKind.CaptchaRequired;
        }

        if (value == "touch_limit_exceeded")
        {
            return HhErrorKind.TouchLimitExceeded;
        }

        if (type == "bad_user_agent")
        {
            return HhErrorKind.BadUserAgent;
        }

        if (value == "view_limit_exceeded")
        {
            return HhErrorKind.ViewLimitExceeded;
        }

        if (type == "api_access_payment" || value == "action_must_be_payed")
        {
            return HhErrorKind.PaymentRequired;
        }

        if (code == 403 && value is "quota_exceeded" or "no_available_service" or "cant_view_contacts")
        {
            return HhErrorKind.ContactsUnavailable;
        }

        return code switch
        {
            400 => HhErrorKind.BadRequest,
            403 => HhErrorKind.Forbidden,
            404 => HhErrorKind.NotFound,
            405 => HhErrorKind.MethodNotAllowed,
            429 => HhErrorKind.TooManyRequests,
            >= 500 => HhErrorKind.ServerError,
            _ => HhErrorKind.Unknown,
        };
    }

    internal static HhErrorBody? TryParseJson(string? body, string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.Length == 0 || trimmed[0] != '{' || (mediaType is not null && mediaType.Contains("html", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<HhErrorBody>(body, HhJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>An hh.ru call failed; <see cref="Error"/> says how.</summary>
public sealed class HhApiException : Exception
{
    public HhApiException(HhError error)
        : base(error?.Message)
    {
        Error = error ?? throw new ArgumentNullException(nameof(error));
    }

    public HhApiException()
        : this(new HhError(0, HhErrorKind.Unknown, null, null, null, "hh.ru call failed."))
    {
    }

    public HhApiException(string message)
        : this(new HhError(0, HhErrorKind.Unknown, null, null, null, message))
    {
    }

    public HhApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new HhError(0, HhErrorKind.Network, null, null, null, message);
    }

    public HhError Error { get; }
}
