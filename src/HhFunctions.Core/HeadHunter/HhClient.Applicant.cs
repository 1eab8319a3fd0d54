using System.Globalization;
using HhFunctions.HeadHunter.Models;

namespace HhFunctions.HeadHunter;

/// <summary>The applicant calls applying and tracking read (GETs only: safe to retry, so they use the resilient client).</summary>
public sealed partial class HhClient
{
    /// <summary>hh.ru's answer per page of GET /negotiations (TOOL uses 100; the applicant maximum is not documented).</summary>
    public const int NegotiationsPageSize = 100;

    public async Task<HhVacancyDetail> GetVacancyAsync(string accessToken, string vacancyId, CancellationToken ct)
    {
        using var request = Create(HttpMethod.Get, $"vacancies/{Uri.EscapeDataString(vacancyId)}", accessToken);
        return await SendForJsonAsync<HhVacancyDetail>(request, ct);
    }

    public async Task<HhResumeSkills> GetResumeSkillsAsync(string accessToken, string resumeId, CancellationToken ct)
    {
        using var request = Create(HttpMethod.Get, $"resumes/{Uri.EscapeDataString(resumeId)}", accessToken);
        return await SendForJsonAsync<HhResumeSkills>(request, ct);
    }

    /// <summary>One page of GET /negotiations, newest update first; <paramref name="vacancyId"/> filters to one vacancy.</summary>
    public async Task<HhNegotiationPage> GetNegotiationsPageAsync(string accessToken, int page, string? vacancyId, CancellationToken ct)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"negotiations?page={page}&per_page={NegotiationsPageSize}&order_by=updated_at&order=desc");
        if (vacancyId is not null)
        {
            query += "&vacancy_id=" + Uri.EscapeDataString(vacancyId);
        }

        using var request = Create(HttpMethod.Get, query, accessToken);
        return await SendForJsonAsync<HhNegotiationPage>(request, ct);
    }
}
