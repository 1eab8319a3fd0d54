using System.Net;
using System.Net.Http.Headers;

namespace HhFunctions.HeadHunter;

/// <summary>What one negotiation action sent to hh.ru came to.</summary>
public enum HhActionOutcome
{
    /// <summary>2xx: hh.ru did it.</summary>
    Done,

    /// <summary>A 4xx with hh.ru's reason (wrong_state, chat_archived, a bad argument): nothing happened.</summary>
    Refused,

    /// <summary>429, a captcha or an HTML error page in front of the API: nothing happened; slow down and try later.</summary>
    Throttled,

    /// <summary>No usable answer (timeout, a broken connection, 5xx, 408): hh.ru may or may not have done it.</summary>
    Unknown,
}

public sealed record HhActionResult(HhActionOutcome Outcome, HhError? Error, string Detail);

/// <summary>
/// Performs one negotiation action (PUT or POST to the action's own url, arguments as
/// application/x-www-form-urlencoded; ../shared/hh-employer-api.md §4.2). Registered WITHOUT the retry pipeline
/// and without following redirects: an invitation or a rejection is not idempotent, so a lost answer is settled by
/// re-reading the negotiation, never by a re-send here. The token goes only to the configured API host. oauth
/// errors are thrown as <see cref="HhApiException"/> (nothing was done) so the token manager can refresh.
/// </summary>
public sealed class HhActionClient(HttpClient http)
{
    public async Task<HhActionResult> SendAsync(string accessToken, Uri url, string method, IReadOnlyList<KeyValuePair<string, string>> form, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        var api = http.BaseAddress!;
        if (!url.IsAbsoluteUri || !string.IsNullOrEmpty(url.UserInfo) || url.Scheme != api.Scheme || url.Port != api.Port
            || !string.Equals(url.Host, api.Host, StringComparison.OrdinalIgnoreCase))
        {
            return new HhActionResult(HhActionOutcome.Refused, null, $"hh.ru gave the action an address on another host ({(url.IsAbsoluteUri ? url.Host : "a relative address")}); it is not called and the token is not sent");
        }

        var verb = method?.ToUpperInvariant() switch
        {
            "PUT" => HttpMethod.Put,
            "POST" => HttpMethod.Post,
            _ => null,
        };
        if (verb is null)
        {
            return new HhActionResult(HhActionOutcome.Refused, null, "hh.ru gave the action a method other than PUT or POST; it is not called");
        }

        using var request = new HttpRequestMessage(verb, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Content = new FormUrlEncodedContent(form);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            return new HhActionResult(HhActionOutcome.Unknown, null, $"the connection to hh.ru failed ({ex.HttpRequestError}) before its answer arrived");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HhActionResult(HhActionOutcome.Unknown, null, "hh.ru did not answer in time");
        }

        using (response)
        {
            var code = (int)response.StatusCode;
            if (code is >= 200 and < 300)
            {
                return new HhActionResult(HhActionOutcome.Done, null, "hh.ru did it");
            }

            if (code >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
            {
                return new HhActionResult(HhActionOutcome.Unknown, null, $"hh.ru answered HTTP {code}");
            }

            var body = await response.Content.ReadAsStringAsync(ct);
            var error = HhError.Parse(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
            if (error.Type == "oauth")
            {
                throw new HhApiException(error);
            }

            if (error.Kind is HhErrorKind.CaptchaRequired or HhErrorKind.NonJsonResponse || code == 429)
            {
                // A captcha, a 429 or an HTML page from hh.ru's protection: the request was stopped before the action.
                return new HhActionResult(HhActionOutcome.Throttled, error, error.Message);
            }

            var label = error.Value is null ? error.Type : $"{error.Type}/{error.Value}";
            var description = HhError.TryParseJson(body, "application/json")?.Description;
            var detail = (label, description) switch
            {
                (null, null) => $"hh.ru refused with HTTP {code}",
                (null, { } d) => $"hh.ru refused with HTTP {code}: \"{d}\"",
                ({ } l, null) => $"hh.ru refused with HTTP {code} ({l})",
                ({ } l, { } d) => $"hh.ru refused with HTTP {code} ({l}): \"{d}\"",
            };
            return new HhActionResult(HhActionOutcome.Refused, error, detail);
        }
    }
}
