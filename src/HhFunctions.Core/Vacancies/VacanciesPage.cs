using System.Globalization;
using System.Text;
using HhFunctions.State;
using HhFunctions.Vacancies;
using HhFunctions.Pages;

namespace HhFunctions.Vacancies;

/// <summary>What the Vacancies page shows: which months, and the filters (all optional).</summary>
public sealed record VacancyFilter(string? Source, decimal? MinSalary, string? Text, int Months)
{
    public const int DefaultMonths = 2;
    public static readonly int[] MonthChoices = [1, 2, 3, 6, 12, 24];

    /// <summary>Reads ?source=&amp;salary=&amp;text=&amp;months=; a bad value is named in <paramref name="problems"/> and ignored.</summary>
    public static VacancyFilter Parse(IReadOnlyDictionary<string, string> query, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(problems);
        string? Get(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        decimal? salary = null;
        if (Get("salary") is { } s)
        {
            if (decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) && d >= 0)
            {
                salary = d;
            }
            else
            {
                problems.Add($"salary '{s}' is not a number; ignored.");
            }
        }

        var months = DefaultMonths;
        if (Get("months") is { } m)
        {
            if (int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && MonthChoices.Contains(n))
            {
                months = n;
            }
            else
            {
                problems.Add($"months '{m}' is not one of {string.Join(", ", MonthChoices)}; {DefaultMonths} used.");
            }
        }

        var text = Get("text");
        return new VacancyFilter(Get("source"), salary, text is { Length: > 200 } ? text[..200] : text, months);
    }

    public bool Matches(VacancyRecord v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return (Source is null || v.Sources.Contains(Source, StringComparer.Ordinal))
            && (MinSalary is null || Math.Max(v.SalaryFrom ?? 0, v.SalaryTo ?? 0) >= MinSalary)
            && (Text is null || v.Name.Contains(Text, StringComparison.OrdinalIgnoreCase) || (v.Employer?.Contains(Text, StringComparison.OrdinalIgnoreCase) ?? false) || (v.Area?.Contains(Text, StringComparison.OrdinalIgnoreCase) ?? false));
    }
}

/// <summary>
/// GET /api/vacancies: the newest stored matches with filters, new vacancies per day over the last 30 days and
/// the salary distribution per source as inline SVG (no script, no CDN), and links to the CSV and JSON exports.
/// Reads only the months it shows (the store is partitioned by month of first sight).
/// </summary>
public sealed class VacanciesPage(IVacancyStore store, TimeProvider time)
{
    public const int RowsShown = 200;
    public const int ChartDays = 30;

    public async Task<string> RenderAsync(VacancyFilter filter, IReadOnlyList<string> problems, string? functionKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(problems);
        var now = time.GetUtcNow();
        // Whole months of first sight, and always the chart's 30 days.
        var from = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-(filter.Months - 1));
        var chartStart = now.AddDays(-ChartDays);
        from = chartStart < from ? new DateTimeOffset(chartStart.UtcDateTime.Year, chartStart.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero) : from;
        var all = await store.ListAsync(from, ct);
        var hidden = await store.GetHiddenAsync(ct);
        var visible = all.Where(v => !hidden.Contains(v.Id)).ToList();
        var sources = visible.SelectMany(v => v.Sources).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var matching = visible.Where(filter.Matches).OrderByDescending(v => v.PublishedAt ?? v.FirstSeen).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
        var key = functionKey is { Length: > 0 } k ? "?code=" + Uri.EscapeDataString(k) : string.Empty;

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"""
            <h1>Vacancies</h1>
            <p class="muted" id="summary">{visible.Count} stored from {HtmlPage.E(from.ToString("MMMM yyyy", CultureInfo.InvariantCulture))} on; {matching.Count} match the filters{(matching.Count > RowsShown ? $", the newest {RowsShown} are listed" : string.Empty)}. Export everything: <a id="csv" href="vacancies.csv{key}">CSV</a> · <a id="json" href="vacancies.json{key}">JSON</a></p>
            """);
        foreach (var p in problems)
        {
            sb.Append("<p class=\"warn problem\">").Append(HtmlPage.E(p)).Append("</p>");
        }

        AppendForm(sb, filter, sources, functionKey);
        sb.Append(CultureInfo.InvariantCulture, $"<h2>New vacancies per day, last {ChartDays} days</h2>");
        sb.Append(VacancyCharts.PerDay(matching, now, ChartDays));
        sb.Append("<h2>Salary distribution per source</h2>");
        sb.Append(VacancyCharts.SalaryBySource(matching, filter.Source is null ? sources : [filter.Source]));
        sb.Append("<h2>Newest matches</h2>");
        if (matching.Count == 0)
        {
            sb.Append("<p class=\"muted\" id=\"empty\">No vacancies match. The watch stores what Search__Queries, saved searches and similar vacancies find; see /watch in Telegram.</p>");
        }
        else
        {
            sb.Append("<table id=\"vacancies\" class=\"stack\"><thead><tr><th>Vacancy</th><th>Employer</th><th>Salary</th><th>Area</th><th>Published</th><th>Sources</th></tr></thead><tbody>");
            foreach (var v in matching.Take(RowsShown))
            {
                var name = v.Url is { } u && Uri.TryCreate(u, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps
                    ? $"<a href=\"{HtmlPage.E(url.AbsoluteUri)}\">{HtmlPage.E(v.Name)}</a>"
                    : HtmlPage.E(v.Name);
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"title\">{name}{(v.Archived ? " <span class=\"muted\">(archived)</span>" : string.Empty)}</td><td data-label=\"Employer\">{HtmlPage.E(v.Employer)}</td><td class=\"nowrap\" data-label=\"Salary\">{HtmlPage.E(VacancyDigest.Salary(v))}</td><td data-label=\"Area\">{HtmlPage.E(v.Area)}</td><td class=\"nowrap\" data-label=\"Published\">{Time(v.PublishedAt)}</td><td data-label=\"Sources\">{HtmlPage.E(string.Join(", ", v.Sources))}</td></tr>");
            }

            sb.Append("</tbody></table>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Generated {Time(now)}. Times are UTC. Hidden vacancies (Hide in Telegram) are left out here and kept in the exports.</p>");
        return HtmlPage.Render("Vacancies", sb.ToString());
    }

    private static void AppendForm(StringBuilder sb, VacancyFilter filter, List<string> sources, string? functionKey)
    {
        sb.Append("<form id=\"filters\" method=\"get\" class=\"card\">");
        if (functionKey is { Length: > 0 })
        {
            sb.Append("<input type=\"hidden\" name=\"code\" value=\"").Append(HtmlPage.E(functionKey)).Append("\">");
        }

        sb.Append("<label>Source <select name=\"source\" id=\"source\"><option value=\"\">all</option>");
        foreach (var s in sources.Union(filter.Source is null ? [] : [filter.Source], StringComparer.Ordinal))
        {
            sb.Append("<option").Append(s == filter.Source ? " selected" : string.Empty).Append('>').Append(HtmlPage.E(s)).Append("</option>");
        }

        sb.Append("</select></label> ");
        sb.Append(CultureInfo.InvariantCulture, $"<label>Salary at least <input name=\"salary\" id=\"salary\" type=\"number\" min=\"0\" step=\"1000\" value=\"{filter.MinSalary?.ToString(CultureInfo.InvariantCulture)}\"></label> ");
        sb.Append(CultureInfo.InvariantCulture, $"<label>Text <input name=\"text\" id=\"text\" type=\"search\" value=\"{HtmlPage.E(filter.Text)}\"></label> ");
        sb.Append("<label>Months <select name=\"months\" id=\"months\">");
        foreach (var m in VacancyFilter.MonthChoices)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<option{(m == filter.Months ? " selected" : string.Empty)}>{m}</option>");
        }

        sb.Append("</select></label> <button type=\"submit\" class=\"button\">Filter</button></form>");
    }

    private static string Time(DateTimeOffset? t) =>
        t is { } v ? HtmlPage.E(v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)) : "—";
}
