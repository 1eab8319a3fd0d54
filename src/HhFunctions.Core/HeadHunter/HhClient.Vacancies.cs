using System.Globalization;
using HhFunctions.HeadHunter.Models;

namespace HhFunctions.HeadHunter;

/// <summary>
/// Vacancy search calls for the watch: newest first (order_by=publication_time), 100 a page, never past hh.ru's
/// 2,000-result depth. A 429 on these calls is not retried: the watch stops its run instead of pressing on.
/// </summary>
public sealed partial class HhClient
{
    /// <summary>hh.ru's search depth: page × per_page never reaches past result 2000.</summary>
    public const int SearchDepth = 2000;

    public const int VacancyPageSize = 100;

    /// <summary>The last page index the depth allows at <see cref="VacancyPageSize"/> a page.</summary>
    public const int LastVacancyPage = (SearchDepth / VacancyPageSize) - 1;

    /// <summary>hh.ru allows at most 10 saved searches a page.</summary>
    public const int SavedSearchPageSize = 10;

    internal static readonly HttpRequestOptionsKey<bool> NoRetryOnTooManyRequests = new("hh.no-retry-429");

    /// <summary>GET /vacancies with the query's parameters, newest first.</summary>
    public Task<HhVacancyPage> SearchVacanciesAsync(string accessToken, string queryString, int page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queryString);
        return GetVacancyPageAsync(accessToken, "vacancies?" + (queryString.Length == 0 ? string.Empty : queryString + "&") + Paging(page), ct);
    }

    /// <summary>
    /// A /vacancies URL hh.ru handed out (a saved search's items.url), called as given apart from the paging
    /// parameters. Only URLs on the configured API host are followed: the access token goes nowhere else.
    /// </summary>
    public Task<HhVacancyPage> GetVacanciesAtAsync(string accessToken, Uri url, int page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        var api = http.BaseAddress!;
        if (!url.IsAbsoluteUri || !string.Equals(url.Host, api.Host, StringComparison.OrdinalIgnoreCase) || url.Scheme != api.Scheme || url.Port != api.Port)
        {
            throw new HhApiException(new HhError(0, HhErrorKind.Unknown, null, null, null, $"hh.ru gave a search address on another host ({url.Host}); it is not followed."));
        }

        var kept = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !(p.StartsWith("page=", StringComparison.Ordinal) || p.StartsWith("per_page=", StringComparison.Ordinal) || p.StartsWith("order_by=", StringComparison.Ordinal)));
        var relative = url.AbsolutePath.TrimStart('/') + "?" + string.Join('&', kept.Append(Paging(page)));
        return GetVacancyPageAsync(accessToken, relative, ct);
    }

    /// <summary>GET /resumes/{id}/similar_vacancies, newest first.</summary>
    public Task<HhVacancyPage> GetSimilarVacanciesAsync(string accessToken, string resumeId, int page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resumeId);
        return GetVacancyPageAsync(accessToken, $"resumes/{Uri.EscapeDataString(resumeId)}/similar_vacancies?{Paging(page)}", ct);
    }

    /// <summary>One page (10 at most) of the user's saved vacancy searches.</summary>
    public async Task<HhSavedSearchPage> GetSavedSearchesAsync(string accessToken, int page, CancellationToken ct)
    {
        using var request = Create(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"saved_searches/vacancies?page={page}&per_page={SavedSearchPageSize}"), accessToken);
        request.Options.Set(NoRetryOnTooManyRequests, true);
        return await SendForJsonAsync<HhSavedSearchPage>(request, ct);
    }

    private async Task<HhVacancyPage> GetVacancyPageAsync(string accessToken, string relative, CancellationToken ct)
    {
        using var request = Create(HttpMethod.Get, relative, accessToken);
        request.Options.Set(NoRetryOnTooManyRequests, true);
        return await SendForJsonAsync<HhVacancyPage>(request, ct);
    }

    private static string Paging(int page)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(page, LastVacancyPage);
        return string.Create(CultureInfo.InvariantCulture, $"order_by=publication_time&per_page={VacancyPageSize}&page={page}");
    }
}
