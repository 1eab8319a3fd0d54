using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HhFunctions.HeadHunter.Models;
using Microsoft.Extensions.Options;

namespace HhFunctions.HeadHunter;

/// <summary>
/// The hh.ru token endpoint (POST {ApiBaseUrl}/token, form-encoded). Registered WITHOUT automatic retries:
/// a refresh token works once, so a blind retry could spend it twice and lose the pair; an application token
/// is issued at most once per 5 minutes and revokes the one before it.
/// </summary>
public sealed class HhTokenClient(HttpClient http, IOptions<HhOptions> options, TimeProvider time)
{
    public Task<HhTokenResult> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        var o = options.Value;
        return PostAsync(
            new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["client_id"] = o.ClientId ?? string.Empty,
                ["client_secret"] = o.ClientSecret ?? string.Empty,
                ["code"] = code,
                ["redirect_uri"] = redirectUri.AbsoluteUri, // exactly as sent to /oauth/authorize (OAuthFlow), escapes kept
            },
            ct);
    }

    public Task<HhTokenResult> RefreshAsync(string refreshToken, CancellationToken ct) =>
        PostAsync(
            new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
            },
            ct);

    /// <summary>
    /// The application's own token (grant_type=client_credentials): no user, no expiry, no refresh token. hh.ru
    /// revokes the previous one when it issues a new one, and issues at most one per 5 minutes.
    /// </summary>
    public async Task<HhAppTokenResult> ClientCredentialsAsync(CancellationToken ct)
    {
        var o = options.Value;
        var (parsed, error) = await PostFormAsync(
            new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = o.ClientId ?? string.Empty,
                ["client_secret"] = o.ClientSecret ?? string.Empty,
            },
            ct);
        if (error is not null)
        {
            return HhAppTokenResult.Failure(error);
        }

        return parsed?.AccessToken is { Length: > 0 } access
            ? HhAppTokenResult.Success(access)
            : HhAppTokenResult.Failure(new HhTokenError(200, TokenErrorKind.Transient, null, null, "hh.ru answered the application-token request without a token."));
    }

    private async Task<HhTokenResult> PostAsync(Dictionary<string, string> form, CancellationToken ct)
    {
        var (parsed, error) = await PostFormAsync(form, ct);
        if (error is not null)
        {
            return HhTokenResult.Failure(error);
        }

        if (parsed?.AccessToken is not { Length: > 0 } access || parsed.RefreshToken is not { Length: > 0 } refresh)
        {
            return HhTokenResult.Failure(new HhTokenError(200, TokenErrorKind.Transient, null, null, "hh.ru answered the token request without a token pair."));
        }

        var now = time.GetUtcNow();
        var lifetime = TimeSpan.FromSeconds(parsed.ExpiresIn is > 0 ? parsed.ExpiresIn.Value : 1_209_600);
        return HhTokenResult.Success(new TokenSet(access, refresh, now + lifetime, now));
    }

    /// <summary>Posts the form; the parsed answer (null when it is not the expected JSON) or the error.</summary>
    private async Task<(HhTokenResponse? Parsed, HhTokenError? Error)> PostFormAsync(Dictionary<string, string> form, CancellationToken ct)
    {
        try
        {
            using var content = new FormUrlEncodedContent(form);
            using var response = await http.PostAsync(new Uri("token", UriKind.Relative), content, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!response.IsSuccessStatusCode)
            {
                return (null, HhTokenError.Parse(response.StatusCode, body, mediaType));
            }

            try
            {
                return (JsonSerializer.Deserialize<HhTokenResponse>(body, HhJson.Options), null);
            }
            catch (JsonException)
            {
                return (null, null);
            }
        }
        catch (HttpRequestException ex)
        {
            return (null, new HhTokenError(0, TokenErrorKind.Transient, null, null, $"hh.ru token endpoint unreachable ({ex.HttpRequestError})."));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, new HhTokenError(0, TokenErrorKind.Transient, null, null, "hh.ru token endpoint timed out."));
        }
    }

    internal static void ConfigureHttpClient(HttpClient client, HhOptions o)
    {
        client.BaseAddress = EnsureTrailingSlash(o.ApiBaseUrl);
        client.Timeout = o.AttemptTimeout * 2;
        ApplyUserAgent(client.DefaultRequestHeaders, o.UserAgent);
    }

    internal static Uri EnsureTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    internal static void ApplyUserAgent(HttpRequestHeaders headers, string userAgent)
    {
        headers.Remove("User-Agent");
        headers.Remove("HH-User-Agent");
        headers.TryAddWithoutValidation("User-Agent", userAgent);
        headers.TryAddWithoutValidation("HH-User-Agent", userAgent);
        headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }
}
