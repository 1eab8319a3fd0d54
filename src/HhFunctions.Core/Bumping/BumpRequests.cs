using System.Text.Json;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Queues;
using HhFunctions.Web;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Bumping;

/// <summary>
/// An on-demand bump, as it travels through the queue. It carries no secret: only who asked and when.
/// </summary>
public sealed record BumpRequest(string Trigger, DateTimeOffset RequestedAt) : IQueueMessage<BumpRequest>
{
    /// <summary>The queue of on-demand runs, read by the BumpOnDemand function (Azure) or in process (standalone).</summary>
    public const string Queue = "hh-bump-requests";

    public static string QueueName => Queue;

    public string ToJson() => JsonSerializer.Serialize(this, HttpEndpoints.JsonOptions);

    /// <summary>Reads a queue message; a message that is not a bump request is refused with a clear reason.</summary>
    public static BumpRequest Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new FormatException("The queue message is empty.");
        }

        try
        {
            var request = JsonSerializer.Deserialize<BumpRequest>(json, HttpEndpoints.JsonOptions);
            return request is { Trigger.Length: > 0 and <= 100 }
                ? request
                : throw new FormatException("The queue message has no trigger.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The queue message is not a bump request: {ex.Message}", ex);
        }
    }
}

/// <summary>
/// Runs one on-demand bump (a queue message), whichever host delivered it, and answers a /bump in Telegram.
/// </summary>
public sealed partial class BumpRequestHandler(BumpResumesJob job, ITelegramNotifier telegram, TimeProvider time, ILogger<BumpRequestHandler> logger) : IQueueHandler<BumpRequest>
{
    /// <summary>The trigger recorded for a run started with the status page's "Raise now" button.</summary>
    public const string StatusPageTrigger = "status page";

    /// <summary>A request older than this is stale (the queue was down, the app stopped): the schedule has run since.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    Task IQueueHandler<BumpRequest>.HandleAsync(BumpRequest message, CancellationToken ct) => HandleAsync(message, ct);

    public async Task<RunRecord?> HandleAsync(BumpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var age = time.GetUtcNow() - request.RequestedAt;
        if (age > MaxAge)
        {
            Log.Stale(logger, request.Trigger, request.RequestedAt);
            return null;
        }

        RunRecord run;
        try
        {
            run = await job.RunAsync(request.Trigger, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Reported once, not retried: a run that crashed would crash again, and the schedule catches up.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.Crashed(logger, ex, request.Trigger);
            if (request.Trigger == RunReporter.OnDemandTrigger)
            {
                await telegram.SendAsync($"⛔ <b>/bump</b> failed unexpectedly ({System.Net.WebUtility.HtmlEncode(ex.GetType().Name)}). The app's log has the details.", ct);
            }

            return null;
        }

        if (request.Trigger == RunReporter.OnDemandTrigger)
        {
            await telegram.SendAsync(BumpCommands.BumpText(run), ct);
        }

        return run;
    }

    private static partial class Log
    {
        [LoggerMessage(5101, LogLevel.Warning, "On-demand bump from {Trigger} asked for at {RequestedAt:O} is over an hour old; dropped (the schedule has run since).")]
        public static partial void Stale(ILogger logger, string trigger, DateTimeOffset requestedAt);

        [LoggerMessage(5102, LogLevel.Error, "On-demand bump from {Trigger} failed unexpectedly; reported, not retried.")]
        public static partial void Crashed(ILogger logger, Exception exception, string trigger);
    }
}
