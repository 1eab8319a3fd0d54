using HhFunctions.Bumping;
using HhFunctions.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Functions;

/// <summary>The bump runs: on the schedule, and on demand from the queue. The logic is in <see cref="BumpResumesJob"/>.</summary>
public sealed partial class BumpResumesFunction(BumpResumesJob job, IQueueHandler<BumpRequest> onDemand, IQueueHandler<ResumeDueMessage> due, TimeProvider time, ILogger<BumpResumesFunction> logger)
{
    /// <summary>Timer trigger on the app setting Bump__Schedule (default "0 1 */4 * * *").</summary>
    [Function("BumpResumes")]
    public async Task Run([TimerTrigger("%Bump__Schedule%")] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var run = await job.RunAsync(timer.IsPastDue ? "timer (past due)" : "timer", BumpResumesJob.ScheduledLockWait, ct);
        Log.RunEnded(logger, run.Status.ToString(), run.Summary);
    }

    /// <summary>An on-demand run (/bump, the status page's "Raise now"), one queue message each.</summary>
    [Function("BumpOnDemand")]
    public async Task OnDemand([QueueTrigger(BumpRequest.Queue, Connection = FunctionsHost.StorageConnection)] string message, CancellationToken ct) =>
        await onDemand.HandleAsync(message, time, ct);

    /// <summary>One resume's due-time message: raises it when hh.ru allows (docs/schedule.md).</summary>
    [Function("ResumeDue")]
    public async Task Due([QueueTrigger(ResumeDueMessage.Queue, Connection = FunctionsHost.StorageConnection)] string message, CancellationToken ct) =>
        await due.HandleAsync(message, time, ct);

    private static partial class Log
    {
        [LoggerMessage(5301, LogLevel.Information, "BumpResumes: {Status}: {Summary}")]
        public static partial void RunEnded(ILogger logger, string status, string summary);
    }
}
