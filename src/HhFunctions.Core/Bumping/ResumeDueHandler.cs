using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.State;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Bumping;

/// <summary>
/// A due-time queue message (<see cref="ResumeDueMessage"/>): raises that one resume, under the same run lock as
/// the scheduled runs. hh.ru's own next_publish_at is read first (GET /resumes/{id}), so a stale, duplicate or
/// early message costs one read and no publish; a message already superseded by a later plan costs no hh.ru call.
/// </summary>
public sealed partial class BumpResumesJob
{
    /// <summary>The trigger recorded for raises from the due-time queue.</summary>
    public const string DueTrigger = "due-time queue";

    /// <summary>How long a due-time message waits for a run holding the lock before it is put back.</summary>
    public static readonly TimeSpan DueLockWait = TimeSpan.FromSeconds(30);

    /// <summary>A message that arrives this little before hh.ru allows the raise waits for it instead of re-planning.</summary>
    public static readonly TimeSpan DueEarlyWait = TimeSpan.FromSeconds(30);

    /// <summary>The lock's lease for one due-time raise: a read, a publish, their retries, the report.</summary>
    public static TimeSpan DueLease => DueEarlyWait + WorkAllowance + ReportAllowance;

    /// <summary>Raises the message's resume if hh.ru allows it. Null when nothing was asked of hh.ru worth recording.</summary>
    public async Task<RunRecord?> RaiseDueAsync(ResumeDueMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var allowed = options.Value.ResumeIdSet;
        if (allowed.Count > 0 && !allowed.Contains(message.ResumeId))
        {
            Log.DueIgnored(logger, message.ResumeId, "not in Bump__ResumeIds");
            return null;
        }

        var started = time.GetUtcNow();
        var runId = started.ToString("yyyyMMddTHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-q" + Guid.NewGuid().ToString("N")[..5];
        var notes = new List<string>();
        ILease? lease = null;
        try
        {
            lease = await locks.TryAcquireAsync(RunLockName, DueLease, DueLockWait, ct);
            if (lease is null)
            {
                Log.DueLockBusy(logger, message.ResumeId);
                await planner.RetryLaterAsync(message, ct);
                return null;
            }
        }
        catch (StateStoreException ex)
        {
            notes.Add("State storage is unreachable, so this raise ran without the run lock: " + ex.Message);
        }

        try
        {
            return await RaiseDueLockedAsync(message, runId, started, notes, ct);
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }
        }
    }

    /// <summary>A later plan exists, or the resume was raised after this message's due time was computed.</summary>
    internal static bool Superseded(ResumeState known, ResumeDueMessage message) =>
        (known.NextPlannedAt is { } planned && planned > message.DueAt)
        || (known.LastRaisedAt is { } raised && raised + RaiseInterval > message.DueAt);

    private async Task<RunRecord?> RaiseDueLockedAsync(ResumeDueMessage message, string runId, DateTimeOffset started, List<string> notes, CancellationToken ct)
    {
        ResumeState? known = null;
        try
        {
            if ((await state.GetAccountAsync(ct)).Paused)
            {
                Log.DueIgnored(logger, message.ResumeId, "raising is paused");
                return null;
            }

            known = (await state.GetResumesAsync(ct)).FirstOrDefault(r => r.ResumeId == message.ResumeId);
        }
        catch (StateStoreException ex)
        {
            notes.Add("State storage is unreachable: " + ex.Message);
        }

        if (known is not null && Superseded(known, message))
        {
            Log.DueIgnored(logger, message.ResumeId, "already raised or planned later");
            return null;
        }

        var title = known?.Title ?? message.ResumeId;
        var budget = DueEarlyWait + WorkAllowance;
        using var budgetSource = new CancellationTokenSource(budget, time);
        using var workSource = CancellationTokenSource.CreateLinkedTokenSource(ct, budgetSource.Token);
        var work = workSource.Token;
        const string timeLimit = "hh.ru answered too slowly; the schedule tries again";

        ResumeRunResult result;
        TokenUnavailableException? tokenProblem = null;
        try
        {
            var resume = await tokens.WithAccessTokenAsync((token, c) => hh.GetResumeAsync(token, message.ResumeId, c), work);
            result = await BumpOneAsync(resume, time.GetUtcNow() + DueEarlyWait, work);
        }
        catch (OperationCanceledException) when (budgetSource.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            result = new ResumeRunResult(message.ResumeId, title, ResumeOutcome.Failed, null, "Cut off: " + timeLimit + ".");
        }
        catch (TokenUnavailableException ex)
        {
            tokenProblem = ex;
            Log.TokenUnavailable(logger, ex.Problem, ex.Message);
            result = new ResumeRunResult(message.ResumeId, title, ResumeOutcome.Failed, null, ex.Message);
        }
        catch (HhApiException ex) when (ex.Error.StatusCode == 404)
        {
            Log.DueIgnored(logger, message.ResumeId, "hh.ru does not know the resume (deleted or not this account's)");
            return null;
        }
        catch (HhApiException ex)
        {
            Log.PublishFailed(logger, message.ResumeId, ex.Error.Kind, ex.Error.StatusCode);
            result = new ResumeRunResult(message.ResumeId, title, ResumeOutcome.Failed, null, ex.Error.Message);
        }

        var status = result.Outcome == ResumeOutcome.Failed ? RunStatus.Failed : RunStatus.Succeeded;
        var summary = result.Outcome switch
        {
            ResumeOutcome.Raised => "1 raised from the due-time queue.",
            ResumeOutcome.NotYet => "Not yet: hh.ru gave a later time; planned again.",
            ResumeOutcome.Skipped => "Skipped: " + result.Message,
            _ => "1 failed: " + result.Message,
        };
        return await FinishAsync(new RunRecord(runId, DueTrigger, started, time.GetUtcNow(), status, summary, [result]), tokenProblem, notes, ct);
    }

    private static partial class Log
    {
        [LoggerMessage(4020, LogLevel.Information, "Due-time message for resume {ResumeId} ended without a raise: {Reason}.")]
        public static partial void DueIgnored(ILogger logger, string resumeId, string reason);

        [LoggerMessage(4021, LogLevel.Information, "Due-time message for resume {ResumeId}: a run holds the lock; put back for a minute.")]
        public static partial void DueLockBusy(ILogger logger, string resumeId);
    }
}
