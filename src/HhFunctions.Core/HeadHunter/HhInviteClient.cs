using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using HhFunctions.HeadHunter.Models;

namespace HhFunctions.HeadHunter;

/// <summary>What one invitation POST came to.</summary>
public enum InvitePostKind
{
    /// <summary>201 Created (or another 2xx): hh.ru made the topic (Location: /negotiations/{id}, when it says).</summary>
    Created,

    /// <summary>hh.ru answered with a refusal (4xx): it made nothing.</summary>
    Refused,

    /// <summary>No usable answer (timeout, connection lost, 5xx, 408): hh.ru may or may not have made the invitation.</summary>
    Unknown,
}

/// <summary>The answer to an invitation POST; <see cref="Description"/> is hh.ru's own text of a refusal, when it sent one.</summary>
public sealed record InvitePostResult(InvitePostKind Kind, string? TopicId, HhError? Error, string? Description, string Detail);

/// <summary>One vacancy of <c>GET /employers/{id}/vacancies/active?resume_id=</c>: may this resume be invited to it, and how.</summary>
public sealed record HhInviteVacancy(
    string Id,
    string? Name,
    bool? Archived,
    [property: JsonPropertyName("negotiations_state")] HhIdName? NegotiationsState,
    [property: JsonPropertyName("can_invite")] bool? CanInvite,
    [property: JsonPropertyName("negotiations_actions")] IReadOnlyList<HhNegotiationAction>? NegotiationsActions);

/// <summary>An action hh.ru offers (id, method, url, enabled, arguments); the invitation is taken from here, not hard-coded.</summary>
public sealed record HhNegotiationAction(string? Id, string? Name, string? Method, string? Url, bool? Enabled, IReadOnlyList<HhActionArgument>? Arguments);

public sealed record HhActionArgument(string? Id, bool? Required);

public sealed record HhInviteVacancyPage(IReadOnlyList<HhInviteVacancy>? Items, int Found, int Pages, int Page, int PerPage);

/// <summary>
/// The employer's invitation of a resume to a vacancy (../shared/hh-employer-api.md §6.5, hhru/api
/// employer_negotiations.md "add-invite"): the vacancies suitable for a resume, and the invitation POST itself.
/// Registered WITHOUT the retry pipeline and without following redirects: an invitation is not idempotent and costs
/// the employer money, so a lost answer is settled by a look-up (InvitationService), never by a resend here. The
/// POST goes only to the configured API host; oauth errors are thrown (hh.ru made nothing) so the token manager can
/// refresh and call once more.
/// </summary>
public sealed class HhInviteClient(HttpClient http)
{
    /// <summary>The documented default action when hh.ru lists none: POST /negotiations/phone_interview.</summary>
    public const string DefaultInvitePath = "negotiations/phone_interview";

    /// <summary>GET /employers/{employerId}/vacancies/active?resume_id=…: the active vacancies with can_invite, negotiations_state and negotiations_actions.</summary>
    public async Task<HhInviteVacancyPage> GetVacanciesForResumeAsync(string accessToken, string employerId, string resumeId, int page, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(employerId);
        ArgumentException.ThrowIfNullOrEmpty(resumeId);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(string.Create(CultureInfo.InvariantCulture,
            $"employers/{Uri.EscapeDataString(employerId)}/vacancies/active?resume_id={Uri.EscapeDataString(resumeId)}&all_accessible=true&per_page={HhClient.EmployerPageSize}&page={page}"), UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new HhApiException(new HhError(0, HhErrorKind.Network, null, null, null, $"hh.ru unreachable ({ex.HttpRequestError})."));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new HhApiException(new HhError(0, HhErrorKind.Network, null, null, null, "hh.ru did not answer in time."));
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new HhApiException(HhError.Parse(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType));
            }

            try
            {
                return System.Text.Json.JsonSerializer.Deserialize<HhInviteVacancyPage>(body, HhJson.Options)
                    ?? throw new System.Text.Json.JsonException("empty document");
            }
            catch (System.Text.Json.JsonException)
            {
                throw new HhApiException(new HhError((int)response.StatusCode, HhErrorKind.NonJsonResponse, null, null, null,
                    $"hh.ru answered the vacancies for a resume with HTTP {(int)response.StatusCode} but a body that is not the expected JSON."));
            }
        }
    }

    /// <summary>
    /// POSTs the invitation, form-encoded (resume_id, vacancy_id, message), to <paramref name="actionUrl"/> (the
    /// invitation action hh.ru listed; only on the API host) or to <see cref="DefaultInvitePath"/>.
    /// </summary>
    public async Task<InvitePostResult> InviteAsync(string accessToken, Uri? actionUrl, string resumeId, string vacancyId, string? message, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(resumeId);
        ArgumentException.ThrowIfNullOrEmpty(vacancyId);
        var target = actionUrl ?? new Uri(DefaultInvitePath, UriKind.Relative);
        if (actionUrl is not null && !IsApiHost(actionUrl))
        {
            return new InvitePostResult(InvitePostKind.Refused, null, new HhError(0, HhErrorKind.ForeignHost, null, null, null, "foreign host"), null,
                $"hh.ru listed an invitation address on another host ({actionUrl.Host}); it is not called and the token is not sent");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, target);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var fields = new List<KeyValuePair<string, string>> { new("resume_id", resumeId), new("vacancy_id", vacancyId) };
        if (!string.IsNullOrWhiteSpace(message))
        {
            fields.Add(new("message", message));
        }

        request.Content = new FormUrlEncodedContent(fields);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            return new InvitePostResult(InvitePostKind.Unknown, null, null, null, $"the connection to hh.ru failed ({ex.HttpRequestError}) before its answer arrived");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new InvitePostResult(InvitePostKind.Unknown, null, null, null, "hh.ru did not answer in time");
        }

        using (response)
        {
            var code = (int)response.StatusCode;
            if (code is >= 200 and < 300)
            {
                return new InvitePostResult(InvitePostKind.Created, HhApplyClient.NegotiationIdFrom(response.Headers.Location?.OriginalString), null, null, "hh.ru made the invitation");
            }

            if (code >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
            {
                return new InvitePostResult(InvitePostKind.Unknown, null, null, null, $"hh.ru answered HTTP {code}");
            }

            var body = await response.Content.ReadAsStringAsync(ct);
            var error = HhError.Parse(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
            if (error.Type == "oauth")
            {
                throw new HhApiException(error);
            }

            var description = HhError.TryParseJson(body, response.Content.Headers.ContentType?.MediaType)?.Description;
            return new InvitePostResult(InvitePostKind.Refused, null, error, description, error.Message);
        }
    }

    private bool IsApiHost(Uri url)
    {
        var api = http.BaseAddress!;
        return url.IsAbsoluteUri && string.IsNullOrEmpty(url.UserInfo)
            && string.Equals(url.Host, api.Host, StringComparison.OrdinalIgnoreCase) && url.Scheme == api.Scheme && url.Port == api.Port;
    }
}
