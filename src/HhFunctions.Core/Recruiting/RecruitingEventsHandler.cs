using HhFunctions.HeadHunter;
using HhFunctions.OwnDatabase;
using HhFunctions.Queues;
using HhFunctions.State;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Recruiting;

/// <summary>
/// RecruitingEvents: treats each event as a hint. A response already read or written is left alone (a state
/// change only updates the stage the app last saw); otherwise it is re-read from hh.ru, composed into a CRM record
/// and put in the outbox, and a CRM write is booked. hh.ru trouble that may pass is retried by the queue; after
/// <see cref="QueueLimits.MaxDequeueCount"/> failures the response is marked failed with its reason (status page)
/// and the next reconcile run tries it again.
/// </summary>
public sealed partial class RecruitingEventsHandler(
    IRecruitingStore store,
    IStateStore state,
    CandidateReader reader,
    CrmDrainScheduler drains,
    IQueue<RecruitingEvent> queue,
    RecruitingNotices notices,
    IResponseMirror mirror,
    TimeProvider time,
    ILogger<RecruitingEventsHandler> logger,
    StageWriter stages) : IQueueHandler<RecruitingEvent>
{
    public async Task HandleAsync(RecruitingEvent message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        Observability.AppTelemetry.RecruitingEventReceived(message.Source);
        var topic = await store.GetTopicAsync(message.TopicId, ct);
        if (topic is { Status: TopicStatus.Written or TopicStatus.Gone or TopicStatus.Pending or TopicStatus.Claimed })
        {
            if (message.ActionType == RecruitingEvent.StateChange && topic.Status != TopicStatus.Gone)
            {
                // Re-read hh.ru's current state (events come repeated and out of order); a change books the CRM stage.
                if (await stages.NoteHhStateChangeAsync(topic, message, ct))
                {
                    await drains.ScheduleAsync(null, ct);
                }
            }

            Log.AlreadyKnown(logger, message.TopicId, topic.Status.ToString(), message.Source);
            return;
        }

        var account = await state.GetAccountAsync(ct);
        if (!account.IsEmployer)
        {
            await notices.TellOnceAsync("needs-employer", "hh.ru sent a response notification, but the connected account is not an employer's. Connect the employer account (the status page's Connect hh.ru, signing in as the company's manager) to write responses into Bitrix24.", ct);
            Log.NotEmployer(logger, message.TopicId);
            return;
        }

        var now = time.GetUtcNow();
        var recruiting = await store.GetStateAsync(ct);
        if (recruiting.ViewLimitUntil is { } until && until <= now)
        {
            await store.UpdateStateAsync(s => s.ViewLimitUntil is { } u && u <= now ? s with { ViewLimitUntil = null } : s, ct);
            await notices.ClearAsync("view-limit", "hh.ru's daily resume-view limit has reset; parked responses are being read again.", ct);
            recruiting = recruiting with { ViewLimitUntil = null };
        }

        if (recruiting.ViewLimitUntil is { } parkedUntil && topic is null && message.Source != RecruitingEvent.FromRetry)
        {
            // The limit is reached: wait for the reset instead of writing records without contacts.
            await queue.SendAsync(message with { Source = RecruitingEvent.FromRetry }, parkedUntil - now, ct);
            Log.Parked(logger, message.TopicId, parkedUntil);
            return;
        }

        ReadOutcome outcome;
        try
        {
            outcome = await reader.ReadAsync(message.TopicId, viewLimitActive: recruiting.ViewLimitUntil is not null, ct);
        }
        catch (HhApiException ex)
        {
            if (HhRefusals.IsThrottle(ex.Error) || ex.Error.StatusCode == 403)
            {
                await notices.TellOnceAsync("hh-refused-" + ex.Error.StatusCode, $"hh.ru refused an employer call ({ex.Error.Message}). Recruiting slows down and tries again; nothing is lost.", ct);
            }

            await FailedAsync(message, ex.Error.Message, ct);
            return;
        }
        catch (TokenUnavailableException ex)
        {
            await FailedAsync(message, ex.Message, ct);
            return;
        }

        switch (outcome.Result)
        {
            case ReadResult.Gone:
                await store.UpdateTopicAsync(message.TopicId, t => (t ?? New(message, now)) with { Status = TopicStatus.Gone, Problem = outcome.Problem, UpdatedAt = now }, ct);
                Log.Gone(logger, message.TopicId, message.Source);
                return;
            case ReadResult.Refused:
                await notices.TellOnceAsync("paid-access", outcome.Problem!, ct);
                await MarkFailedAsync(message, outcome.Problem!, now, ct);
                return;
        }

        if (outcome.ViewLimitReached && recruiting.ViewLimitUntil is null)
        {
            var reset = HhRefusals.NextDailyReset(now);
            await store.UpdateStateAsync(s => s with { ViewLimitUntil = reset }, ct);
            await notices.TellOnceAsync("view-limit", $"hh.ru's daily resume-view limit is reached. This response is written without contacts (flagged); the others wait until the limit resets ({reset:yyyy-MM-dd HH:mm} UTC+03).", ct);
        }

        var (record, changed) = await store.UpdateTopicAsync(message.TopicId, t =>
            t is { Status: not TopicStatus.Failed } ? t : (t ?? New(message, now)) with
            {
                Status = TopicStatus.Pending,
                Candidate = outcome.Candidate,
                HhStage = outcome.EmployerStage ?? message.ToState,
                StageDue = stages.IsDueOnWrite(outcome.EmployerStage ?? message.ToState), // its CRM stage follows once it is written (not when it is the stage records are made in)
                VacancyId = outcome.Candidate?.VacancyId ?? message.VacancyId ?? t?.VacancyId,
                Problem = null,
                UpdatedAt = now,
            }, ct);
        if (changed)
        {
            Log.Read(logger, message.TopicId, message.Source, outcome.Candidate!.Flags.Count);
            var c = outcome.Candidate;
            await mirror.RecordAsync([new ResponseMirrorRecord(message.TopicId, c.VacancyId ?? message.VacancyId, c.VacancyName, c.ResumeId, record!.HhStage, record.Source, record.FirstSeenAt, now)], ct);
            await drains.ScheduleAsync(null, ct);
        }
        else
        {
            Log.AlreadyKnown(logger, message.TopicId, record?.Status.ToString() ?? "none", message.Source);
        }
    }

    private static TopicRecord New(RecruitingEvent message, DateTimeOffset now) =>
        new(message.TopicId, TopicStatus.Pending, now, now) { Source = message.Source, VacancyId = message.VacancyId };

    /// <summary>A failure that may pass: count it; the queue retries it, and the last attempt marks the response failed.</summary>
    private async Task FailedAsync(RecruitingEvent message, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (record, _) = await store.UpdateTopicAsync(message.TopicId, t => (t ?? New(message, now) with { Status = TopicStatus.Failed }) with
        {
            Failures = (t?.Failures ?? 0) + 1,
            Problem = reason,
            UpdatedAt = now,
        }, ct);
        if (record!.Failures % QueueLimits.MaxDequeueCount != 0)
        {
            Log.WillRetry(logger, message.TopicId, reason);
            throw new RecruitingReadException(reason);
        }

        Log.GaveUp(logger, message.TopicId, reason);
        Observability.AppTelemetry.RecruitingEventFailed("read");
    }

    /// <summary>A refusal that retrying cannot change (paid access): failed at once, and counted as a failed read.</summary>
    private async Task MarkFailedAsync(RecruitingEvent message, string reason, DateTimeOffset now, CancellationToken ct)
    {
        await store.UpdateTopicAsync(message.TopicId, t => (t ?? New(message, now)) with
        {
            Status = TopicStatus.Failed,
            Failures = (t?.Failures ?? 0) + 1,
            Problem = reason,
            UpdatedAt = now,
        }, ct);
        Observability.AppTelemetry.RecruitingEventFailed("read");
    }

    private static partial class Log
    {
        [LoggerMessage(9101, LogLevel.Debug, "RecruitingEvents: topic {TopicId} is already {Status}; the {Source} event changes nothing.")]
        public static partial void AlreadyKnown(ILogger logger, string topicId, string status, string source);

        [LoggerMessage(9102, LogLevel.Information, "RecruitingEvents: topic {TopicId} ({Source}) read; {Flags} flag(s); its CRM write is booked.")]
        public static partial void Read(ILogger logger, string topicId, string source, int flags);

        [LoggerMessage(9103, LogLevel.Information, "RecruitingEvents: topic {TopicId} ({Source}) does not exist on hh.ru; nothing is written.")]
        public static partial void Gone(ILogger logger, string topicId, string source);

        [LoggerMessage(9104, LogLevel.Warning, "RecruitingEvents: topic {TopicId} not read ({Reason}); the queue tries again.")]
        public static partial void WillRetry(ILogger logger, string topicId, string reason);

        [LoggerMessage(9105, LogLevel.Error, "RecruitingEvents: topic {TopicId} failed ({Reason}); it is on the status page and the next reconcile run tries again.")]
        public static partial void GaveUp(ILogger logger, string topicId, string reason);

        [LoggerMessage(9106, LogLevel.Information, "RecruitingEvents: topic {TopicId} parked until {Until} (hh.ru's daily resume-view limit).")]
        public static partial void Parked(ILogger logger, string topicId, DateTimeOffset until);

        [LoggerMessage(9107, LogLevel.Warning, "RecruitingEvents: topic {TopicId} not read: the connected hh.ru account is not an employer's.")]
        public static partial void NotEmployer(ILogger logger, string topicId);
    }
}

/// <summary>Reading a response failed in a way that may pass; the queue tries again.</summary>
public sealed class RecruitingReadException : Exception
{
    public RecruitingReadException()
    {
    }

    public RecruitingReadException(string message)
        : base(message)
    {
    }

    public RecruitingReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
