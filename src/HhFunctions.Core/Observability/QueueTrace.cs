using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HhFunctions.Queues;

namespace HhFunctions.Observability;

/// <summary>
/// The trace context and timing carried through the app's own queue messages, both hosts alike: a sent message gets
/// two extra JSON properties, <c>_traceparent</c> (W3C, when something is traced) and <c>_visibleAt</c> (when it
/// becomes visible), which every message's Parse ignores. Its handling is a consumer span whose parent is the
/// sender's span, so a response's path from the webhook to the CRM is one trace; the wait from visible to handled
/// is recorded as hhfunctions.queue.message.age.
/// </summary>
public static class QueueTrace
{
    public const string TraceParent = "_traceparent";
    public const string TraceState = "_tracestate";
    public const string VisibleAt = "_visibleAt";

    /// <summary><paramref name="json"/> (a message's JSON object) with the trace context and visible time added.</summary>
    public static string Stamp(string queue, string json, TimeSpan delay, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(time);
        if (!json.StartsWith('{'))
        {
            return json;
        }

        using var send = AppTelemetry.Source.StartActivity(queue + " send", ActivityKind.Producer);
        send?.SetTag("messaging.destination.name", queue);
        send?.SetTag("messaging.operation.type", "send");
        var context = send ?? Activity.Current;
        var visibleAt = (time.GetUtcNow() + QueueLimits.Clamp(delay)).ToString("O", CultureInfo.InvariantCulture);
        var extra = $"\"{VisibleAt}\":\"{visibleAt}\"";
        if (context is { IdFormat: ActivityIdFormat.W3C, Id: { } id })
        {
            extra += $",\"{TraceParent}\":{JsonSerializer.Serialize(id)}";
            if (context.TraceStateString is { Length: > 0 } state)
            {
                extra += $",\"{TraceState}\":{JsonSerializer.Serialize(state)}";
            }
        }

        var rest = json[1..].TrimStart();
        return "{" + extra + (rest.StartsWith('}') ? string.Empty : ",") + rest;
    }

    /// <summary>
    /// Handles one message body: a consumer span (child of the sender's span; linked to the host's invocation span when
    /// there is one), the message's age recorded, the body parsed and handed to <paramref name="handler"/>.
    /// </summary>
    public static async Task HandleAsync<TMessage>(IQueueHandler<TMessage> handler, string body, TimeProvider time, CancellationToken ct)
        where TMessage : IQueueMessage<TMessage>
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(time);
        var queue = TMessage.QueueName;
        var (parent, visibleAt) = Read(body);
        var invocation = Activity.Current;
        ActivityLink[]? links = invocation is not null && parent != default ? [new ActivityLink(invocation.Context)] : null;
        using var activity = parent != default
            ? AppTelemetry.Source.StartActivity(queue + " process", ActivityKind.Consumer, parent, links: links)
            : AppTelemetry.Source.StartActivity(queue + " process", ActivityKind.Consumer);
        activity?.SetTag("messaging.destination.name", queue);
        activity?.SetTag("messaging.operation.type", "process");
        if (visibleAt is { } at)
        {
            AppTelemetry.QueueMessageAge(queue, time.GetUtcNow() - at);
        }

        try
        {
            await handler.HandleAsync(TMessage.Parse(body), ct);
        }
        catch (Exception ex)
        {
            activity.Failed(ex);
            throw;
        }
    }

    /// <summary>The sender's span context and the visible time, when the body carries them (an older message may not).</summary>
    internal static (ActivityContext Parent, DateTimeOffset? VisibleAt) Read(string? body)
    {
        if (string.IsNullOrEmpty(body) || !body.StartsWith('{'))
        {
            return (default, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var parent = root.TryGetProperty(TraceParent, out var tp) && tp.ValueKind == JsonValueKind.String
                && ActivityContext.TryParse(tp.GetString(), root.TryGetProperty(TraceState, out var ts) && ts.ValueKind == JsonValueKind.String ? ts.GetString() : null, isRemote: true, out var context)
                ? context
                : default;
            DateTimeOffset? visibleAt = root.TryGetProperty(VisibleAt, out var v) && v.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
                ? parsed
                : null;
            return (parent, visibleAt);
        }
        catch (JsonException)
        {
            return (default, null); // the message's own Parse reports it
        }
    }
}
