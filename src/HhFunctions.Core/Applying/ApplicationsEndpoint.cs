using System.Globalization;
using System.Text;
using CsvHelper;
using HhFunctions.Applying;
using HhFunctions.Pages;
using Microsoft.Extensions.Options;
using HhFunctions.Web;

namespace HhFunctions.Applying;

/// <summary>
/// GET /api/applications (function key in Azure): the funnel as plain HTML with inline SVG; JSON with
/// Accept: application/json. GET /api/applications.csv and /api/applications.json: every application
/// (CSV: UTF-8 with BOM, RFC 4180).
/// </summary>
public sealed class ApplicationsEndpoint(IApplicationStore store, IOptions<ApplyOptions> options, TimeProvider time)
{
    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var records = await store.ListAsync(ct);
        var report = FunnelReport.Build(records, time.GetUtcNow(), options.Value.SilentAfter);
        return request.WantsJson() ? HttpEndpoints.Json(200, report) : HttpEndpoints.Html(200, Render(report, records));
    }

    /// <summary>/api/applications.csv or .json (the format is the path's extension).</summary>
    public async Task<IResult> ExportAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.Value ?? string.Empty;
        var records = (await store.ListAsync(ct)).OrderByDescending(r => r.SentAt ?? r.CreatedAt).ToList();
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return Results.File(Csv(records), "text/csv; charset=utf-8", "applications.csv");
        }

        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var report = FunnelReport.Build(records, time.GetUtcNow(), options.Value.SilentAfter);
            return HttpEndpoints.Json(200, new { funnel = report, applications = records.Select(Row).ToList() });
        }

        return HttpEndpoints.Problem(request, 404, "Unknown format", "Use /api/applications.csv or /api/applications.json.");
    }

    public sealed record ExportRow(
        string VacancyId, string? Vacancy, string? Employer, string? Url, string? Source, string Status, string? Reason, string? Detail,
        string Letter, DateTimeOffset? SentAt, string? State, bool ViewedByEmployer, DateTimeOffset? HhCreatedAt, DateTimeOffset? HhUpdatedAt, string History);

    private static ExportRow Row(ApplicationRecord r) => new(
        r.VacancyId, r.VacancyName, r.Employer, r.VacancyUrl, r.Source, r.Status.ToString(), r.Reason, r.Detail, FunnelReport.LetterKey(r.Letter),
        r.SentAt, r.State, r.ViewedByEmployer, r.HhCreatedAt, r.HhUpdatedAt,
        string.Join("; ", r.History.Select(h => h.State + "@" + h.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))));

    internal static byte[] Csv(IEnumerable<ApplicationRecord> records)
    {
        using var stream = new MemoryStream();
        using (var csv = CsvWriter.Create(stream, new CsvWriterOptions { WriteByteOrderMark = true, Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            csv.WriteHeader(["vacancy_id", "vacancy", "employer", "url", "source", "status", "reason", "detail", "letter", "sent_at", "state", "viewed_by_employer", "hh_created_at", "hh_updated_at", "history"]);
            foreach (var r in records.Select(Row))
            {
                csv.WriteRecord([r.VacancyId, r.Vacancy ?? string.Empty, r.Employer ?? string.Empty, r.Url ?? string.Empty, r.Source ?? string.Empty, r.Status, r.Reason ?? string.Empty, r.Detail ?? string.Empty,
                    r.Letter, Iso(r.SentAt), r.State ?? string.Empty, r.ViewedByEmployer ? "true" : "false", Iso(r.HhCreatedAt), Iso(r.HhUpdatedAt), r.History]);
            }

            csv.Flush();
        }

        return stream.ToArray();
    }

    private static string Iso(DateTimeOffset? t) => t is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : string.Empty;

    private static string Render(FunnelReport report, IReadOnlyList<ApplicationRecord> records)
    {
        var sb = new StringBuilder();
        var t = report.Total;
        sb.Append("<h1>Applications</h1>");
        sb.Append(CultureInfo.InvariantCulture, $"<p id=\"totals\">Sent: <b>{t.Sent}</b> · viewed {Pct(t, t.Viewed)} · invited {Pct(t, t.Invited)} · rejected {Pct(t, t.Rejected)} · silent after 14 days {Pct(t, t.Silent)}</p>");
        sb.Append("<p><a href=\"applications.csv\">CSV</a> · <a href=\"applications.json\">JSON</a></p>");
        sb.Append("<h2>Per week</h2>").Append(WeekChart(report.Weeks));
        Table(sb, "weeks", "Week (from Monday)", report.Weeks);
        sb.Append("<h2>By source</h2>");
        Table(sb, "by-source", "Source", report.BySource);
        sb.Append("<h2>By letter</h2>");
        Table(sb, "by-letter", "Letter", report.ByLetter);
        if (report.SkippedByReason.Count > 0)
        {
            sb.Append("<h2>Not sent</h2><table id=\"skipped\"><thead><tr><th>Reason</th><th>Count</th></tr></thead><tbody>");
            foreach (var (reason, count) in report.SkippedByReason)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{HtmlPage.E(reason)}</td><td>{count}</td></tr>");
            }

            sb.Append("</tbody></table>");
        }

        sb.Append("<h2>Latest</h2><table id=\"latest\"><thead><tr><th>Vacancy</th><th>Status</th><th>hh.ru state</th><th>Sent</th></tr></thead><tbody>");
        foreach (var r in records.OrderByDescending(r => r.UpdatedAt).Take(50))
        {
            var status = r.Status + (r.Reason is { } reason ? ": " + reason : string.Empty);
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{HtmlPage.E(r.VacancyUrl ?? "https://hh.ru/vacancy/" + r.VacancyId)}\">{HtmlPage.E(r.VacancyName ?? r.VacancyId)}</a> {HtmlPage.E(r.Employer)}</td><td title=\"{HtmlPage.E(r.Detail)}\">{HtmlPage.E(status)}</td><td>{HtmlPage.E(r.State ?? "—")}{(r.ViewedByEmployer ? " (viewed)" : string.Empty)}</td><td>{(r.SentAt is { } s ? s.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—")}</td></tr>");
        }

        sb.Append("</tbody></table>");
        return HtmlPage.Render("Applications", sb.ToString());
    }

    private static void Table(StringBuilder sb, string id, string keyHeader, IReadOnlyList<FunnelRow> rows)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<table id=\"{id}\"><thead><tr><th>{keyHeader}</th><th>Sent</th><th>Viewed</th><th>Invited</th><th>Rejected</th><th>Silent 14 d</th></tr></thead><tbody>");
        foreach (var r in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{HtmlPage.E(r.Key)}</td><td>{r.Sent}</td><td>{Pct(r, r.Viewed)}</td><td>{Pct(r, r.Invited)}</td><td>{Pct(r, r.Rejected)}</td><td>{Pct(r, r.Silent)}</td></tr>");
        }

        if (rows.Count == 0)
        {
            sb.Append("<tr><td colspan=\"6\">No applications yet.</td></tr>");
        }

        sb.Append("</tbody></table>");
    }

    /// <summary>Bars per week, oldest on the left: sent (grey) with invited (green) over it.</summary>
    private static string WeekChart(IReadOnlyList<FunnelRow> weeks)
    {
        var shown = weeks.Take(12).Reverse().ToList();
        if (shown.Count == 0)
        {
            return string.Empty;
        }

        const int height = 120;
        const int bar = 28;
        var max = Math.Max(1, shown.Max(w => w.Sent));
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg id=\"weeks-chart\" role=\"img\" aria-label=\"Applications per week\" width=\"{shown.Count * (bar + 8) + 8}\" height=\"{height + 20}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < shown.Count; i++)
        {
            var w = shown[i];
            var x = 8 + i * (bar + 8);
            var h = w.Sent * height / max;
            var hi = w.Invited * height / max;
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{height - h}\" width=\"{bar}\" height=\"{h}\" fill=\"#9aa5b1\"><title>{HtmlPage.E(w.Key)}: {w.Sent} sent, {w.Invited} invited</title></rect>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{height - hi}\" width=\"{bar}\" height=\"{hi}\" fill=\"#2e7d32\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + bar / 2}\" y=\"{height + 14}\" font-size=\"10\" text-anchor=\"middle\">{HtmlPage.E(w.Key[5..])}</text>");
        }

        return sb.Append("</svg>").ToString();
    }

    private static string Pct(FunnelRow row, int part) =>
        row.Sent == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{part} ({row.Share(part):P0})");
}
