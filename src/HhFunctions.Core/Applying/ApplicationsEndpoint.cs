using System.Globalization;
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
        return request.WantsJson() ? HttpEndpoints.Json(200, report) : PageRenderer.Result<ApplicationsView>(200, ApplicationsView.With(report, records, options.Value, request.QueryValue("code")));
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
}
