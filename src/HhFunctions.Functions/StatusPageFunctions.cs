using HhFunctions.StatusPage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HhFunctions.Functions;

/// <summary>The status page and its forms: the logic is in <see cref="StatusEndpoint"/>.</summary>
public sealed class StatusFunction(StatusEndpoint endpoint)
{
    [Function("Status")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = StatusRoutes.Status)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "Status", HttpMethods.IsPost(req.Method) ? endpoint.PostAsync : endpoint.GetAsync);
}
