using HhFunctions.Recruiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HhFunctions.Functions;

/// <summary>The recruiter's desk, its assignee form and its exports (function key): the logic is in <see cref="DeskEndpoints"/>.</summary>
public sealed class DeskFunction(DeskEndpoints endpoint)
{
    [Function("RecruitingDesk")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = DeskRoutes.Desk)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "RecruitingDesk", HttpMethods.IsPost(req.Method) ? endpoint.PostAsync : endpoint.GetAsync);

    [Function("RecruitingCsv")]
    public Task<IActionResult> Csv([HttpTrigger(AuthorizationLevel.Function, "get", Route = DeskRoutes.Csv)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "RecruitingCsv", endpoint.CsvAsync);

    [Function("RecruitingJson")]
    public Task<IActionResult> Json([HttpTrigger(AuthorizationLevel.Function, "get", Route = DeskRoutes.Json)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "RecruitingJson", endpoint.JsonAsync);
}
