using HhFunctions.Vacancies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Functions;

/// <summary>The Vacancies page and its exports: the logic is in <see cref="VacanciesEndpoints"/>.</summary>
public sealed class VacanciesFunctions(VacanciesEndpoints endpoints)
{
    [Function("Vacancies")]
    public Task<IActionResult> Page([HttpTrigger(AuthorizationLevel.Function, "get", Route = VacancyRoutes.Page)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "Vacancies", endpoints.PageAsync);

    [Function("VacanciesCsv")]
    public Task<IActionResult> Csv([HttpTrigger(AuthorizationLevel.Function, "get", Route = VacancyRoutes.Csv)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "VacanciesCsv", endpoints.CsvAsync);

    [Function("VacanciesJson")]
    public Task<IActionResult> Json([HttpTrigger(AuthorizationLevel.Function, "get", Route = VacancyRoutes.Json)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "VacanciesJson", endpoints.JsonAsync);
}

/// <summary>The vacancy watch on its schedule. The logic is in <see cref="VacancyWatchJob"/>.</summary>
public sealed partial class WatchVacanciesFunction(VacancyWatchJob job, ILogger<WatchVacanciesFunction> logger)
{
    /// <summary>Timer trigger on the app setting Search__Schedule (default every 30 minutes); without sources a run does nothing.</summary>
    [Function("WatchVacancies")]
    public async Task Run([TimerTrigger("%Search__Schedule%")] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var run = await job.RunAsync(timer.IsPastDue ? "timer (past due)" : "timer", ct);
        Log.RunEnded(logger, run.Status.ToString(), run.Summary);
    }

    private static partial class Log
    {
        [LoggerMessage(5401, LogLevel.Information, "WatchVacancies: {Status}: {Summary}")]
        public static partial void RunEnded(ILogger logger, string status, string summary);
    }
}
