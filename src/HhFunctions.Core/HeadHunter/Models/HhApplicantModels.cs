using System.Text.Json.Serialization;

namespace HhFunctions.HeadHunter.Models;

public sealed record HhKeySkill(string? Name);

public sealed record HhVacancyTest(bool? Required);

/// <summary>GET /vacancies/{id} (contract §A.2): what applying needs. relations is filled only with an applicant token.</summary>
public sealed record HhVacancyDetail(
    string Id,
    string? Name,
    HhEmployerRef? Employer,
    bool? Archived,
    bool? HasTest,
    HhVacancyTest? Test,
    bool? ResponseLetterRequired,
    HhIdName? Type,
    string? ResponseUrl,
    IReadOnlyList<string>? Relations,
    IReadOnlyList<HhKeySkill>? KeySkills,
    string? AlternateUrl)
{
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? "vacancy " + Id : Name;

    /// <summary>A vacancy applied to on the employer's own site (type direct, or a response_url).</summary>
    public bool IsDirect => !string.IsNullOrWhiteSpace(ResponseUrl) || Type?.Id == "direct";

    /// <summary>
    /// A test that must be passed: has_test (search view) unless the detail view says test.required is false
    /// (UNCONFIRMED whether such a vacancy accepts an API response; a 403 test_required is mapped either way).
    /// </summary>
    public bool NeedsTest => Test?.Required ?? HasTest ?? false;

    public string PageUrl => AlternateUrl ?? "https://hh.ru/vacancy/" + Id;
}

/// <summary>GET /resumes/{id}: the resume's skills (skill_set, a list of strings; skills, free text).</summary>
public sealed record HhResumeSkills(string? Id, IReadOnlyList<string>? SkillSet, string? Skills);

public sealed record HhNegotiationVacancy(string? Id, string? Name, HhEmployerRef? Employer, string? AlternateUrl);

/// <summary>One item of GET /negotiations (contract §C.1).</summary>
public sealed record HhNegotiation(
    string Id,
    HhIdName? State,
    [property: JsonConverter(typeof(HhDateTimeOffsetConverter))] DateTimeOffset? CreatedAt,
    [property: JsonConverter(typeof(HhDateTimeOffsetConverter))] DateTimeOffset? UpdatedAt,
    bool? HasUpdates,
    bool? ViewedByOpponent,
    HhNegotiationVacancy? Vacancy);

public sealed record HhNegotiationPage(
    IReadOnlyList<HhNegotiation>? Items,
    int Found,
    int Pages,
    int Page,
    int PerPage);
