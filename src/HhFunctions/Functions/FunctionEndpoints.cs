using System.Net;
using System.Text.Json;
using HhFunctions.OAuth;
using HhFunctions.Pages;
using HhFunctions.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Functions;

/// <summary>
/// Maps every function twice: at "/api/{route}" (requests the Functions host forwards as-is, and standalone
/// mode) and at "/{FunctionName}" (the host's invocation payloads). Both paths end in the same handler.
/// </summary>
public static partial class FunctionEndpoints
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapFunctionEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ServiceProvider;
        using (var scope = services.CreateScope())
        {
            foreach (var function in scope.ServiceProvider.GetServices<IHttpFunction>())
            {
                var name = function.Name;
                app.MapMethods("/api/" + function.Route, function.Methods.Select(m => m.ToUpperInvariant()).ToArray(), (HttpContext context) => ForwardedAsync(context, name))
                    .WithName(name);
                app.MapPost("/" + name, (Delegate)((HttpContext context) => InvokeHttpAsync(context, name)));
            }

            foreach (var timer in scope.ServiceProvider.GetServices<ITimerFunction>())
            {
                var name = timer.Name;
                app.MapPost("/" + name, (Delegate)((HttpContext context) => InvokeTimerAsync(context, name)));
            }
        }

        app.MapGet("/", () => Results.Redirect("/api/status"));
        return app;
    }

    private static async Task ForwardedAsync(HttpContext context, string name)
    {
        var function = Resolve<IHttpFunction>(context, name);
        FunctionResponse response;
        var request = new FunctionRequest(
            context.Request.Method,
            new Uri(context.Request.GetEncodedUrlSafe()),
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            null);
        var bad = ValidateQuery(context.Request, request);
        if (bad is not null)
        {
            response = bad;
        }
        else
        {
            try
            {
                request = request with { Body = await ReadBodyAsync(context.Request) };
            }
            catch (BodyTooLargeException ex)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.Response.WriteAsync(ex.Message, context.RequestAborted);
                return;
            }

            response = await RunAsync(context, function, request);
        }

        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        foreach (var (key, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[key] = value;
        }

        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }

    private static async Task<IResult> InvokeHttpAsync(HttpContext context, string name)
    {
        var function = Resolve<IHttpFunction>(context, name);
        var (request, error) = await ReadInvocationAsync(context, name, p => InvocationProtocol.ReadHttpTrigger(p));
        if (request is null)
        {
            return error!;
        }

        var tooLong = request.Query.Sum(q => q.Key.Length + q.Value.Length) > InvocationProtocol.MaxQueryLength
            ? Problem(request, 414, "Query too long", $"The query string is longer than {InvocationProtocol.MaxQueryLength} characters.")
            : null;
        var methodOk = function.Methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase);
        var response = tooLong
            ?? (methodOk ? await RunAsync(context, function, request) : Problem(request, 405, "Method not allowed", $"{name} accepts {string.Join(", ", function.Methods)} only."));
        return Results.Json(InvocationProtocol.HttpResponse(response), FunctionJson.Options);
    }

    private static async Task<IResult> InvokeTimerAsync(HttpContext context, string name)
    {
        var timer = Resolve<ITimerFunction>(context, name);
        var (invocation, error) = await ReadInvocationAsync(context, name, p => InvocationProtocol.ReadTimer(p));
        if (invocation is null)
        {
            return error!;
        }

        var summary = await timer.RunAsync(invocation, context.RequestAborted);
        return Results.Json(InvocationProtocol.TimerResponse(summary), FunctionJson.Options);
    }

    /// <summary>Reads an invocation payload, or the 400/413 answer that tells the host why it cannot be read.</summary>
    private static async Task<(T? Value, IResult? Error)> ReadInvocationAsync<T>(HttpContext context, string name, Func<JsonElement, T> read)
        where T : class
    {
        try
        {
            return (read(InvocationProtocol.ParsePayload(await ReadBodyAsync(context.Request) ?? string.Empty)), null);
        }
        catch (InvocationProtocol.InvalidInvocationException ex)
        {
            Log.BadInvocation(Logger(context), name, ex.Message);
            return (null, Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status400BadRequest));
        }
        catch (BodyTooLargeException ex)
        {
            Log.BadInvocation(Logger(context), name, ex.Message);
            return (null, Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status413PayloadTooLarge));
        }
    }

    private static async Task<FunctionResponse> RunAsync(HttpContext context, IHttpFunction function, FunctionRequest request)
    {
        try
        {
            return await function.HandleAsync(request, context.RequestAborted);
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(Logger(context), function.Name, ex.Message);
            return Problem(request, 503, "State storage unavailable", ex.Message + " Nothing was changed; try again in a minute.");
        }
        catch (OAuthConfigurationException ex)
        {
            return Problem(request, 503, "Not configured", ex.Message);
        }
    }

    /// <summary>An error as an HTML page for browsers or a problem+json body for API callers.</summary>
    public static FunctionResponse Problem(FunctionRequest request, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Accepts("application/json") && !request.Accepts("text/html")
            ? FunctionResponse.Problem(status, title, detail)
            : FunctionResponse.Html(status, HtmlPage.Message(title, detail));
    }

    /// <summary>Checks the raw query (length as sent, repeated parameters the dictionary form would hide).</summary>
    private static FunctionResponse? ValidateQuery(HttpRequest raw, FunctionRequest request)
    {
        if (raw.QueryString.HasValue && raw.QueryString.Value!.Length > InvocationProtocol.MaxQueryLength)
        {
            return Problem(request, 414, "Query too long", $"The query string is longer than {InvocationProtocol.MaxQueryLength} characters.");
        }

        var repeated = raw.Query.FirstOrDefault(q => q.Value.Count > 1).Key;
        return repeated is null ? null : Problem(request, 400, "Repeated parameter", $"The parameter '{repeated}' is given more than once.");
    }

    /// <summary>Reads a body of at most <see cref="MaxBodyBytes"/> (Kestrel enforces the same limit on the wire).</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new BodyTooLargeException();
        }

        using var reader = new StreamReader(request.Body);
        var buffer = new char[16 * 1024];
        var body = new System.Text.StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), request.HttpContext.RequestAborted)) > 0)
        {
            body.Append(buffer, 0, read);
            if (body.Length > MaxBodyBytes)
            {
                throw new BodyTooLargeException();
            }
        }

        return body.Length == 0 ? null : body.ToString();
    }

    private sealed class BodyTooLargeException : Exception
    {
        public BodyTooLargeException()
            : base($"The request body is larger than {MaxBodyBytes} bytes.")
        {
        }

        public BodyTooLargeException(string message)
            : base(message)
        {
        }

        public BodyTooLargeException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }

    private static string GetEncodedUrlSafe(this HttpRequest request) =>
        $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{request.Path.ToUriComponent()}{request.QueryString.ToUriComponent()}";

    private static T Resolve<T>(HttpContext context, string name)
        where T : class =>
        typeof(T) == typeof(IHttpFunction)
            ? (T)(object)context.RequestServices.GetServices<IHttpFunction>().Single(f => f.Name == name)
            : (T)(object)context.RequestServices.GetServices<ITimerFunction>().Single(f => f.Name == name);

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FunctionEndpoints).FullName!);

    private static partial class Log
    {
        [LoggerMessage(6001, LogLevel.Warning, "Rejected invocation of {Function}: {Reason}")]
        public static partial void BadInvocation(ILogger logger, string function, string reason);

        [LoggerMessage(6002, LogLevel.Warning, "{Function}: state storage unavailable: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string function, string reason);
    }
}
