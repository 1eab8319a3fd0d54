using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using HhFunctions.OAuth;
using HhFunctions.Pages;
using HhFunctions.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Web;

/// <summary>
/// What every HTTP endpoint shares, whichever host calls it (the Functions worker's [HttpTrigger] methods or
/// the standalone host's routes): query and body limits, answers as HTML for browsers or problem+json for
/// API callers, "Cache-Control: no-store", and storage or configuration trouble turned into a 503 page.
/// </summary>
public static partial class HttpEndpoints
{
    public const int MaxBodyBytes = 1024 * 1024;

    public const int MaxQueryLength = 4096;

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Runs one endpoint's handler with the shared checks around it.</summary>
    public static async Task<IResult> RunAsync(HttpRequest request, string function, Func<HttpRequest, CancellationToken, Task<IResult>> handler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        if (ValidateQuery(request) is { } bad)
        {
            return bad;
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return Problem(request, StatusCodes.Status413PayloadTooLarge, "Request too large", $"The request body is larger than {MaxBodyBytes} bytes.");
        }

        var ct = request.HttpContext.RequestAborted;
        try
        {
            return await handler(request, ct);
        }
        catch (BodyTooLargeException ex)
        {
            return Problem(request, StatusCodes.Status413PayloadTooLarge, "Request too large", ex.Message);
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, function, ex.Message);
            return Problem(request, 503, "State storage unavailable", ex.Message + " Nothing was changed; try again in a minute.");
        }
        catch (OAuthConfigurationException ex)
        {
            return Problem(request, 503, "Not configured", ex.Message);
        }
    }

    public static bool Accepts(this HttpRequest request, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.Accept.ToString().Contains(mediaType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A JSON caller (Accept names JSON, not HTML)?</summary>
    public static bool WantsJson(this HttpRequest request) => request.Accepts("application/json") && !request.Accepts("text/html");

    /// <summary>An error as an HTML page for browsers or, for API callers, an RFC 9457 problem+json body written by the registered ProblemDetails service.</summary>
    public static IResult Problem(HttpRequest request, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.WantsJson()
            ? TypedResults.Problem(detail: detail, statusCode: status, title: title)
            : PageRenderer.Result<MessageView>(status, MessageView.With(title, detail, StatusLink.For(request)));
    }

    public static IResult Html(int status, string html) => new TextAnswer(status, "text/html; charset=utf-8", html);

    public static IResult Json<T>(int status, T value) => new TextAnswer(status, "application/json; charset=utf-8", JsonSerializer.Serialize(value, JsonOptions));

    public static IResult Text(int status, string body) => new TextAnswer(status, "text/plain; charset=utf-8", body);

    /// <summary>
    /// A text answer written as given: status, content type (UTF-8 always) and Content-Length, then the body.
    /// <c>Results.Text</c> would parse the content type and look up the encoding's web name (resource strings) on the
    /// first answer after a start.
    /// </summary>
    private sealed class TextAnswer(int status, string contentType, string body) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => status;

        public string ContentType => contentType;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var bytes = Encoding.UTF8.GetBytes(body);
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = contentType;
            response.ContentLength = bytes.Length;
            return response.Body.WriteAsync(bytes).AsTask();
        }
    }

    /// <summary>A 302 to <paramref name="location"/> (absolute), with a short text body for clients that show it.</summary>
    public static IResult Redirect(Uri location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return new RedirectResult(location);
    }

    /// <summary>The body as text, at most <see cref="MaxBodyBytes"/> (more: <see cref="BodyTooLargeException"/>, answered 413).</summary>
    public static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new BodyTooLargeException();
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[16 * 1024];
        var body = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), ct)) > 0)
        {
            body.Append(buffer, 0, read);
            if (body.Length > MaxBodyBytes)
            {
                throw new BodyTooLargeException();
            }
        }

        return body.Length == 0 ? null : body.ToString();
    }

    /// <summary>The query parameter, or null when absent (a repeated one was already refused by <see cref="RunAsync"/>).</summary>
    public static string? QueryValue(this HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;
    }

    /// <summary>Checks the raw query (length as sent, repeated parameters a dictionary would hide).</summary>
    private static IResult? ValidateQuery(HttpRequest request)
    {
        if (!request.QueryString.HasValue)
        {
            return null;
        }

        if (request.QueryString.Value!.Length > MaxQueryLength)
        {
            return Problem(request, 414, "Query too long", $"The query string is longer than {MaxQueryLength} characters.");
        }

        foreach (var (name, values) in request.Query)
        {
            if (values.Count > 1)
            {
                return Problem(request, 400, "Repeated parameter", $"The parameter '{name}' is given more than once.");
            }
        }

        return null;
    }

    private sealed class RedirectResult(Uri location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status302Found;
            httpContext.Response.Headers.Location = location.AbsoluteUri;
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            return httpContext.Response.WriteAsync("Redirecting to " + location.AbsoluteUri, httpContext.RequestAborted);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(6002, LogLevel.Warning, "{Function}: state storage unavailable: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string function, string reason);
    }
}

/// <summary>A request body over <see cref="HttpEndpoints.MaxBodyBytes"/>.</summary>
public sealed class BodyTooLargeException : Exception
{
    public BodyTooLargeException()
        : base($"The request body is larger than {HttpEndpoints.MaxBodyBytes} bytes.")
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
