using System.Net;
using System.Net.Http.Headers;

namespace HhFunctions.HeadHunter;

/// <summary>What one POST /negotiations came to.</summary>
public enum ApplyPostKind
{
    /// <summary>201 Created: hh.ru has the application (Location: /negotiations/{nid}).</summary>
    Created,

    /// <summary>303 See Other: a direct vacancy; apply on the employer's site (Location).</summary>
    External,

    /// <summary>hh.ru answered with a refusal (4xx with an error body, or a bare 429): it did not record anything.</summary>
    Refused,

    /// <summary>No usable answer (timeout, connection lost, 5xx, 408): hh.ru may or may not have recorded it.</summary>
    Unknown,
}

public sealed record ApplyPostResult(ApplyPostKind Kind, string? NegotiationId, string? Location, HhError? Error, string Detail);

/// <summary>
/// POST /negotiations (contract §B.1). Registered WITHOUT the retry pipeline and without following redirects:
/// an application is not idempotent, so a lost answer is settled by a lookup (ApplyService), never by a resend
/// here. oauth errors are thrown as <see cref="HhApiException"/> (hh.ru recorded nothing) so the token manager
/// can refresh and call once more.
/// </summary>
public sealed class HhApplyClient(HttpClient http)
{
    public async Task<ApplyPostResult> PostAsync(string accessToken, string vacancyId, string resumeId, string? message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("negotiations", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        // SPEC: multipart/form-data with vacancy_id, resume_id and the optional message.
        var form = new MultipartFormDataContent
        {
            { new StringContent(vacancyId), "vacancy_id" },
            { new StringContent(resumeId), "resume_id" },
        };
        if (!string.IsNullOrEmpty(message))
        {
            form.Add(new StringContent(message), "message");
        }

        request.Content = form;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            return new ApplyPostResult(ApplyPostKind.Unknown, null, null, null, $"the connection to hh.ru failed ({ex.HttpRequestError}) before its answer arrived");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ApplyPostResult(ApplyPostKind.Unknown, null, null, null, "hh.ru did not answer in time");
        }

        using (response)
        {
            var code = (int)response.StatusCode;
            var location = response.Headers.Location?.OriginalString;
            if (response.StatusCode == HttpStatusCode.Created || (code is >= 200 and < 300))
            {
                return new ApplyPostResult(ApplyPostKind.Created, NegotiationIdFrom(location), location, null, "hh.ru accepted the application");
            }

            if (code is 301 or 302 or 303 or 307 or 308)
            {
                return new ApplyPostResult(ApplyPostKind.External, null, location, null, "this vacancy is applied to on the employer's own site");
            }

            if (code >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
            {
                return new ApplyPostResult(ApplyPostKind.Unknown, null, null, null, $"hh.ru answered HTTP {code}");
            }

            var body = await response.Content.ReadAsStringAsync(ct);
            var error = HhError.Parse(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
            if (error.Type == "oauth")
            {
                throw new HhApiException(error);
            }

            return new ApplyPostResult(ApplyPostKind.Refused, null, null, error, DescribeRefusal(error, body));
        }
    }

    /// <summary>"/negotiations/123" or "https://api.hh.ru/negotiations/123" → "123".</summary>
    internal static string? NegotiationIdFrom(string? location)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            return null;
        }

        var path = location.Split('?', '#')[0].TrimEnd('/');
        var last = path[(path.LastIndexOf('/') + 1)..];
        return last.Length > 0 && path.Contains("negotiations", StringComparison.Ordinal) ? last : null;
    }

    /// <summary>hh.ru's own words for a refusal: the error's type/value, and its description when it sent one.</summary>
    private static string DescribeRefusal(HhError error, string? body)
    {
        var label = error.Value is null ? error.Type : $"{error.Type}/{error.Value}";
        var description = HhError.TryParseJson(body, "application/json")?.Description;
        return (label, description) switch
        {
            (null, null) => $"hh.ru refused with HTTP {error.StatusCode}",
            (null, { } d) => $"hh.ru refused with HTTP {error.StatusCode}: \"{d}\"",
            ({ } l, null) => $"hh.ru refused with HTTP {error.StatusCode} ({l})",
            ({ } l, { } d) => $"hh.ru refused with HTTP {error.StatusCode} ({l}): \"{d}\"",
        };
    }
}
