using System.Text.Json;
using System.Text.Json.Serialization;

namespace HhFunctions.Functions;

/// <summary>An HTTP trigger's request, whether it came forwarded as-is or inside a host invocation payload.</summary>
public sealed record FunctionRequest(
    string Method,
    Uri Url,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    string? Body)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public bool Accepts(string mediaType) => Header("Accept")?.Contains(mediaType, StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>An HTTP trigger's response; written directly, or as the "res" output of an invocation response.</summary>
public sealed record FunctionResponse(int StatusCode, string ContentType, string Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static FunctionResponse Html(int status, string html) => new(status, "text/html; charset=utf-8", html);

    public static FunctionResponse Json<T>(int status, T value) => new(status, "application/json; charset=utf-8", JsonSerializer.Serialize(value, FunctionJson.Options));

    public static FunctionResponse Redirect(Uri location) =>
        new(302, "text/plain; charset=utf-8", "Redirecting to " + location.AbsoluteUri, new Dictionary<string, string> { ["Location"] = location.AbsoluteUri });

    /// <summary>An RFC 9457 problem, for JSON callers.</summary>
    public static FunctionResponse Problem(int status, string title, string detail) =>
        new(status, "application/problem+json; charset=utf-8", JsonSerializer.Serialize(new { type = "about:blank", title, status, detail }, FunctionJson.Options));
}

public interface IHttpFunction
{
    /// <summary>Function name: the folder of its function.json and the host's invocation path "/{Name}".</summary>
    string Name { get; }

    /// <summary>Route without the "api/" prefix, as in function.json.</summary>
    string Route { get; }

    /// <summary>Lower-case HTTP methods, as in function.json.</summary>
    IReadOnlyList<string> Methods { get; }

    /// <summary>function.json authLevel: "function" (key required in Azure) or "anonymous".</summary>
    string AuthLevel { get; }

    Task<FunctionResponse> HandleAsync(FunctionRequest request, CancellationToken ct);
}

public sealed record TimerInvocation(bool IsPastDue, DateTimeOffset? ScheduledNext);

public interface ITimerFunction
{
    string Name { get; }

    /// <summary>Returns a one-line summary for the host's Logs / ReturnValue.</summary>
    Task<string> RunAsync(TimerInvocation timer, CancellationToken ct);
}

public static class FunctionJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
