using HhFunctions.Queues;
using HhFunctions.Recruiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Functions;

/// <summary>hh.ru's webhook for the employer's account (anonymous; the key in the path authenticates it): the logic is in <see cref="RecruitingEndpoints"/>.</summary>
public sealed class HhWebhookFunction(RecruitingEndpoints endpoints)
{
    [Function("HhWebhook")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = RecruitingRoutes.Webhook)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "HhWebhook", endpoints.WebhookAsync);
}

/// <summary>Recruiting's two queues and its reconcile schedule (docs/recruiting.md).</summary>
public sealed partial class RecruitingFunctions(IQueueHandler<RecruitingEvent> events, IQueueHandler<CrmDrain> writes, ReconcileJob reconcile, TimeProvider time, ILogger<RecruitingFunctions> logger)
{
    /// <summary>One response or state change to read from hh.ru (from the webhook, the reconcile run or a retry).</summary>
    [Function("RecruitingEvents")]
    public async Task Events([QueueTrigger(RecruitingEvent.Queue, Connection = FunctionsHost.StorageConnection)] string message, CancellationToken ct) =>
        await events.HandleAsync(message, time, ct);

    /// <summary>A request to write the waiting responses into Bitrix24 (one writer at a time, under a lock).</summary>
    [Function("RecruitingWrites")]
    public async Task Writes([QueueTrigger(CrmDrain.Queue, Connection = FunctionsHost.StorageConnection)] string message, CancellationToken ct) =>
        await writes.HandleAsync(message, time, ct);

    /// <summary>Timer trigger on the app setting Recruiting__ReconcileSchedule (default every 15 minutes): finds the responses no webhook brought.</summary>
    [Function("ReconcileResponses")]
    public async Task Reconcile([TimerTrigger("%Recruiting__ReconcileSchedule%")] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var summary = await reconcile.RunAsync(ct);
        Log.RunEnded(logger, summary);
    }

    private static partial class Log
    {
        [LoggerMessage(9511, LogLevel.Information, "ReconcileResponses: {Summary}")]
        public static partial void RunEnded(ILogger logger, string summary);
    }
}
