using HhFunctions.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HhFunctions.Functions;

/// <summary>OAuth set-up: the logic is in <see cref="OAuthEndpoints"/>.</summary>
public sealed class OAuthFunctions(OAuthEndpoints endpoints)
{
    [Function("OAuthStart")]
    public Task<IActionResult> Start([HttpTrigger(AuthorizationLevel.Function, "get", Route = OAuthRoutes.Start)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "OAuthStart", endpoints.StartAsync);

    [Function("OAuthLink")]
    public Task<IActionResult> Link([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = OAuthRoutes.Link)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "OAuthLink", endpoints.LinkAsync);

    [Function("OAuthCallback")]
    public Task<IActionResult> Callback([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = OAuthRoutes.Callback)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "OAuthCallback", endpoints.CallbackAsync);
}
