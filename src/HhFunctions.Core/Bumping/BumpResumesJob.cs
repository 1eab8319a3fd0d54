using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.State;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Bumping;

/// <summary>
/// Raises every eligible resume once. hh.ru decides when a resume may be raised (next_publish_at,
/// can_publish_or_update); a resume that becomes eligible within <see cref="BumpOptions.MaxWait"/> is waited
/// for inside the run; 429 touch_limit_exceeded means "not yet". One resume's failure never stops the others.
/// </summary>
public sealed partial class BumpResumesJob(
    TokenManager tokens,
    HhClient hh,
    IStateStore state,
    IDistributedLock locks,
    RunReporter reporter,
    OAuth.ApplicantAccess access,
    ResumeDuePlanner planner,
    IOptions<BumpOptions> options,
    TimeProvider time,
    ILogger<BumpResumesJob> logger)
{
    public const string RunLockName = "bump-run";

    /// <summary>hh.ru's (undocumented, community-known) interval; only used to estimate the next time after a raise.</summary>
    public static readonly TimeSpan RaiseInterval = TimeSpan.FromHours(4);

    /// <summary>
    /// Safety margin past next_publish_at: hh.ru writes it to the second (so up to 1 s early), and our clock may
    /// be a little ahead of hh.ru's.
    /// </summary>
    /// <remarks>
    /// Drift. hh.ru's next chance is "last raise + 4 h", and the schedule fires every 4 h. A resume whose chance
    /// falls inside a run is raised at next_publish_at + this margin + one request's latency, so each waited-for
    /// raise lands about 2-4 s later on the schedule than the previous one. The lag cannot be won back (a raise
    /// is never allowed earlier than 4 h after the last), so once it exceeds <see cref="BumpOptions.MaxWait"/>
    /// the resume is reported "not yet" and raised at the start of the next run, which resets the lag at the cost
    /// of one raise. That happens once per MaxWait / lag cycles: about every 100 cycles (two to three weeks) with
    /// the default 5 minutes, which keeps a resume above 5.9 raises a day (see docs/schedule.md and the
    /// benchmark in tests/HhFunctions.Benchmarks). A longer MaxWait loses less, a shorter one more; a smaller
    /// margin would drift less but risk raising before hh.ru allows it.
    /// </remarks>
    public static readonly TimeSpan EligibilityMargin = TimeSpan.FromSeconds(2);

    /// <summary>Time a run may spend beyond its in-run waits: listing, a token refresh, the raises themselves.</summary>
    public static readonly TimeSpan WorkAllowance = TimeSpan.FromMinutes(3);

    /// <summary>Time left after the work for saving history and sending the report (Telegram gives up after 30 s).</summary>
    public static readonly TimeSpan ReportAllowance = TimeSpan.FromMinutes(2);

    /// <summary>How long a scheduled run waits for the run lock a due-time raise may hold (for seconds).</summary>
    public static readonly TimeSpan ScheduledLockWait = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The run lock's lease. It must outlive the run, or a second run could take the lock while the first still
    /// raises: the run's work is cut off after MaxWait + <see cref="WorkAllowance"/> (see the run budget), and
    /// <see cref="ReportAllowance"/> covers what follows.
    /// </summary>
    public static TimeSpan RunLease(BumpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxWait + WorkAllowance + ReportAllowance;
    }

    public Task<RunRecord> RunAsync(string trigger, CancellationToken ct) => RunAsync(trigger, TimeSpan.Zero, ct);

    /// <summary>
    /// One run. <paramref name="lockWait"/>: how long to wait for the run lock before skipping; scheduled runs
    /// wait <see cref="ScheduledLockWait"/> so a due-time raise holding it for seconds does not cost them their turn.
    /// </summary>
    public async Task<RunRecord> RunAsync(string trigger, TimeSpan lockWait, CancellationToken ct)
    {
        using var span = Observability.AppTelemetry.StartRun("bump", trigger);
        var started = time.GetUtcNow();
        var runId = started.ToString("yyyyMMddTHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        var notes = new List<string>();

        ILease? lease = null;
        try
        {
            lease = await locks.TryAcquireAsync(RunLockName, RunLease(options.Value), lockWait, ct);
            if (lease is null)
            {
                return await FinishAsync(new RunRecord(runId, trigger, started, time.GetUtcNow(), RunStatus.Skipped, "Another run is in progress; this one did nothing.", []), null, notes, ct);
            }
        }
        catch (StateStoreException ex)
        {
            notes.Add("State storage is unreachable, so this run ran without the run lock and its history may be missing: " + ex.Message);
        }

        try
        {
            return await RunLockedAsync(runId, trigger, started, notes, ct);
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }
        }
    }

    private async Task<RunRecord> RunLockedAsync(string runId, string trigger, DateTimeOffset started, List<string> notes, CancellationToken ct)
    {
        // The run budget: listing, waiting and raising stop at started + MaxWait + WorkAllowance, so the run lock
        // (leased for longer) is still ours when the history is saved. Saving and reporting use ct alone.
        var budget = options.Value.MaxWait + WorkAllowance - (time.GetUtcNow() - started);
        using var budgetSource = new CancellationTokenSource(budget > TimeSpan.Zero ? budget : TimeSpan.Zero, time);
        using var workSource = CancellationTokenSource.CreateLinkedTokenSource(ct, budgetSource.Token);
        var work = workSource.Token;
        var timeLimit = $"the run reached its time limit ({(options.Value.MaxWait + WorkAllowance).TotalMinutes:0} min; hh.ru answered too slowly); it is tried again on the next run";

        AccountState? account = null;
        try
        {
            account = await state.GetAccountAsync(ct);
        }
        catch (StateStoreException ex)
        {
            notes.Add("State storage is unreachable: " + ex.Message);
        }

        if (account?.Paused == true)
        {
            return await FinishAsync(new RunRecord(runId, trigger, started, time.GetUtcNow(), RunStatus.Skipped, "Raising is paused (/resume to continue).", []), null, notes, ct);
        }

        if (account?.IsEmployer == true)
        {
            // An employer's account has no resumes: no hh.ru call, no Telegram message each run (connecting said so once).
            var run = new RunRecord(runId, trigger, started, time.GetUtcNow(), RunStatus.Skipped, "An employer's account is connected: it has no resumes to raise.", []);
            Log.Finished(logger, run.Id, run.Status, run.Summary);
            try
            {
                await state.AddRunAsync(run, ct);
            }
            catch (StateStoreException ex)
            {
                Log.HistoryNotSaved(logger, ex.Message);
            }

            return run;
        }

        IReadOnlyList<HhResume> resumes;
        try
        {
            resumes = await tokens.WithAccessTokenAsync((token, c) => hh.GetMyResumesAsync(token, c), work);
        }
        catch (OperationCanceledException) when (budgetSource.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            Log.OutOfTime(logger, runId);
            return await FinishAsync(new RunRecord(runId, trigger, started, time.GetUtcNow(), RunStatus.Failed, "Could not list resumes: " + timeLimit + ".", []), null, notes, ct);
        }
        catch (TokenUnavailableException ex)
        {
            Log.TokenUnavailable(logger, ex.Problem, ex.Message);
            return await FinishAsync(new RunRecord(runId, trigger, started, time.GetUtcNow(), RunStatus.Failed, ex.Message, []), ex, notes, ct);
        }
        catch (HhApiException ex) when (ex.Error.RefusesApplicantAccess)
        {
            // Not a failure of this run: hh.ru refuses this application. Said once, checked again next run.
            var refusal = await NoApplicantAccessAsync(ex.Error, "GET /resumes/mine", ct);
            return await FinishAsync(new RunRecord(runId, trigger, started, time.GetUtcNow(), RunStatus.Skipped, refusal.Message, []), refusal, notes, ct);
        }
        catch (HhApiException ex)
        {
            Log.ListFailed(logger, ex.Error.Kind, ex.Error.StatusCode);
            return await FinishAsync(new RunRecord(runId, trigger, started, time.GetUtcNow(), RunStatus.Failed, "Could not list resumes: " + ex.Error.Message, []), null, notes, ct);
        }

        if (account?.Status == AccountStatus.NoApplicantAccess)
        {
            await access.MarkAllowedAsync(ct);
        }

        var allowed = options.Value.ResumeIdSet;
        if (allowed.Count > 0)
        {
            var missing = allowed.Except(resumes.Select(r => r.Id)).ToList();
            if (missing.Count > 0)
            {
                notes.Add("Bump__ResumeIds names resumes this account does not have: " + string.Join(", ", missing));
            }

            resumes = resumes.Where(r => allowed.Contains(r.Id)).ToList();
        }

        var deadline = started + options.Value.MaxWait;
        var results = new List<ResumeRunResult>();
        TokenUnavailableException? tokenProblem = null;
        var outOfTime = false;
        foreach (var resume in resumes.OrderBy(r => EligibleAt(r, started)))
        {
            if (tokenProblem?.Problem == TokenProblem.NoApplicantAccess)
            {
                results.Add(new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.Skipped, resume.NextPublishAt, "hh.ru refuses applicant access"));
                continue;
            }

            if (tokenProblem is not null || outOfTime)
            {
                results.Add(new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.Failed, resume.NextPublishAt, tokenProblem?.Message ?? "Not attempted: " + timeLimit + "."));
                continue;
            }

            try
            {
                results.Add(await BumpOneAsync(resume, deadline, work));
            }
            catch (OperationCanceledException) when (budgetSource.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                // A raise cut off in flight may or may not have reached hh.ru; the next listing will tell.
                outOfTime = true;
                Log.OutOfTime(logger, runId);
                results.Add(new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.Failed, resume.NextPublishAt, "Cut off: " + timeLimit + "."));
            }
            catch (TokenUnavailableException ex) when (ex.Problem == TokenProblem.NoApplicantAccess)
            {
                tokenProblem = ex;
                results.Add(new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.Skipped, resume.NextPublishAt, "hh.ru refuses applicant access"));
            }
            catch (TokenUnavailableException ex)
            {
                tokenProblem = ex;
                results.Add(new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.Failed, resume.NextPublishAt, ex.Message));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One resume's unexpected failure must not stop the others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ResumeCrashed(logger, ex, resume.Id);
                results.Add(new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.Failed, resume.NextPublishAt, "Unexpected error: " + ex.GetType().Name));
            }
        }

        if (tokenProblem?.Problem == TokenProblem.NoApplicantAccess)
        {
            return await FinishAsync(new RunRecord(runId, trigger, started, time.GetUtcNow(), RunStatus.Skipped, tokenProblem.Message, results), tokenProblem, notes, ct);
        }

        var failed = results.Count(r => r.Outcome == ResumeOutcome.Failed);
        var status = failed == 0 ? RunStatus.Succeeded : failed == results.Count ? RunStatus.Failed : RunStatus.PartiallyFailed;
        var summary = results.Count == 0
            ? "No resumes to raise."
            : $"{Count(results, ResumeOutcome.Raised)} raised, {Count(results, ResumeOutcome.NotYet)} not yet, {Count(results, ResumeOutcome.Skipped)} skipped, {failed} failed.";
        return await FinishAsync(new RunRecord(runId, trigger, started, time.GetUtcNow(), status, summary, results), tokenProblem, notes, ct);
    }

    private async Task<ResumeRunResult> BumpOneAsync(HhResume resume, DateTimeOffset deadline, CancellationToken ct)
    {
        if (SkipReason(resume) is { } reason)
        {
            return new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.Skipped, null, reason);
        }

        if (resume.CanPublishOrUpdate == false && resume.NextPublishAt is null)
        {
            // hh.ru says "not now" without saying when: an attempt could only earn a 429. Try again next run.
            return new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.NotYet, null, "hh.ru does not allow raising it now and gave no time");
        }

        var now = time.GetUtcNow();
        // The margin applies whenever hh.ru has not said yes: next_publish_at comes truncated to the second, so
        // "08:00:30" may mean 08:00:30.9, and a time our clock already sees as past is not past for hh.ru.
        if (resume.CanPublishOrUpdate != true && resume.NextPublishAt is { } next && next + EligibilityMargin > now)
        {
            var at = next + EligibilityMargin;
            if (at > deadline)
            {
                return new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.NotYet, next, null);
            }

            // Only a little ahead: wait for it instead of losing a whole schedule interval.
            Log.Waiting(logger, resume.Id, at - now);
            await Task.Delay(at - now, time, ct);
        }

        var attemptAt = time.GetUtcNow();
        try
        {
            await tokens.WithAccessTokenAsync((token, c) => hh.PublishAsync(token, resume.Id, c), ct);
            var raisedAt = time.GetUtcNow();
            Log.Raised(logger, resume.Id);
            return new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.Raised, raisedAt + RaiseInterval, null, raisedAt);
        }
        catch (HhApiException ex) when (ex.Error.Kind == HhErrorKind.TouchLimitExceeded)
        {
            // We only ask when hh.ru said the resume was due, so a 429 here usually means a retried request
            // (timeout or 5xx after hh.ru had already raised it): ask hh.ru before calling it "not yet".
            if (await ConfirmRaisedAsync(resume.Id, attemptAt, ct) is { } confirmedNext)
            {
                Log.RaiseConfirmed(logger, resume.Id);
                return new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.Raised, confirmedNext, null, confirmedNext - RaiseInterval);
            }

            // "Not yet" is not a failure; hh.ru's own time is the best guess of the next chance.
            var nextAt = resume.NextPublishAt is { } n && n > time.GetUtcNow() ? n : (DateTimeOffset?)null;
            Log.NotYet(logger, resume.Id);
            return new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.NotYet, nextAt, "hh.ru: not yet");
        }
        catch (HhApiException ex) when (ex.Error.RefusesApplicantAccess)
        {
            throw await NoApplicantAccessAsync(ex.Error, "POST /resumes/{id}/publish", ct);
        }
        catch (HhApiException ex)
        {
            Log.PublishFailed(logger, resume.Id, ex.Error.Kind, ex.Error.StatusCode);
            return new ResumeRunResult(resume.Id, resume.DisplayTitle, ResumeOutcome.Failed, resume.NextPublishAt, ex.Error.Message);
        }
    }

    /// <summary>hh.ru's next_publish_at for the resume, if it shows a raise at or after <paramref name="attemptAt"/>.</summary>
    private async Task<DateTimeOffset?> ConfirmRaisedAsync(string resumeId, DateTimeOffset attemptAt, CancellationToken ct)
    {
        try
        {
            var fresh = await tokens.WithAccessTokenAsync((token, c) => hh.GetMyResumesAsync(token, c), ct);
            var next = fresh.FirstOrDefault(r => r.Id == resumeId)?.NextPublishAt;
            // next_publish_at is truncated to the second: allow that much before the attempt.
            return next is { } n && n >= attemptAt + RaiseInterval - TimeSpan.FromSeconds(1) ? n : null;
        }
        catch (HhApiException)
        {
            return null;
        }
    }

    /// <summary>Records hh.ru's refusal of applicant access and returns it as the run's (told-once) token problem.</summary>
    private async Task<TokenUnavailableException> NoApplicantAccessAsync(HhError error, string call, CancellationToken ct)
    {
        Log.NoApplicantAccess(logger, call, error.StatusCode);
        var message = await access.MarkRefusedAsync(error, call, ct);
        return new TokenUnavailableException(TokenProblem.NoApplicantAccess, message) { NoticeKey = OAuth.ApplicantAccess.NoticeKey(error) };
    }

    internal static string? SkipReason(HhResume resume) =>
        (resume.Status?.Id, resume.Blocked) switch
        {
            (_, true) or ("blocked", _) => "blocked by hh.ru moderation",
            ("not_published", _) => "not published (publish it once on hh.ru first)",
            ("on_moderation", _) => "on moderation",
            _ when resume.Finished == false => "not finished (fill in the mandatory fields on hh.ru)",
            _ => null,
        };

    private static DateTimeOffset EligibleAt(HhResume resume, DateTimeOffset now) =>
        resume.CanPublishOrUpdate == true || resume.NextPublishAt is null ? now : resume.NextPublishAt.Value;

    private static int Count(List<ResumeRunResult> results, ResumeOutcome outcome) => results.Count(r => r.Outcome == outcome);

    private async Task<RunRecord> FinishAsync(RunRecord run, TokenUnavailableException? tokenProblem, List<string> notes, CancellationToken ct)
    {
        Observability.AppTelemetry.Raises(run);
        IReadOnlyList<ResumeState> previous = [];
        var stateReadable = true;
        try
        {
            previous = await state.GetResumesAsync(ct);
        }
        catch (StateStoreException ex)
        {
            stateReadable = false;
            Log.HistoryNotSaved(logger, ex.Message);
            notes.Add("The run history could not be saved: " + ex.Message);
        }

        // Plan each resume's next raise (a due-time queue message, or the schedule); never fails the run.
        var plans = new List<(DateTimeOffset? At, PlannedBy? By)>();
        foreach (var r in run.Results)
        {
            plans.Add(await planner.PlanAsync(r, previous.FirstOrDefault(p => p.ResumeId == r.ResumeId), ct));
        }

        if (stateReadable)
        {
            try
            {
                for (var i = 0; i < run.Results.Count; i++)
                {
                    var r = run.Results[i];
                    var before = previous.FirstOrDefault(p => p.ResumeId == r.ResumeId);
                    await state.SaveResumeAsync(new ResumeState(
                        r.ResumeId,
                        r.Title,
                        r.Outcome == ResumeOutcome.Raised ? r.RaisedAt ?? run.FinishedAt : before?.LastRaisedAt,
                        r.NextAllowedAt ?? before?.NextAllowedAt,
                        r.Outcome,
                        r.Message,
                        run.FinishedAt,
                        plans[i].At,
                        plans[i].By), ct);
                }

                await state.AddRunAsync(run, ct);
            }
            catch (StateStoreException ex)
            {
                Log.HistoryNotSaved(logger, ex.Message);
                notes.Add("The run history could not be saved: " + ex.Message);
            }
        }

        Log.Finished(logger, run.Id, run.Status, run.Summary);
        await reporter.ReportAsync(run, previous, tokenProblem, notes, ct);
        return run;
    }

    private static partial class Log
    {
        [LoggerMessage(4012, LogLevel.Information, "Resume {ResumeId}: hh.ru answered 429 to a retried request, but its next_publish_at shows the raise went through.")]
        public static partial void RaiseConfirmed(ILogger logger, string resumeId);

        [LoggerMessage(4001, LogLevel.Information, "Resume {ResumeId} raised.")]
        public static partial void Raised(ILogger logger, string resumeId);

        [LoggerMessage(4002, LogLevel.Information, "Resume {ResumeId}: hh.ru says not yet.")]
        public static partial void NotYet(ILogger logger, string resumeId);

        [LoggerMessage(4003, LogLevel.Warning, "Resume {ResumeId} could not be raised: {Kind} (HTTP {Status}).")]
        public static partial void PublishFailed(ILogger logger, string resumeId, HhErrorKind kind, int status);

        [LoggerMessage(4004, LogLevel.Information, "Resume {ResumeId} becomes eligible in {Wait}; waiting within this run.")]
        public static partial void Waiting(ILogger logger, string resumeId, TimeSpan wait);

        [LoggerMessage(4005, LogLevel.Warning, "No usable hh.ru token ({Problem}): {Reason}")]
        public static partial void TokenUnavailable(ILogger logger, TokenProblem problem, string reason);

        [LoggerMessage(4006, LogLevel.Warning, "Listing resumes failed: {Kind} (HTTP {Status}).")]
        public static partial void ListFailed(ILogger logger, HhErrorKind kind, int status);

        [LoggerMessage(4007, LogLevel.Error, "Resume {ResumeId}: unexpected error.")]
        public static partial void ResumeCrashed(ILogger logger, Exception exception, string resumeId);

        [LoggerMessage(4008, LogLevel.Warning, "Run history not saved: {Reason}")]
        public static partial void HistoryNotSaved(ILogger logger, string reason);

        [LoggerMessage(4009, LogLevel.Information, "Run {RunId} finished: {Status}. {Summary}")]
        public static partial void Finished(ILogger logger, string runId, RunStatus status, string summary);

        [LoggerMessage(4011, LogLevel.Warning, "hh.ru refuses applicant access ({Call}, HTTP {Status}); the run is skipped and the owner told once.")]
        public static partial void NoApplicantAccess(ILogger logger, string call, int status);

        [LoggerMessage(4010, LogLevel.Warning, "Run {RunId} reached its time limit; the remaining resumes wait for the next run.")]
        public static partial void OutOfTime(ILogger logger, string runId);
    }
}
