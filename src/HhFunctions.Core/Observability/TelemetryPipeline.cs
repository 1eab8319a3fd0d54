using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HhFunctions.Observability;

/// <summary>
/// What the OpenTelemetry SDK listens to, whichever exporter follows (the app's exporters, or a test's in-memory one):
/// the app's <see cref="AppTelemetry"/> source and meter, HttpClient's spans and metrics, the standalone host's
/// request spans, and <see cref="RedactingProcessor"/> before any exporter sees a span.
/// </summary>
public static class TelemetryPipeline
{
    public static TracerProviderBuilder Tracing(TracerProviderBuilder tracing, AppHost host)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        tracing.AddSource(AppTelemetry.Name)
            .AddHttpClientInstrumentation(o =>
            {
                o.EnrichWithHttpRequestMessage = (activity, request) => activity.SetTag("url.full", UrlRedaction.Redact(request.RequestUri));
                o.RecordException = false; // an exception's message may quote a server's answer
            });
        if (host == AppHost.Standalone)
        {
            tracing.AddSource("Microsoft.AspNetCore"); // the standalone host's requests (in Azure the Functions host traces them)
        }

        return tracing.AddProcessor(new RedactingProcessor());
    }

    public static MeterProviderBuilder Metrics(MeterProviderBuilder metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics.AddMeter(AppTelemetry.Name).AddHttpClientInstrumentation();
    }
}

/// <summary>
/// The last word on what a span may say, whoever made it: URL tags lose their query and secret path segments
/// (<see cref="UrlRedaction"/>), a query tag is dropped, and a display name that holds a path is redacted the same way.
/// </summary>
public sealed class RedactingProcessor : BaseProcessor<Activity>
{
    private static readonly string[] UrlTags = ["url.full", "http.url", "url.original"];
    private static readonly string[] PathTags = ["url.path", "http.target", "http.route"];
    private static readonly string[] DroppedTags = ["url.query"];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var tag in UrlTags)
        {
            if (data.GetTagItem(tag) is string url)
            {
                data.SetTag(tag, Uri.TryCreate(url, UriKind.Absolute, out var uri) ? UrlRedaction.Redact(uri) : UrlRedaction.RedactPath(url));
            }
        }

        foreach (var tag in PathTags)
        {
            if (data.GetTagItem(tag) is string path)
            {
                data.SetTag(tag, UrlRedaction.RedactPath(path));
            }
        }

        foreach (var tag in DroppedTags)
        {
            if (data.GetTagItem(tag) is not null)
            {
                data.SetTag(tag, null);
            }
        }

        if (data.DisplayName.Contains('/', StringComparison.Ordinal) || data.DisplayName.Contains('?', StringComparison.Ordinal))
        {
            data.DisplayName = string.Join(' ', data.DisplayName.Split(' ').Select(word => word.Contains('/', StringComparison.Ordinal) || word.Contains('?', StringComparison.Ordinal) ? UrlRedaction.RedactPath(word) : word));
        }
    }
}
