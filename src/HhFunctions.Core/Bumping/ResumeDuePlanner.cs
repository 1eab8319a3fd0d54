using Cronos;
using HhFunctions.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using HhFunctions.Configuration;
using HhFunctions.Queues;

namespace HhFunctions.Bumping;

/// <summary>
/// Decides, after every run and every queue raise, what raises each resume next: a due-time queue message at
/// hh.ru's next_publish_at + <see cref="BumpResumesJob.EligibilityMargin"/>, or (queue switched off or down,
/// nothing to wait for, a failure) the schedule's next run. Sending never fails a run: a queue that is down is
/// logged and the schedule, the safety net, takes over.
/// </summary>
public sealed partial class ResumeDuePlanner(IResumeDueMessages queue, IOptions<BumpOptions> options, TimeProvider time, ILogger<ResumeDuePlanner> logger)
{
    /// <summary>
    /// Each due time is sent twice: at the due time and this much later. When the first message arrives the
    /// second finds the resume already planned further ahead and ends without calling hh.ru; when the first is
    /// lost, the second raises the resume half a minute late instead of at the next scheduled run, hours later.
    /// </summary>
    public static readonly TimeSpan BackupDelay = TimeSpan.FromSeconds(30);

    /// <summary>A message put back because a run held the lock comes again after this.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>After this many put-backs the message is dropped; the schedule raises the resume.</summary>
    public const int MaxAttempts = 10;

    /// <summary>The plan for one resume after <paramref name="result"/>; sends the queue messages it needs.</summary>
    public async Task<(DateTimeOffset? At, PlannedBy? By)> PlanAsync(ResumeRunResult result, ResumeState? before, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(result);
        var now = time.GetUtcNow();
        if (result.Outcome is not (ResumeOutcome.Raised or ResumeOutcome.NotYet) || result.NextAllowedAt is not { } next)
        {
            // Skipped, failed, or hh.ru gave no time: the schedule looks again (a message now could only fail again).
            return (NextScheduledRun(now), PlannedBy.Timer);
        }

        var due = next + BumpResumesJob.EligibilityMargin;
        if (due < now)
        {
            due = now;
        }

        if (!queue.Enabled)
        {
            return (NextScheduledRun(due), PlannedBy.Timer);
        }

        if (before is { NextPlannedBy: PlannedBy.Queue, NextPlannedAt: { } planned } && planned == due)
        {
            return (due, PlannedBy.Queue); // already sent (a run saw the same next_publish_at)
        }

        var sent = 0;
        var message = new ResumeDueMessage(result.ResumeId, due);
        foreach (var delay in new[] { due - now, due - now + BackupDelay })
        {
            if (await TrySendAsync(message, delay, ct))
            {
                sent++;
            }
        }

        if (sent == 0)
        {
            return (NextScheduledRun(due), PlannedBy.Timer);
        }

        Log.Planned(logger, result.ResumeId, due);
        return (due, PlannedBy.Queue);
    }

    /// <summary>A run held the lock: the message comes back a minute later, up to <see cref="MaxAttempts"/> times.</summary>
    public async Task RetryLaterAsync(ResumeDueMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Attempt + 1 >= MaxAttempts)
        {
            Log.GaveUp(logger, message.ResumeId, message.Attempt + 1);
            return;
        }

        await TrySendAsync(message with { Attempt = message.Attempt + 1 }, RetryDelay, ct);
    }

    /// <summary>The schedule's first run at or after <paramref name="from"/> (UTC), or null if the expression has none.</summary>
    public DateTimeOffset? NextScheduledRun(DateTimeOffset from)
    {
        try
        {
            return Cron.NextOccurrence(options.Value.Schedule, from, inclusive: true);
        }
        catch (CronFormatException)
        {
            return null;
        }
    }

    private async Task<bool> TrySendAsync(ResumeDueMessage message, TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await queue.SendAsync(message, QueueLimits.Clamp(delay), ct);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A queue that is down must never fail a run: the schedule is the safety net.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SendFailed(logger, message.ResumeId, ex.GetType().Name, ex.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4101, LogLevel.Information, "Resume {ResumeId}: next raise planned from the due-time queue at {Due:O}.")]
        public static partial void Planned(ILogger logger, string resumeId, DateTimeOffset due);

        [LoggerMessage(4102, LogLevel.Warning, "Resume {ResumeId}: the due-time queue message could not be sent ({Type}: {Reason}); the schedule raises it instead.")]
        public static partial void SendFailed(ILogger logger, string resumeId, string type, string reason);

        [LoggerMessage(4103, LogLevel.Warning, "Resume {ResumeId}: the due-time message found a run holding the lock {Attempts} times; dropped, the schedule raises it.")]
        public static partial void GaveUp(ILogger logger, string resumeId, int attempts);
    }
}
