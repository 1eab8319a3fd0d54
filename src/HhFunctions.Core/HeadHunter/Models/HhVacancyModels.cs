using System.Text.Json.Serialization;

namespace HhFunctions.HeadHunter.Models;

/// <summary>salary / salary_range of a vacancy: every field may be null.</summary>
public sealed record HhSalary(decimal? From, decimal? To, string? Currency, bool? Gross);

public sealed record HhEmployerRef(string? Id, string? Name);

/// <summary>A /vacancies search item (the fields the watch keeps).</summary>
public sealed record HhVacancy(
    string Id,
    string? Name,
    HhEmployerRef? Employer,
    HhIdName? Area,
    HhSalary? Salary,
    HhSalary? SalaryRange,
    HhIdName? Experience,
    HhIdName? Schedule,
    HhIdName? Employment,
    [property: JsonConverter(typeof(HhDateTimeOffsetConverter))] DateTimeOffset? PublishedAt,
    string? AlternateUrl,
    bool? HasTest,
    bool? ResponseLetterRequired,
    bool? Archived)
{
    /// <summary>hh.ru's other fields, kept as they came, so the item can be written out whole (the own database's raw column).</summary>
    [JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Other { get; init; }
}

public sealed record HhVacancyPage(IReadOnlyList<HhVacancy>? Items, int Found, int Pages, int Page, int PerPage);

public sealed record HhSavedSearchItems(int? Count, string? Url);

/// <summary>A saved search (autosearch): run it through <see cref="Items"/>.Url, as hh.ru returns it.</summary>
public sealed record HhSavedSearch(string Id, string? Name, HhSavedSearchItems? Items, HhSavedSearchItems? NewItems);

public sealed record HhSavedSearchPage(IReadOnlyList<HhSavedSearch>? Items, int Found, int Pages, int Page, int PerPage);
