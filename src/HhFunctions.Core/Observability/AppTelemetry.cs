using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HhFunctions.Observability;

/// <summary>
/// The app's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named <see cref="Name"/>, and every
/// instrument (docs/observability.md lists them). Static and cheap: with no listener (no exporter configured, see
/// <see cref="ObservabilityExtensions"/>) an instrument's Add/Record and <see cref="Source"/>'s StartActivity do nothing.
/// Tags are fixed words (an operation, an outcome, a status class, a queue's name), never a token, a name, a phone,
/// an e-mail or any other personal value.
/// </summary>
public static class AppTelemetry
{
    public const string Name = "HhFunctions";

    public static readonly ActivitySource Source = new(Name, typeof(AppTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(AppTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Outgoing calls: hh.ru (hh.requests) and Bitrix24 (bitrix24.requests) alike, per service, operation and status class.</summary>
    internal static readonly Counter<long> HhRequests = Meter.CreateCounter<long>("hhfunctions.hh.requests", "{request}", "hh.ru API calls by operation and status class (2xx, 4xx, 5xx, error)");

    internal static readonly Histogram<double> HhRequestDuration = Meter.CreateHistogram<double>("hhfunctions.hh.request.duration", "s", "How long an hh.ru API call took, retries included");

    internal static readonly Counter<long> Bitrix24Requests = Meter.CreateCounter<long>("hhfunctions.bitrix24.requests", "{request}", "Bitrix24 REST requests by method and status class");

    internal static readonly Histogram<double> Bitrix24RequestDuration = Meter.CreateHistogram<double>("hhfunctions.bitrix24.request.duration", "s", "How long a Bitrix24 REST request took");

    private static readonly Counter<long> RaiseAttempts = Meter.CreateCounter<long>("hhfunctions.bump.raises", "{resume}", "Resume raise attempts by outcome: done, not_yet, skipped, failed");

    private static readonly Counter<long> TokenRefreshes = Meter.CreateCounter<long>("hhfunctions.token.refreshes", "{refresh}", "Token pair refreshes by outcome: rotated, rejected (reconnect needed), failed (try again)");

    private static readonly Counter<long> VacanciesSeen = Meter.CreateCounter<long>("hhfunctions.vacancies.seen", "{vacancy}", "Vacancies read by the watch");

    private static readonly Counter<long> VacanciesNew = Meter.CreateCounter<long>("hhfunctions.vacancies.new", "{vacancy}", "Vacancies the watch had not seen before");

    private static readonly Counter<long> Applications = Meter.CreateCounter<long>("hhfunctions.applications.sent", "{application}", "Applications by outcome: sent, refused, failed");

    private static readonly Counter<long> EventsReceived = Meter.CreateCounter<long>("hhfunctions.recruiting.events.received", "{event}", "Recruiting events handled, by source: webhook, poll, retry");

    private static readonly Counter<long> EventsSynced = Meter.CreateCounter<long>("hhfunctions.recruiting.events.synced", "{event}", "Responses written into the CRM, by kind: lead, deal, comment");

    private static readonly Counter<long> EventsFailed = Meter.CreateCounter<long>("hhfunctions.recruiting.events.failed", "{event}", "Responses that failed, by stage: read (hh.ru) or write (CRM)");

    private static readonly Histogram<double> SyncLag = Meter.CreateHistogram<double>("hhfunctions.recruiting.sync.lag", "s", "From the app first hearing of a response (hh.ru's event) to its CRM record");

    private static readonly Histogram<double> ThrottleWaits = Meter.CreateHistogram<double>("hhfunctions.throttle.wait", "s", "Time a call waited for its turn, by throttle: hh, hh_employer, bitrix24");

    private static readonly Histogram<double> QueueAge = Meter.CreateHistogram<double>("hhfunctions.queue.message.age", "s", "From a queue message becoming visible to its handling, by queue");

    /// <summary>Each resume's raise attempt of a recorded run: Raised → done, NotYet → not_yet, Skipped → skipped, Failed → failed.</summary>
    public static void Raises(State.RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        foreach (var result in run.Results)
        {
            var outcome = result.Outcome switch
            {
                State.ResumeOutcome.Raised => "done",
                State.ResumeOutcome.NotYet => "not_yet",
                State.ResumeOutcome.Skipped => "skipped",
                State.ResumeOutcome.Failed => "failed",
                _ => "none",
            };
            RaiseAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public static void TokenRefresh(string outcome) => TokenRefreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>One watch source's page(s): <paramref name="seen"/> read, <paramref name="added"/> of them new.</summary>
    public static void Vacancies(int seen, int added)
    {
        if (seen > 0)
        {
            VacanciesSeen.Add(seen);
        }

        if (added > 0)
        {
            VacanciesNew.Add(added);
        }
    }

    public static void Application(string outcome) => Applications.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void RecruitingEventReceived(string source) => EventsReceived.Add(1, new KeyValuePair<string, object?>("source", Known(source, "webhook", "poll", "retry")));

    /// <summary>A response is in the CRM: <paramref name="lag"/> since the app first heard of it.</summary>
    public static void RecruitingEventSynced(string kind, TimeSpan lag)
    {
        EventsSynced.Add(1, new KeyValuePair<string, object?>("kind", Known(kind, "lead", "deal", "comment")));
        SyncLag.Record(Math.Max(0, lag.TotalSeconds));
    }

    public static void RecruitingEventFailed(string stage) => EventsFailed.Add(1, new KeyValuePair<string, object?>("stage", stage));

    /// <summary>A call waited <paramref name="wait"/> for its turn on <paramref name="throttle"/>; zero waits are not recorded.</summary>
    public static void ThrottleWait(string throttle, TimeSpan wait)
    {
        if (wait > TimeSpan.Zero)
        {
            ThrottleWaits.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("throttle", throttle));
        }
    }

    internal static void QueueMessageAge(string queue, TimeSpan age) =>
        QueueAge.Record(Math.Max(0, age.TotalSeconds), new KeyValuePair<string, object?>("messaging.destination.name", queue));

    /// <summary>
    /// A span for one run of a scheduled job (bump, watch, tracking, reconcile): a new trace when nothing is being
    /// traced yet, a child of the Functions invocation otherwise. Null when nobody listens.
    /// </summary>
    public static Activity? StartRun(string job, string? trigger = null)
    {
        var activity = Source.StartActivity(job + " run", ActivityKind.Internal);
        activity?.SetTag("hhfunctions.job", job);
        if (trigger is not null)
        {
            activity?.SetTag("hhfunctions.trigger", trigger);
        }

        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with the exception's type only (its message may quote a server's answer).</summary>
    public static void Failed(this Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity?.SetTag("error.type", exception.GetType().FullName);
    }

    /// <summary>A value from a fixed list, or "other": a tag never carries free text.</summary>
    private static string Known(string? value, params string[] allowed) =>
        value is not null && allowed.Contains(value, StringComparer.Ordinal) ? value : "other";
}
