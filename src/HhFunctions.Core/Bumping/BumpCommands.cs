using HhFunctions.Queues;
using System.Net;
using HhFunctions.State;
using HhFunctions.Telegram;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Bumping;

/// <summary>The bot's /bump, /pause and /resume, and the answer to /bump once its run finished.</summary>
public sealed partial class BumpCommands(
    IDistributedLock locks,
    IQueue<BumpRequest> requests,
    IStateStore state,
    TimeProvider time,
    ILogger<BumpCommands> logger)
{
    /// <summary>The trigger recorded for a run started with /bump.</summary>
    public const string BumpTrigger = RunReporter.OnDemandTrigger;

    /// <summary>The answer to /bump once its run finished.</summary>
    public static string BumpText(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var icon = run.Status switch
        {
            RunStatus.Succeeded => "✅",
            RunStatus.Skipped => "⏸",
            RunStatus.PartiallyFailed => "⚠️",
            _ => "⛔",
        };
        return $"{icon} <b>/bump</b> finished: {WebUtility.HtmlEncode(run.Summary)}\nDetails: /status";
    }

    /// <summary>
    /// Queues the run (BumpOnDemand in Azure, the in-process queue standalone): it may wait minutes for hh.ru,
    /// and no work may outlive this webhook call on a Consumption instance. The run answers when it finishes.
    /// </summary>
    public async Task<string?> BumpAsync(CancellationToken ct)
    {
        if (await RunInProgressAsync(ct))
        {
            return "⏳ A run is already in progress; its report follows when it finishes. Nothing new was started.";
        }

        await requests.SendAsync(new BumpRequest(BumpTrigger, time.GetUtcNow()), ct);
        return "⏳ <b>/bump</b>: raising now. The result follows when the run finishes (it may wait a few minutes for hh.ru).";
    }

    /// <summary>/pause (true) and /resume (false): raising and vacancy watching stop or start again.</summary>
    public async Task<string> SetPausedAsync(bool paused, CancellationToken ct)
    {
        var was = false;
        var now = time.GetUtcNow();
        await state.UpdateAccountAsync(
            a =>
            {
                was = a.Paused;
                return a with { Paused = paused, UpdatedAt = now };
            },
            ct);
        Log.PausedChanged(logger, paused);
        return (paused, was) switch
        {
            (true, true) => "⏸ Raising was already paused. /resume to continue.",
            (true, false) => "⏸ Raising paused: scheduled runs and /bump do nothing until /resume. Vacancy watching is paused too.",
            (false, false) => "▶️ Raising was not paused; nothing changed.",
            (false, true) => "▶️ Raising resumed: the next scheduled run raises what hh.ru allows. /bump runs one now. Vacancy watching resumes on its schedule too.",
        };
    }

    /// <summary>The run lock is held by another run (timer, schedule, an earlier /bump)?</summary>
    private async Task<bool> RunInProgressAsync(CancellationToken ct)
    {
        try
        {
            var lease = await locks.TryAcquireAsync(BumpResumesJob.RunLockName, TimeSpan.FromSeconds(30), TimeSpan.Zero, ct);
            if (lease is null)
            {
                return true;
            }

            await lease.DisposeAsync();
            return false;
        }
        catch (StateStoreException ex)
        {
            // The job copes without the lock and says so in its report.
            Log.LockUnavailable(logger, ex.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2111, LogLevel.Information, "Raising paused set to {Paused} from Telegram.")]
        public static partial void PausedChanged(ILogger logger, bool paused);

        [LoggerMessage(2112, LogLevel.Warning, "/bump: the run lock could not be checked: {Reason}")]
        public static partial void LockUnavailable(ILogger logger, string reason);
    }
}
