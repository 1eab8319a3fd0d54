using Azure.Data.Tables;
using HhFunctions.HeadHunter;
using HhFunctions.Bumping;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Bumping;

/// <summary>Arrange/act helpers for tests that run the real <see cref="BumpResumesJob"/> inside <see cref="AppFactory"/>.</summary>
internal static class BumpTestExtensions
{
    /// <summary>Log event id of BumpResumesJob's "waiting within this run".</summary>
    public const int WaitingEventId = 4004;

    /// <summary>Real-time guard against a hanging test; a test that hits it fails, it never passes by it.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    /// <summary>
    /// An app for job tests. hh.ru attempts get a 5-minute timeout so that pumping fake time while a request is
    /// in flight can never fire a spurious attempt timeout.
    /// </summary>
    public static AppFactory CreateApp(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["HeadHunter:AttemptTimeout"] = "00:05:00" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return AppFactory.With(all);
    }

    /// <summary>Settings for an app whose state store and locks are real Azure Table storage (Azurite).</summary>
    public static Dictionary<string, string?> Tables() => new()
    {
        ["Storage:ConnectionString"] = Azurite.ConnectionString,
        ["Storage:TablePrefix"] = Azurite.NewPrefix(),
    };

    /// <summary>Table storage where nothing listens (port 1): every call fails to connect.</summary>
    public const string UnreachableTables = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    /// <summary>
    /// A client for <see cref="UnreachableTables"/> that, like the app's, retries before giving up (so failures
    /// arrive as the SDK's AggregateException), but with millisecond delays instead of seconds.
    /// </summary>
    public static TableServiceClient UnreachableTableClient() =>
        new(UnreachableTables, new TableClientOptions { Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) } });

    /// <summary>Starts one run of the job, as the timer would. Finish it with <see cref="StartedRun.CompleteAsync"/>.</summary>
    public static StartedRun StartRun(this AppFactory app, string trigger = "test", IServiceProvider? services = null)
    {
        services ??= app.Services;
        var waitsBefore = services.WaitLogCount();
        var publishesBefore = app.Hh.PublishRequests().Count;
        var scope = services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredService<BumpResumesJob>();
        return new StartedRun(app, services, RunAndDisposeAsync(job.RunAsync(trigger, CancellationToken.None), scope), waitsBefore, publishesBefore);
    }

    /// <summary>One run where fake time stands still: for runs that never wait.</summary>
    public static Task<RunRecord> RunAsync(this AppFactory app, string trigger = "test", IServiceProvider? services = null) => app.StartRun(trigger, services).CompleteAsync(pumpTime: false);

    /// <summary>One run with fake time pumped through its in-run waits.</summary>
    public static Task<RunRecord> RunPumpedAsync(this AppFactory app, string trigger = "test") => app.StartRun(trigger).CompleteAsync(pumpTime: true);

    /// <summary>Waits (real time, bounded) until the job has logged <paramref name="waits"/> in-run waits in total.</summary>
    public static async Task WaitUntilParkedAsync(this AppFactory app, int waits = 1)
    {
        var guard = Task.Delay(HangGuard);
        while (app.Services.WaitLogCount() < waits)
        {
            Assert.False(guard.IsCompleted, "The run never started its in-run wait.");
            await Task.Delay(5);
        }
    }

    public static int WaitLogCount(this IServiceProvider services) => services.GetFakeLogCollector().GetSnapshot().Count(r => r.Id.Id == WaitingEventId);

    public static IReadOnlyList<RecordedRequest> PublishRequests(this FakeHhApi hh) =>
        hh.Requests.Where(r => r.Method == "POST" && r.Uri.AbsolutePath.EndsWith("/publish", StringComparison.Ordinal)).ToList();

    public static IReadOnlyList<RecordedRequest> PublishRequests(this FakeHhApi hh, string resumeId) =>
        hh.PublishRequests().Where(r => r.Uri.AbsolutePath == $"/resumes/{resumeId}/publish").ToList();

    public static ResumeRunResult Result(this RunRecord run, string resumeId) => Assert.Single(run.Results, r => r.ResumeId == resumeId);

    private static async Task<RunRecord> RunAndDisposeAsync(Task<RunRecord> run, AsyncServiceScope scope)
    {
        try
        {
            return await run;
        }
        finally
        {
            await scope.DisposeAsync();
        }
    }
}

/// <summary>A run in progress, with what the app had seen before it started.</summary>
internal sealed record StartedRun(AppFactory App, IServiceProvider Services, Task<RunRecord> Run, int WaitsBefore, int PublishesBefore)
{
    /// <summary>
    /// Finishes the run. With <paramref name="pumpTime"/>, fake time moves one second at a time, but only while
    /// the job is parked in an in-run wait: from a "waiting" log until hh.ru sees the next publish request.
    /// Listing, publishing and reporting happen with the clock standing still. (Once the job logged a wait it
    /// cannot publish before time moves, so seeing the log and the requests at different moments is safe.)
    /// </summary>
    public async Task<RunRecord> CompleteAsync(bool pumpTime = true)
    {
        var guard = Task.Delay(BumpTestExtensions.HangGuard);
        var seenWaits = WaitsBefore;
        int? publishesWhenParked = null;
        while (pumpTime && !Run.IsCompleted)
        {
            await Task.WhenAny(Run, Task.Delay(2));
            if (Run.IsCompleted)
            {
                break;
            }

            Assert.False(guard.IsCompleted, $"The run did not finish within {BumpTestExtensions.HangGuard} of real time.");
            var waits = Services.WaitLogCount();
            var publishes = App.Hh.PublishRequests().Count;
            if (waits > seenWaits)
            {
                seenWaits = waits;
                publishesWhenParked = publishes;
            }
            else if (publishes > publishesWhenParked)
            {
                publishesWhenParked = null;
            }

            if (publishesWhenParked is not null)
            {
                App.Time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return await Run.WaitAsync(BumpTestExtensions.HangGuard);
    }
}
