using System.Diagnostics;
using HhFunctions.HeadHunter;
using Microsoft.Extensions.Options;

namespace HhFunctions.Observability;

/// <summary>
/// The outermost handler of every app HttpClient (retries included): one client span per call, named by what it
/// does ("hh.ru GET resumes/{id}/publish", "bitrix24 crm.lead.add"), with the URL redacted (<see cref="UrlRedaction"/>),
/// and for hh.ru and Bitrix24 the request counters and durations of <see cref="AppTelemetry"/> by operation and
/// status class. Nothing from the request's headers or body is read.
/// </summary>
public sealed class CallTelemetryHandler(IOptionsMonitor<HhOptions> hh, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (service, operation) = Classify(request);
        using var activity = AppTelemetry.Source.StartActivity(service switch { "hh" => "hh.ru " + operation, "bitrix24" => "bitrix24 " + operation, _ => "HTTP " + request.Method.Method }, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("server.address", request.RequestUri?.Host);
            activity.SetTag("url.full", UrlRedaction.Redact(request.RequestUri));
            activity.SetTag("hhfunctions.service", service);
            activity.SetTag("hhfunctions.operation", operation);
        }

        var started = time.GetTimestamp();
        var status = "error";
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            status = StatusClass((int)response.StatusCode);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            if ((int)response.StatusCode >= 400)
            {
                activity?.SetStatus(ActivityStatusCode.Error, status);
            }

            return response;
        }
        catch (Exception ex)
        {
            activity.Failed(ex);
            throw;
        }
        finally
        {
            Record(service, operation, status, time.GetElapsedTime(started));
        }
    }

    private static void Record(string service, string operation, string status, TimeSpan elapsed)
    {
        var tags = new TagList { { "hhfunctions.operation", operation }, { "http.status_class", status } };
        switch (service)
        {
            case "hh":
                AppTelemetry.HhRequests.Add(1, tags);
                AppTelemetry.HhRequestDuration.Record(elapsed.TotalSeconds, tags);
                break;
            case "bitrix24":
                AppTelemetry.Bitrix24Requests.Add(1, tags);
                AppTelemetry.Bitrix24RequestDuration.Record(elapsed.TotalSeconds, tags);
                break;
        }
    }

    internal static string StatusClass(int status) => status is >= 100 and < 600 ? (status / 100).ToString(System.Globalization.CultureInfo.InvariantCulture) + "xx" : "error";

    /// <summary>hh.ru (the API's or the OAuth site's host), Bitrix24 (a REST path) or another service, and the call's operation without ids.</summary>
    internal (string Service, string Operation) Classify(HttpRequestMessage request)
    {
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return ("other", request.Method.Method);
        }

        var o = hh.CurrentValue;
        if (Same(uri, o.ApiBaseUrl) || Same(uri, o.OAuthBaseUrl))
        {
            return ("hh", request.Method.Method + " " + Operation(uri.AbsolutePath));
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var rest = Array.IndexOf(segments, "rest");
        if (rest >= 0 && segments.Length > rest + 3)
        {
            var method = segments[^1].EndsWith(".json", StringComparison.Ordinal) ? segments[^1][..^5] : segments[^1];
            return ("bitrix24", UrlRedaction.IsPlain(method) ? method : "other");
        }

        return ("other", request.Method.Method);
    }

    private static bool Same(Uri uri, Uri? baseUrl) =>
        baseUrl is { IsAbsoluteUri: true } && string.Equals(uri.Host, baseUrl.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>"resumes/{id}/publish": the path's words, each id or other value as {id}, at most five segments.</summary>
    internal static string Operation(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Take(5)
            .Select(s => s.All(c => char.IsAsciiLetter(c) || c is '_' or '-' or '.') && s.Length <= 40 ? s : "{id}");
        var operation = string.Join('/', segments);
        return operation.Length == 0 ? "/" : operation;
    }
}
