using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using HhFunctions.HeadHunter.Models;

namespace HhFunctions.HeadHunter;

/// <summary>
/// The employer side (../shared/hh-employer-api.md): webhook subscriptions, negotiations, resumes, files, active
/// vacancies and their collections. The access token is sent only to hh.ru's own hosts: the configured API base and
/// hh.ru's download host; a URL in an answer that names any other host is refused, not followed.
/// A 429 on these calls is never retried by the resilience pipeline: the recruiting feature paces itself and halves
/// its rate on a 429, and a view_limit_exceeded must reach it at once.
/// </summary>
public sealed partial class HhClient
{
    /// <summary>hh.ru's page size limit for active vacancies and collections.</summary>
    public const int EmployerPageSize = 50;

    /// <summary>A resume file larger than this is refused (a PDF resume is well under 1 MB).</summary>
    public const int MaxResumeFileBytes = 20 * 1024 * 1024;

    private static readonly JsonSerializerOptions BodyOptions = new(HhJson.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>GET /webhook/subscriptions.</summary>
    public async Task<IReadOnlyList<HhWebhookSubscription>> GetWebhookSubscriptionsAsync(string accessToken, CancellationToken ct)
    {
        using var request = CreateEmployer(HttpMethod.Get, "webhook/subscriptions", accessToken);
        var list = await SendForJsonAsync<HhWebhookSubscriptionList>(request, ct);
        return list.Items ?? [];
    }

    /// <summary>POST /webhook/subscriptions; returns the new id. 400 already_exist comes back as an HhApiException (Value "already_exist").</summary>
    public async Task<string> CreateWebhookSubscriptionAsync(string accessToken, Uri url, IReadOnlyList<HhWebhookAction> actions, CancellationToken ct)
    {
        using var request = CreateEmployer(HttpMethod.Post, "webhook/subscriptions", accessToken);
        request.Content = JsonBody(url, actions);
        var created = await SendForJsonAsync<HhCreatedId>(request, ct);
        return string.IsNullOrEmpty(created.Id)
            ? throw new HhApiException(new HhError(201, HhErrorKind.NonJsonResponse, null, null, null, "hh.ru created the webhook subscription but gave no id."))
            : created.Id;
    }

    /// <summary>PUT /webhook/subscriptions/{id} with the URL and the whole list of actions (204).</summary>
    public async Task UpdateWebhookSubscriptionAsync(string accessToken, string subscriptionId, Uri url, IReadOnlyList<HhWebhookAction> actions, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriptionId);
        using var request = CreateEmployer(HttpMethod.Put, $"webhook/subscriptions/{Uri.EscapeDataString(subscriptionId)}", accessToken);
        request.Content = JsonBody(url, actions);
        using var response = await SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, ct);
        }
    }

    /// <summary>GET /negotiations/{topicId} as an employer. 404 (not_found, negotiations/topic_not_found) is HhErrorKind.NotFound.</summary>
    public async Task<HhEmployerNegotiation> GetEmployerNegotiationAsync(string accessToken, string topicId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicId);
        using var request = CreateEmployer(HttpMethod.Get, $"negotiations/{Uri.EscapeDataString(topicId)}", accessToken);
        return await SendForJsonAsync<HhEmployerNegotiation>(request, ct);
    }

    /// <summary>
    /// GET /resumes/{resumeId}, with <c>topic_id</c> only when <paramref name="markViewedTopicId"/> is given (reading a
    /// resume with it marks the response viewed; without it hh.ru keeps the response unread). Failures:
    /// <see cref="HhErrorKind.ViewLimitExceeded"/>, <see cref="HhErrorKind.PaymentRequired"/>,
    /// <see cref="HhErrorKind.ContactsUnavailable"/>, <see cref="HhErrorKind.NotFound"/>.
    /// </summary>
    public async Task<HhEmployerResume> GetEmployerResumeAsync(string accessToken, string resumeId, string? markViewedTopicId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(resumeId);
        var relative = $"resumes/{Uri.EscapeDataString(resumeId)}"
            + (string.IsNullOrEmpty(markViewedTopicId) ? string.Empty : "?topic_id=" + Uri.EscapeDataString(markViewedTopicId));
        using var request = CreateEmployer(HttpMethod.Get, relative, accessToken);
        return await SendForJsonAsync<HhEmployerResume>(request, ct);
    }

    /// <summary>
    /// Downloads a resume file from a URL hh.ru gave (download.pdf.url), exactly as given; only on hh.ru's own hosts:
    /// the configured API host, or hh.ru / *.hh.ru over https. Any other host gets nothing (HhErrorKind.ForeignHost).
    /// At most <see cref="MaxResumeFileBytes"/>.
    /// </summary>
    public async Task<byte[]> DownloadResumeFileAsync(string accessToken, Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!IsApiHost(url) && !IsHhHttpsHost(url))
        {
            throw ForeignHost("resume file", url);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
        request.Options.Set(NoRetryOnTooManyRequests, true);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, ct);
        }

        if (response.Content.Headers.ContentLength > MaxResumeFileBytes)
        {
            throw TooLarge();
        }

        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxResumeFileBytes)
                {
                    throw TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (IOException)
        {
            throw new HhApiException(new HhError(0, HhErrorKind.Network, null, null, null, "hh.ru broke off while sending a resume file."));
        }
        catch (HttpRequestException)
        {
            throw new HhApiException(new HhError(0, HhErrorKind.Network, null, null, null, "hh.ru broke off while sending a resume file."));
        }

        static HhApiException TooLarge() => new(new HhError(200, HhErrorKind.Unknown, null, null, null,
            string.Create(CultureInfo.InvariantCulture, $"The resume file is larger than {MaxResumeFileBytes / (1024 * 1024)} MB; it is not downloaded.")));
    }

    /// <summary>GET /employers/{employerId}/vacancies/active?all_accessible=true&amp;per_page=50&amp;page=N.</summary>
    public async Task<HhActiveVacancyPage> GetActiveVacanciesAsync(string accessToken, string employerId, int page, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(employerId);
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        using var request = CreateEmployer(HttpMethod.Get,
            string.Create(CultureInfo.InvariantCulture, $"employers/{Uri.EscapeDataString(employerId)}/vacancies/active?all_accessible=true&per_page={EmployerPageSize}&page={page}"), accessToken);
        return await SendForJsonAsync<HhActiveVacancyPage>(request, ct);
    }

    /// <summary>GET /negotiations?vacancy_id={vacancyId}: the vacancy's collections.</summary>
    public async Task<HhNegotiationCollectionList> GetNegotiationCollectionsAsync(string accessToken, string vacancyId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(vacancyId);
        using var request = CreateEmployer(HttpMethod.Get, $"negotiations?vacancy_id={Uri.EscapeDataString(vacancyId)}", accessToken);
        return await SendForJsonAsync<HhNegotiationCollectionList>(request, ct);
    }

    /// <summary>
    /// One page (50 a page) of a collection, from a URL hh.ru gave (collections[].url or order_types[].url), as given
    /// apart from page and per_page; only on the configured API host (HhErrorKind.ForeignHost otherwise, nothing sent).
    /// </summary>
    public async Task<HhCollectionPage> GetCollectionPageAsync(string accessToken, Uri collectionUrl, int page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(collectionUrl);
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        if (!IsApiHost(collectionUrl))
        {
            throw ForeignHost("collection", collectionUrl);
        }

        var kept = collectionUrl.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !(p.StartsWith("page=", StringComparison.Ordinal) || p.StartsWith("per_page=", StringComparison.Ordinal)));
        var paging = string.Create(CultureInfo.InvariantCulture, $"per_page={EmployerPageSize}&page={page}");
        var relative = collectionUrl.AbsolutePath.TrimStart('/') + "?" + string.Join('&', kept.Append(paging));
        using var request = CreateEmployer(HttpMethod.Get, relative, accessToken);
        return await SendForJsonAsync<HhCollectionPage>(request, ct);
    }

    /// <summary>A relative API request with the token and no blind retry on 429.</summary>
    private static HttpRequestMessage CreateEmployer(HttpMethod method, string relative, string accessToken)
    {
        var request = Create(method, relative, accessToken);
        request.Options.Set(NoRetryOnTooManyRequests, true);
        return request;
    }

    private static StringContent JsonBody(Uri url, IReadOnlyList<HhWebhookAction> actions)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(actions);
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException("The webhook URL must be absolute.", nameof(url));
        }

        if (actions.Count == 0)
        {
            throw new ArgumentException("hh.ru needs at least one action.", nameof(actions));
        }

        var json = JsonSerializer.Serialize(new SubscriptionBody(url.AbsoluteUri, actions), BodyOptions);
        return new StringContent(json, Encoding.UTF8, "application/json");
    }

    /// <summary>Scheme, host and port of the configured API base (what GetVacanciesAtAsync also checks).</summary>
    private bool IsApiHost(Uri url)
    {
        var api = http.BaseAddress!;
        return url.IsAbsoluteUri && string.IsNullOrEmpty(url.UserInfo)
            && string.Equals(url.Host, api.Host, StringComparison.OrdinalIgnoreCase) && url.Scheme == api.Scheme && url.Port == api.Port;
    }

    /// <summary>hh.ru or a subdomain of it, over https on the default port (the older download host hh.ru/api_resume_converter).</summary>
    private static bool IsHhHttpsHost(Uri url) =>
        url.IsAbsoluteUri && url.Scheme == Uri.UriSchemeHttps && url.IsDefaultPort && string.IsNullOrEmpty(url.UserInfo)
        && (string.Equals(url.Host, "hh.ru", StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith(".hh.ru", StringComparison.OrdinalIgnoreCase));

    private static HhApiException ForeignHost(string what, Uri url) =>
        new(new HhError(0, HhErrorKind.ForeignHost, null, null, null,
            $"hh.ru gave a {what} address on another host ({(url.IsAbsoluteUri ? url.Host : "a relative address")}); it is not followed and the token is not sent."));

    private sealed record SubscriptionBody(string Url, IReadOnlyList<HhWebhookAction> Actions);
}
