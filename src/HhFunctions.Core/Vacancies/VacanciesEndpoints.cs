using HhFunctions.Pages;
using HhFunctions.Vacancies;
using HhFunctions.Web;

namespace HhFunctions.Vacancies;

/// <summary>The Vacancies page and its exports (function key in Azure).</summary>
public sealed class VacanciesEndpoints(VacanciesPage page, VacancyExport export)
{
    /// <summary>GET /api/vacancies: the newest matches with filters and charts.</summary>
    public async Task<IResult> PageAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var problems = new List<string>();
        var filter = VacancyFilter.Parse(query, problems);
        return HttpEndpoints.Html(200, await page.RenderAsync(filter, problems, query.GetValueOrDefault("code"), ct));
    }

    /// <summary>GET /api/vacancies.csv: every stored vacancy, UTF-8 with BOM, RFC 4180.</summary>
    public async Task<IResult> CsvAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.ContentDisposition = "attachment; filename=\"vacancies.csv\"";
        return Results.Text(await export.CsvAsync(ct), "text/csv; charset=utf-8", new System.Text.UTF8Encoding(false), 200);
    }

    /// <summary>GET /api/vacancies.json: every stored vacancy as a JSON array.</summary>
    public async Task<IResult> JsonAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.ContentDisposition = "attachment; filename=\"vacancies.json\"";
        return Results.Text(await export.JsonAsync(ct), "application/json; charset=utf-8", new System.Text.UTF8Encoding(false), 200);
    }
}
