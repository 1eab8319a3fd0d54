using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Web;

namespace HhFunctions.Testing;

/// <summary>A vacancy the fake hh.ru knows; published_at may move (an employer refreshing it).</summary>
public sealed class FakeVacancy(string id, string name, DateTimeOffset publishedAt)
{
    public string Id { get; } = id;

    public string Name { get; set; } = name;

    public DateTimeOffset PublishedAt { get; set; } = publishedAt;

    public string Employer { get; set; } = "Acme";

    public string AreaId { get; set; } = "1";

    public string AreaName { get; set; } = "Москва";

    public decimal? SalaryFrom { get; set; }

    public decimal? SalaryTo { get; set; }

    public string? Currency { get; set; } = "RUR";

    public bool? Gross { get; set; } = false;

    public string Experience { get; set; } = "between3And6";

    public string Schedule { get; set; } = "remote";

    public string Employment { get; set; } = "full";

    public bool Archived { get; set; }

    public bool HasTest { get; set; }

    public bool ResponseLetterRequired { get; set; }
}

/// <summary>A saved search: its filters as a /vacancies query string.</summary>
public sealed record FakeSavedSearch(string Id, string Name, string Query);

/// <summary>
/// The vacancy side of the fake hh.ru: GET /vacancies (text, area, experience, salary, only_with_salary,
/// employer filters; order_by=publication_time; per_page ≤ 100; the 2,000-result depth), the saved searches
/// (per_page ≤ 10) whose items.url runs their filters, and /resumes/{id}/similar_vacancies.
/// </summary>
public sealed class FakeHhVacancies
{
    public const int Depth = 2000;

    public List<FakeVacancy> Vacancies { get; } = [];

    public List<FakeSavedSearch> SavedSearches { get; } = [];

    /// <summary>Resume id → the ids of the vacancies hh.ru recommends for it.</summary>
    public Dictionary<string, List<string>> Similar { get; } = [];

    /// <summary>When set, every vacancy call is answered 403 captcha_required (anonymous-style gating).</summary>
    public bool RequireCaptcha { get; set; }

    public FakeVacancy Add(string id, string name, DateTimeOffset publishedAt, decimal? salaryFrom = null, decimal? salaryTo = null, string employer = "Acme")
    {
        var v = new FakeVacancy(id, name, publishedAt) { SalaryFrom = salaryFrom, SalaryTo = salaryTo, Employer = employer };
        Vacancies.Add(v);
        return v;
    }

    public static bool Serves(string path) =>
        path == "vacancies" || path == "saved_searches/vacancies" || (path.StartsWith("resumes/", StringComparison.Ordinal) && path.EndsWith("/similar_vacancies", StringComparison.Ordinal));

    internal HttpResponseMessage? Handle(string path, Uri uri, Uri apiBase)
    {
        if (Serves(path))
        {
            if (RequireCaptcha)
            {
                return FakeHhApi.Json(HttpStatusCode.Forbidden, """{"errors":[{"type":"captcha_required","value":"captcha_required","captcha_url":"https://hh.ru/account/captcha?state=x","fallback_url":"https://hh.ru/account/connect/register"}],"request_id":"req-captcha"}""");
            }
        }
        else
        {
            return null;
        }

        var query = HttpUtility.ParseQueryString(uri.Query);
        if (path == "saved_searches/vacancies")
        {
            return SavedSearchPage(query, apiBase);
        }

        IEnumerable<FakeVacancy> set = Vacancies;
        if (path.StartsWith("resumes/", StringComparison.Ordinal))
        {
            var resumeId = Uri.UnescapeDataString(path["resumes/".Length..^"/similar_vacancies".Length]);
            if (!Similar.TryGetValue(resumeId, out var ids))
            {
                return FakeHhApi.Errors(HttpStatusCode.NotFound, "not_found");
            }

            set = Vacancies.Where(v => ids.Contains(v.Id));
        }

        return Search(set, query);
    }

    private static HttpResponseMessage Search(IEnumerable<FakeVacancy> set, System.Collections.Specialized.NameValueCollection query)
    {
        var page = Int(query["page"]) ?? 0;
        var perPage = Int(query["per_page"]) ?? 10;
        if (perPage is < 1 or > 100)
        {
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_argument", "per_page");
        }

        if ((page + 1) * perPage > Depth)
        {
            return FakeHhApi.Json(HttpStatusCode.BadRequest, """{"errors":[{"type":"bad_argument","value":"page"},{"type":"bad_argument","value":"per_page"}],"description":"you can't look up more than 2000 items in the list","request_id":"req-depth"}""");
        }

        var text = query["text"];
        var areas = query.GetValues("area");
        var experience = query.GetValues("experience");
        var employers = query.GetValues("employer_id");
        var salary = Int(query["salary"]);
        var onlyWithSalary = query["only_with_salary"] == "true";
        var matches = set.Where(v =>
                (string.IsNullOrEmpty(text) || v.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || v.Employer.Contains(text, StringComparison.OrdinalIgnoreCase)) &&
                (areas is null || areas.Contains(v.AreaId)) &&
                (experience is null || experience.Contains(v.Experience)) &&
                (employers is null || employers.Contains(v.Employer)) &&
                (!onlyWithSalary || v.SalaryFrom is not null || v.SalaryTo is not null) &&
                (salary is null || (v.SalaryFrom is null && v.SalaryTo is null) || ((v.SalaryFrom ?? 0) <= salary && (v.SalaryTo ?? decimal.MaxValue) >= salary)));
        var ordered = query["order_by"] == "publication_time"
            ? matches.OrderByDescending(v => v.PublishedAt).ThenByDescending(v => v.Id, StringComparer.Ordinal)
            : matches.OrderBy(v => v.Id, StringComparer.Ordinal);
        var all = ordered.ToList();
        var items = all.Skip(page * perPage).Take(perPage).Select(Item).ToList();
        var pages = Math.Min((int)Math.Ceiling(all.Count / (double)perPage), Depth / perPage);
        return FakeHhApi.Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { items, found = all.Count, pages, page, per_page = perPage, clusters = (object?)null, arguments = (object?)null }));
    }

    private HttpResponseMessage SavedSearchPage(System.Collections.Specialized.NameValueCollection query, Uri apiBase)
    {
        var page = Int(query["page"]) ?? 0;
        var perPage = Int(query["per_page"]) ?? 10;
        if (perPage is < 1 or > 10)
        {
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_argument", "per_page");
        }

        var items = SavedSearches.Skip(page * perPage).Take(perPage).Select(s => new
        {
            id = s.Id,
            name = s.Name,
            created_at = "2026-01-11T13:12:17+0300",
            subscription = true,
            items = new { count = 100, url = $"{apiBase.AbsoluteUri}vacancies?{s.Query}&saved_search_id={s.Id}" },
            new_items = new { count = 2, url = $"{apiBase.AbsoluteUri}vacancies?{s.Query}&saved_search_id={s.Id}&date_from=2026-01-11T13%3A12%3A17%2B0300" },
        }).ToList();
        var pages = (int)Math.Ceiling(SavedSearches.Count / (double)perPage);
        return FakeHhApi.Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { items, found = SavedSearches.Count, pages, page, per_page = perPage }));
    }

    private static object Item(FakeVacancy v)
    {
        var salary = v.SalaryFrom is null && v.SalaryTo is null ? null : new { from = v.SalaryFrom, to = v.SalaryTo, currency = v.Currency, gross = v.Gross };
        return new Dictionary<string, object?>
        {
            ["id"] = v.Id,
            ["name"] = v.Name,
            ["department"] = null,
            ["has_test"] = v.HasTest,
            ["response_letter_required"] = v.ResponseLetterRequired,
            ["area"] = new { id = v.AreaId, name = v.AreaName, url = "https://api.hh.ru/areas/" + v.AreaId },
            ["salary"] = salary,
            ["salary_range"] = salary is null ? null : new { from = v.SalaryFrom, to = v.SalaryTo, currency = v.Currency, gross = v.Gross, mode = new { id = "MONTH", name = "За месяц" }, frequency = (object?)null },
            ["type"] = new { id = "open", name = "Открытая" },
            ["published_at"] = FakeHhApi.HhDate(v.PublishedAt),
            ["created_at"] = FakeHhApi.HhDate(v.PublishedAt),
            ["archived"] = v.Archived,
            ["apply_alternate_url"] = "https://hh.ru/applicant/vacancy_response?vacancyId=" + v.Id,
            ["url"] = "https://api.hh.ru/vacancies/" + v.Id,
            ["alternate_url"] = "https://hh.ru/vacancy/" + v.Id,
            ["relations"] = Array.Empty<string>(),
            ["employer"] = new { id = "e-" + v.Employer, name = v.Employer, trusted = true, url = "https://api.hh.ru/employers/1", alternate_url = "https://hh.ru/employer/1" },
            ["snippet"] = new { requirement = "Опыт <highlighttext>C#</highlighttext>", responsibility = (string?)null },
            ["experience"] = new { id = v.Experience, name = v.Experience },
            ["schedule"] = new { id = v.Schedule, name = v.Schedule },
            ["employment"] = new { id = v.Employment, name = v.Employment },
            ["response_url"] = null,
            ["accept_incomplete_resumes"] = false,
            ["professional_roles"] = new[] { new { id = "96", name = "Программист, разработчик" } },
        };
    }

    private static int? Int(string? s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
