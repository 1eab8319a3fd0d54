using HhFunctions.Pages;
using HhFunctions.Vacancies;

namespace HhFunctions.Functions;

/// <summary>GET /api/vacancies (function key in Azure): the Vacancies page.</summary>
public sealed class VacanciesFunction(VacanciesPage page) : IHttpFunction
{
    public string Name => "Vacancies";

    public string Route => "vacancies";

    public IReadOnlyList<string> Methods { get; } = ["get"];

    public string AuthLevel => "function";

    public async Task<FunctionResponse> HandleAsync(FunctionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        var filter = VacancyFilter.Parse(request.Query, problems);
        return FunctionResponse.Html(200, await page.RenderAsync(filter, problems, request.Query.GetValueOrDefault("code"), ct));
    }
}

/// <summary>GET /api/vacancies.csv (function key in Azure): every stored vacancy, UTF-8 with BOM, RFC 4180.</summary>
public sealed class VacanciesCsvFunction(VacancyExport export) : IHttpFunction
{
    public string Name => "VacanciesCsv";

    public string Route => "vacancies.csv";

    public IReadOnlyList<string> Methods { get; } = ["get"];

    public string AuthLevel => "function";

    public async Task<FunctionResponse> HandleAsync(FunctionRequest request, CancellationToken ct) =>
        new(200, "text/csv; charset=utf-8", await export.CsvAsync(ct), new Dictionary<string, string> { ["Content-Disposition"] = "attachment; filename=\"vacancies.csv\"" });
}

/// <summary>GET /api/vacancies.json (function key in Azure): every stored vacancy as a JSON array.</summary>
public sealed class VacanciesJsonFunction(VacancyExport export) : IHttpFunction
{
    public string Name => "VacanciesJson";

    public string Route => "vacancies.json";

    public IReadOnlyList<string> Methods { get; } = ["get"];

    public string AuthLevel => "function";

    public async Task<FunctionResponse> HandleAsync(FunctionRequest request, CancellationToken ct) =>
        new(200, "application/json; charset=utf-8", await export.JsonAsync(ct), new Dictionary<string, string> { ["Content-Disposition"] = "attachment; filename=\"vacancies.json\"" });
}
