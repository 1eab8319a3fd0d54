using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace HhFunctions.Web;

/// <summary>
/// How a feature maps its HTTP endpoints on the standalone host's "/api" group (its <c>MapXxxEndpoints</c>); the
/// Functions host maps the same handlers with [HttpTrigger] methods. Both run them through
/// <see cref="HttpEndpoints.RunAsync"/>, so limits, errors and headers are the same on either host.
/// </summary>
public static class EndpointMapping
{
    /// <summary>
    /// Maps <paramref name="route"/> (without "api/") for <paramref name="methods"/> as the function named
    /// <paramref name="name"/>, answered by <typeparamref name="TEndpoint"/> from the request's services.
    /// Plain RequestDelegates, not minimal-API handlers: the latter are compiled from expression trees and bring
    /// ASP.NET's form-binding setup on the first request, a large part of the start-up gap to a bare app (tests/startup-bench.sh).
    /// </summary>
    public static IEndpointRouteBuilder MapEndpoint<TEndpoint>(this IEndpointRouteBuilder api, string name, string route, string[] methods, Func<TEndpoint, HttpRequest, CancellationToken, Task<IResult>> handle)
        where TEndpoint : notnull
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapMethods("/" + route, methods, context => RespondAsync(context, name, handle)).WithName(name);
        return api;
    }

    private static async Task RespondAsync<TEndpoint>(HttpContext context, string name, Func<TEndpoint, HttpRequest, CancellationToken, Task<IResult>> handle)
        where TEndpoint : notnull
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpEndpoints).FullName!);
        var result = await HttpEndpoints.RunAsync(context.Request, name, (r, ct) => handle(services.GetRequiredService<TEndpoint>(), r, ct), logger);
        await result.ExecuteAsync(context);
    }
}
