using HhFunctions.Applying;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Functions;

/// <summary>The applications funnel and its exports: the logic is in <see cref="ApplicationsEndpoint"/>.</summary>
public sealed class ApplicationsFunction(ApplicationsEndpoint endpoint)
{
    [Function("Applications")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApplicationRoutes.Page)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "Applications", endpoint.GetAsync);

    [Function("ApplicationsCsv")]
    public Task<IActionResult> Csv([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApplicationRoutes.Csv)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "ApplicationsCsv", endpoint.ExportAsync);

    [Function("ApplicationsJson")]
    public Task<IActionResult> Json([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApplicationRoutes.Json)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "ApplicationsJson", endpoint.ExportAsync);
}

/// <summary>Reads every application's state from hh.ru and tells the owner about answers: the logic is in <see cref="ApplicationTracker"/>.</summary>
public sealed partial class TrackApplicationsFunction(ApplicationTracker tracker, ILogger<TrackApplicationsFunction> logger)
{
    /// <summary>Timer trigger on the app setting Apply__TrackSchedule (default "0 */30 * * * *").</summary>
    [Function("TrackApplications")]
    public async Task Run([TimerTrigger("%Apply__TrackSchedule%")] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var result = await tracker.TrackAsync(ct);
        Log.Tracked(logger, result.Summary);
    }

    private static partial class Log
    {
        [LoggerMessage(5402, LogLevel.Information, "TrackApplications: {Summary}")]
        public static partial void Tracked(ILogger logger, string summary);
    }
}
