using HhFunctions.HeadHunter.Models;

namespace HhFunctions.HeadHunter;

/// <summary>
/// The employer side (../shared/hh-employer-api.md): webhook subscriptions, negotiations, resumes, files, active
/// vacancies and their collections. The access token is sent only to hh.ru's own hosts: the configured API base and
/// hh.ru's download host; a URL in an answer that names any other host is refused, not followed.
/// </summary>
public sealed partial class HhClient
{
    /// <summary>GET /webhook/subscriptions.</summary>
    public Task<IReadOnlyList<HhWebhookSubscription>> GetWebhookSubscriptionsAsync(string accessToken, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>POST /webhook/subscriptions; returns the new id. 400 already_exist comes back as an HhApiException (Value "already_exist").</summary>
    public Task<string> CreateWebhookSubscriptionAsync(string accessToken, Uri url, IReadOnlyList<HhWebhookAction> actions, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>PUT /webhook/subscriptions/{id} with the URL and the whole list of actions (204).</summary>
    public Task UpdateWebhookSubscriptionAsync(string accessToken, string subscriptionId, Uri url, IReadOnlyList<HhWebhookAction> actions, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>GET /negotiations/{topicId} as an employer.</summary>
    public Task<HhEmployerNegotiation> GetEmployerNegotiationAsync(string accessToken, string topicId, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>
    /// GET /resumes/{resumeId}, with <c>topic_id</c> only when <paramref name="markViewedTopicId"/> is given (reading a
    /// resume with it marks the response viewed; without it hh.ru keeps the response unread).
    /// </summary>
    public Task<HhEmployerResume> GetEmployerResumeAsync(string accessToken, string resumeId, string? markViewedTopicId, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>Downloads a resume file from a URL hh.ru gave (download.pdf.url), exactly as given; only on hh.ru's own hosts.</summary>
    public Task<byte[]> DownloadResumeFileAsync(string accessToken, Uri url, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>GET /employers/{employerId}/vacancies/active?all_accessible=true&amp;per_page=50&amp;page=N.</summary>
    public Task<HhActiveVacancyPage> GetActiveVacanciesAsync(string accessToken, string employerId, int page, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>GET /negotiations?vacancy_id={vacancyId}: the vacancy's collections.</summary>
    public Task<HhNegotiationCollectionList> GetNegotiationCollectionsAsync(string accessToken, string vacancyId, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>One page (50 a page) of a collection, from a URL hh.ru gave (collections[].url or order_types[].url); only on the API host.</summary>
    public Task<HhCollectionPage> GetCollectionPageAsync(string accessToken, Uri collectionUrl, int page, CancellationToken ct) =>
        throw new NotImplementedException();
}
