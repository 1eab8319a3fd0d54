using HhFunctions.Queues;
using System.Collections.Concurrent;
using HhFunctions.Bumping;
using HhFunctions.Standalone;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Web;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using HhFunctions.Configuration;
using HhFunctions.StatusPage;

namespace HhFunctions.Tests.Bumping;

/// <summary>
/// The due-time queue (docs/schedule.md): after a run each resume gets a message visible at next_publish_at + 2 s;
/// the message raises that resume, reading hh.ru first; the schedule remains the safety net.
/// </summary>
public sealed class ResumeDueTests
{
    private static readonly Dictionary<string, string?> DueQueueOn = new() { ["Bump:DueQueue"] = "true", ["Telegram:Notify"] = "errors" };

    [Fact]
    public async Task Run_RaisesResume_InProcessMessageRaisesItAgainWhenHhRuAllows_BackupCostsNoHhRuCall()
    {
        await using var app = BumpTestExtensions.CreateApp(DueQueueOn);
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        var queue = app.Services.GetRequiredService<InProcessQueue<ResumeDueMessage>>();

        var run = await app.RunAsync("timer");
        var raisedAt = run.Result("r1").RaisedAt!.Value;
        var state = Assert.Single(await app.State().GetResumesAsync(CancellationToken.None));
        Assert.Equal(PlannedBy.Queue, state.NextPlannedBy);
        Assert.Equal(raisedAt + BumpResumesJob.RaiseInterval + BumpResumesJob.EligibilityMargin, state.NextPlannedAt);
        Assert.Equal(2, queue.Pending); // the message and its backup half a minute later

        app.Time.Advance(state.NextPlannedAt!.Value - app.Time.GetUtcNow());
        await WaitForAsync(() => app.Hh.PublishRequests("r1").Count == 2 && queue.Pending == 3); // raised; next pair sent, backup still waiting
        var requestsAfterRaise = app.Hh.Requests.Count;
        app.Time.Advance(ResumeDuePlanner.BackupDelay);
        await WaitForAsync(() => queue.Pending == 2);

        Assert.Equal(requestsAfterRaise, app.Hh.Requests.Count); // the backup found the resume already planned later
        Assert.Equal(0, app.Hh.EarlyPublishRejections);
        Assert.Equal(2, app.Hh.Resumes[0].Raises.Count);
        var runs = await app.State().GetRecentRunsAsync(5, CancellationToken.None);
        Assert.Equal(BumpResumesJob.DueTrigger, runs[0].Trigger);
        Assert.Equal(ResumeOutcome.Raised, runs[0].Result("r1").Outcome);
    }

    [Fact]
    public async Task RaiseDue_EarlyMessage_OneReadNoPublish_PlansAgainAtHhRusTime()
    {
        await using var app = BumpTestExtensions.CreateApp();
        var sent = new ConcurrentQueue<(ResumeDueMessage Message, TimeSpan Delay)>();
        app.WithServices(s => s.AddSingleton<IResumeDueMessages>(new RecordingMessages(sent)));
        await app.ConnectAsync();
        var next = app.Time.GetUtcNow().AddHours(2);
        app.Hh.AddResume("r1", "Developer", nextPublishAt: next);

        var run = await RaiseDueAsync(app, new ResumeDueMessage("r1", app.Time.GetUtcNow()));

        Assert.NotNull(run);
        Assert.Equal(ResumeOutcome.NotYet, run.Result("r1").Outcome);
        var request = Assert.Single(app.Hh.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/resumes/r1", request.Uri.AbsolutePath);
        Assert.Equal([next + BumpResumesJob.EligibilityMargin, next + BumpResumesJob.EligibilityMargin], sent.Select(s => s.Message.DueAt));
        Assert.Equal([TimeSpan.FromHours(2) + BumpResumesJob.EligibilityMargin, TimeSpan.FromHours(2) + BumpResumesJob.EligibilityMargin + ResumeDuePlanner.BackupDelay], sent.Select(s => s.Delay));
        var state = Assert.Single(await app.State().GetResumesAsync(CancellationToken.None));
        Assert.Equal((next + BumpResumesJob.EligibilityMargin, PlannedBy.Queue), (state.NextPlannedAt, state.NextPlannedBy));
    }

    [Fact]
    public async Task RaiseDue_DuplicateOfAPlanAlreadyHandled_NoHhRuCall()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        var now = app.Time.GetUtcNow();
        await app.State().SaveResumeAsync(new ResumeState("r1", "Developer", now, now.AddHours(4), ResumeOutcome.Raised, null, now, now.AddHours(4).AddSeconds(2), PlannedBy.Queue), CancellationToken.None);

        var run = await RaiseDueAsync(app, new ResumeDueMessage("r1", now.AddSeconds(-10)));

        Assert.Null(run);
        Assert.Empty(app.Hh.Requests);
    }

    [Fact]
    public async Task RaiseDue_RunHoldsTheLock_PutBackForAMinuteWithoutCallingHhRu()
    {
        await using var app = BumpTestExtensions.CreateApp();
        var sent = new ConcurrentQueue<(ResumeDueMessage Message, TimeSpan Delay)>();
        var locks = new Mock<IDistributedLock>();
        locks.Setup(l => l.TryAcquireAsync(BumpResumesJob.RunLockName, It.IsAny<TimeSpan>(), BumpResumesJob.DueLockWait, It.IsAny<CancellationToken>())).ReturnsAsync((ILease?)null);
        app.WithServices(s =>
        {
            s.AddSingleton<IResumeDueMessages>(new RecordingMessages(sent));
            s.AddSingleton(locks.Object);
        });
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        var message = new ResumeDueMessage("r1", app.Time.GetUtcNow());

        Assert.Null(await RaiseDueAsync(app, message));
        Assert.Null(await RaiseDueAsync(app, message with { Attempt = ResumeDuePlanner.MaxAttempts - 1 }));

        Assert.Empty(app.Hh.Requests);
        var (retried, delay) = Assert.Single(sent); // the last attempt is dropped: the schedule raises it
        Assert.Equal((message with { Attempt = 1 }, ResumeDuePlanner.RetryDelay), (retried, delay));
    }

    [Fact]
    public async Task Run_QueueDown_RunSucceedsAndTheScheduleIsPlanned()
    {
        await using var app = BumpTestExtensions.CreateApp();
        var broken = new Mock<IResumeDueMessages>();
        broken.SetupGet(q => q.Enabled).Returns(true);
        broken.Setup(q => q.SendAsync(It.IsAny<ResumeDueMessage>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("queue service unavailable"));
        app.WithServices(s => s.AddSingleton(broken.Object));
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");

        var run = await app.RunAsync("timer");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(ResumeOutcome.Raised, run.Result("r1").Outcome);
        var state = Assert.Single(await app.State().GetResumesAsync(CancellationToken.None));
        Assert.Equal(PlannedBy.Timer, state.NextPlannedBy);
        var due = run.Result("r1").RaisedAt!.Value + BumpResumesJob.RaiseInterval + BumpResumesJob.EligibilityMargin;
        Assert.Equal(Cron.NextOccurrence(new BumpOptions().Schedule, due), state.NextPlannedAt);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 4102);
    }

    [Fact]
    public async Task StatusPageAndBotStatus_ShowNextPlannedRaiseAndItsSource()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        var now = app.Time.GetUtcNow();
        await app.State().SaveResumeAsync(new ResumeState("r1", "Queued one", now, now.AddHours(4), ResumeOutcome.Raised, null, now, new DateTimeOffset(2030, 1, 2, 8, 1, 7, TimeSpan.Zero), PlannedBy.Queue), CancellationToken.None);
        await app.State().SaveResumeAsync(new ResumeState("r2", "Timed one", null, null, ResumeOutcome.Failed, "boom", now, new DateTimeOffset(2030, 1, 2, 12, 1, 0, TimeSpan.Zero), PlannedBy.Timer), CancellationToken.None);

        using var client = app.CreateClient();
        var html = await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));
        var text = StatusCommand.StatusText(await app.Services.GetRequiredService<StatusService>().GetAsync(withConnectLink: false, CancellationToken.None));

        Assert.Contains("Next planned raise", html, StringComparison.Ordinal);
        Assert.Contains("02 Jan 08:01:07 UTC, due-time queue", html, StringComparison.Ordinal);
        Assert.Contains("02 Jan 12:01 UTC, scheduled run", html, StringComparison.Ordinal);
        Assert.Contains("planned raise 02 Jan 08:01:07 UTC, due-time queue", text, StringComparison.Ordinal);
        Assert.Contains("planned raise 02 Jan 12:01 UTC, scheduled run", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{\"trigger\":\"x\"}")]
    [InlineData("{\"resumeId\":\"\",\"dueAt\":\"2026-03-02T08:01:00Z\"}")]
    [InlineData("not json")]
    public void Parse_NotADueMessage_FormatExceptionWithReason(string? json)
    {
        var ex = Assert.Throws<FormatException>(() => ResumeDueMessage.Parse(json));

        Assert.Contains("queue message", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RoundTrip_CarriesOnlyIdDueTimeAndAttempt()
    {
        var message = new ResumeDueMessage("abc123", new DateTimeOffset(2026, 3, 2, 8, 1, 7, TimeSpan.Zero), 2);

        var json = message.ToJson();

        Assert.Equal(message, ResumeDueMessage.Parse(json));
        Assert.Equal("{\"resumeId\":\"abc123\",\"dueAt\":\"2026-03-02T08:01:07+00:00\",\"attempt\":2}", json);
    }

    private static async Task<RunRecord?> RaiseDueAsync(AppFactory app, ResumeDueMessage message)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BumpResumesJob>().RaiseDueAsync(message, CancellationToken.None);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var guard = Task.Delay(BumpTestExtensions.HangGuard);
        while (!condition())
        {
            Assert.False(guard.IsCompleted, "The condition never became true.");
            await Task.Delay(5);
        }
    }

    private sealed class RecordingMessages(ConcurrentQueue<(ResumeDueMessage, TimeSpan)> sent) : IResumeDueMessages
    {
        public bool Enabled => true;

        public Task SendAsync(ResumeDueMessage message, TimeSpan delay, CancellationToken ct)
        {
            sent.Enqueue((message, delay));
            return Task.CompletedTask;
        }
    }
}
