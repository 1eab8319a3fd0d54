using System.Globalization;
using System.Text.Json;

namespace HhFunctions.Functions;

/// <summary>
/// The custom-handler invocation payloads. Request: {"Data": {binding: value}, "Metadata": {...}}; response:
/// {"Outputs": {"res": {"statusCode", "headers", "body"}}, "Logs": [...], "ReturnValue": ...}.
/// </summary>
public static class InvocationProtocol
{
    public const int MaxQueryLength = 4096;

    public sealed class InvalidInvocationException(string message) : Exception(message)
    {
        public InvalidInvocationException()
            : this("Invalid invocation payload.")
        {
        }

        public InvalidInvocationException(string message, Exception innerException)
            : this(message + " " + innerException?.Message)
        {
        }
    }

    public static JsonElement ParsePayload(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new InvalidInvocationException("The invocation body is empty; expected {\"Data\": {...}, \"Metadata\": {...}}.");
        }

        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            var root = doc.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object || !TryGetProperty(root, "Data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidInvocationException("The invocation body has no \"Data\" object.");
            }

            return root;
        }
        catch (JsonException ex)
        {
            throw new InvalidInvocationException($"The invocation body is not valid JSON ({ex.Message.Split('.')[0]}).");
        }
    }

    /// <summary>Reads the HTTP trigger binding (Data.req) into a <see cref="FunctionRequest"/>.</summary>
    public static FunctionRequest ReadHttpTrigger(JsonElement payload, string bindingName = "req")
    {
        TryGetProperty(payload, "Data", out var data);
        if (!TryGetProperty(data, bindingName, out var req) || req.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInvocationException($"The invocation has no \"Data.{bindingName}\" HTTP request object.");
        }

        var method = TryGetProperty(req, "Method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "GET";
        var urlText = TryGetProperty(req, "Url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidInvocationException("\"Data.req.Url\" is missing or not an absolute URL.");
        }

        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (TryGetProperty(req, "Query", out var q) && q.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in q.EnumerateObject())
            {
                query[p.Name] = StringValue(p.Value);
            }
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (TryGetProperty(req, "Headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in h.EnumerateObject())
            {
                headers[p.Name] = StringValue(p.Value);
            }
        }

        string? body = null;
        if (TryGetProperty(req, "Body", out var b))
        {
            body = b.ValueKind switch
            {
                JsonValueKind.String => b.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => b.GetRawText(),
            };
        }

        return new FunctionRequest(method.ToUpperInvariant(), url, query, headers, body);
    }

    public static TimerInvocation ReadTimer(JsonElement payload, string bindingName = "timer")
    {
        TryGetProperty(payload, "Data", out var data);
        if (!TryGetProperty(data, bindingName, out var timer))
        {
            throw new InvalidInvocationException($"The invocation has no \"Data.{bindingName}\" timer object.");
        }

        // The host may send the timer info as an object or as a JSON string holding one.
        if (timer.ValueKind == JsonValueKind.String)
        {
            timer = ParseNested(timer.GetString());
        }

        var pastDue = timer.ValueKind == JsonValueKind.Object && TryGetProperty(timer, "IsPastDue", out var p) && p.ValueKind == JsonValueKind.True;
        DateTimeOffset? next = null;
        if (timer.ValueKind == JsonValueKind.Object && TryGetProperty(timer, "ScheduleStatus", out var s) && s.ValueKind == JsonValueKind.Object &&
            TryGetProperty(s, "Next", out var n) && n.ValueKind == JsonValueKind.String &&
            DateTimeOffset.TryParse(n.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            next = parsed;
        }

        return new TimerInvocation(pastDue, next);
    }

    public static object HttpResponse(FunctionResponse response, IReadOnlyList<string>? logs = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = new Dictionary<string, string>(response.Headers ?? new Dictionary<string, string>())
        {
            ["Content-Type"] = response.ContentType,
        };
        return new Dictionary<string, object?>
        {
            ["Outputs"] = new Dictionary<string, object?>
            {
                ["res"] = new Dictionary<string, object?>
                {
                    ["statusCode"] = response.StatusCode,
                    ["headers"] = headers,
                    ["body"] = response.Body,
                },
            },
            ["Logs"] = logs ?? [],
            ["ReturnValue"] = null,
        };
    }

    public static object TimerResponse(string summary) =>
        new Dictionary<string, object?>
        {
            ["Outputs"] = new Dictionary<string, object?>(),
            ["Logs"] = new[] { summary },
            ["ReturnValue"] = summary,
        };

    private static JsonElement ParseNested(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return default;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new InvalidInvocationException("\"Data.timer\" is a string that is not JSON.");
        }
    }

    private static string StringValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(StringValue)),
        JsonValueKind.Null => string.Empty,
        _ => value.GetRawText(),
    };

    /// <summary>Case-insensitive property lookup: the host's casing has varied across versions.</summary>
    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in element.EnumerateObject())
            {
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = p.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }
}
