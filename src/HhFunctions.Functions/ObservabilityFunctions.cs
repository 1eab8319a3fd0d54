using HhFunctions.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HhFunctions.Functions;

/// <summary>The health route for Azure's health check and uptime probes (anonymous; no secret, no personal data): the logic is in <see cref="HealthEndpoint"/>.</summary>
public sealed class HealthFunction(HealthEndpoint endpoint)
{
    [Function("Health")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ObservabilityRoutes.Health)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "Health", endpoint.GetAsync);
}
