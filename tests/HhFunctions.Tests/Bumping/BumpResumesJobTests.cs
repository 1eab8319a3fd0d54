using HhFunctions.Tests.Infrastructure;
using System.Collections.Concurrent;
using System.Net;
using HhFunctions.Bumping;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tokens;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace HhFunctions.Tests.Bumping;

/// <summary>The real job inside the app, against the stateful fake hh.ru, with fake time and the file state store.</summary>
public sealed class BumpResumesJobTests
{
    [Fact]
    public async Task RunAsync_EligibleResumes_RaisesEachOnce()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        var now = app.Time.GetUtcNow();
        app.Hh.AddResume("r1", "Developer");
        app.Hh.AddResume("r2", "Tester", nextPublishAt: now.AddMinutes(-1));

        var run = await app.RunAsync();

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.All(run.Results, r => Assert.Equal(ResumeOutcome.Raised, r.Outcome));
        Assert.Equal(2, run.Results.Count);
        Assert.All(app.Hh.Resumes, r => Assert.Equal([now], r.Raises));
        Assert.Equal(2, app.Hh.PublishRequests().Count);
        Assert.Equal(0, app.Hh.EarlyPublishRejections);
    }

    [Fact]
    public async Task RunAsync_UnpublishedBlockedOnModeration_SkippedWithReasonNotAttempted()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("draft", "Draft", status: "not_published");
        app.Hh.AddResume("banned", "Banned", status: "blocked");
        app.Hh.AddResume("checking", "Checking", status: "on_moderation");
        app.Hh.AddResume("ok", "Ok");

        var run = await app.RunAsync();

        Assert.Equal(ResumeOutcome.Skipped, run.Result("draft").Outcome);
        Assert.Contains("not published", run.Result("draft").Message, StringComparison.Ordinal);
        Assert.Equal(ResumeOutcome.Skipped, run.Result("banned").Outcome);
        Assert.Contains("blocked", run.Result("banned").Message, StringComparison.Ordinal);
        Assert.Equal(ResumeOutcome.Skipped, run.Result("checking").Outcome);
        Assert.Contains("moderation", run.Result("checking").Message, StringComparison.Ordinal);
        Assert.Equal(ResumeOutcome.Raised, run.Result("ok").Outcome);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Single(app.Hh.PublishRequests());
    }

    [Fact]
    public async Task RunAsync_ResumeEligibleInTwoMinutes_WaitsAndRaisesInSameRunNeverEarly()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        var eligibleAt = app.Time.GetUtcNow().AddMinutes(2);
        var resume = app.Hh.AddResume("r1", "Developer", nextPublishAt: eligibleAt);

        var run = await app.RunPumpedAsync();

        Assert.Equal(ResumeOutcome.Raised, run.Result("r1").Outcome);
        var raisedAt = Assert.Single(resume.Raises);
        Assert.InRange(raisedAt, eligibleAt, eligibleAt.AddSeconds(10));
        Assert.Equal(0, app.Hh.EarlyPublishRejections);
        Assert.Single(app.Hh.PublishRequests());
    }

    [Fact]
    public async Task RunAsync_NextPublishAtWithinTheSecondHhRuReports_WaitsTheMarginNeverEarly()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        // hh.ru writes next_publish_at to the second: eligibility at 08:00:30.600 is listed as "08:00:30", which
        // is not in the future for our clock (08:00:30.000), although hh.ru still says can_publish_or_update=false.
        var eligibleAt = app.Time.GetUtcNow().AddMilliseconds(600);
        var resume = app.Hh.AddResume("r1", "Developer", nextPublishAt: eligibleAt);

        var run = await app.RunPumpedAsync();

        Assert.Equal(0, app.Hh.EarlyPublishRejections);
        Assert.Equal(ResumeOutcome.Raised, run.Result("r1").Outcome);
        Assert.True(Assert.Single(resume.Raises) >= eligibleAt);
    }

    [Fact]
    public async Task RunAsync_HhRuSaysNotNowWithoutATime_NotYetWithoutAnAttempt()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        app.Hh.Fail("resumes/mine", () => FakeHhApi.Json(HttpStatusCode.OK, """
            {"items":[{"id":"r1","title":"Developer","status":{"id":"published","name":"Published"},"blocked":false,"finished":true,
              "can_publish_or_update":false,"next_publish_at":null}],"found":1,"pages":1,"page":0,"per_page":50}
            """));

        var run = await app.RunAsync();

        var result = run.Result("r1");
        Assert.Equal(ResumeOutcome.NotYet, result.Outcome);
        Assert.Null(result.NextAllowedAt);
        Assert.Empty(app.Hh.PublishRequests());
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task RunAsync_ResumeEligibleInTwoHours_NotYetWithItsTimeNotAttempted()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        var eligibleAt = app.Time.GetUtcNow().AddHours(2);
        app.Hh.AddResume("r1", "Developer", nextPublishAt: eligibleAt);

        var run = await app.RunAsync();

        var result = run.Result("r1");
        Assert.Equal(ResumeOutcome.NotYet, result.Outcome);
        Assert.Equal(eligibleAt, result.NextAllowedAt);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Empty(app.Hh.PublishRequests());
    }

    [Fact]
    public async Task RunAsync_PublishAnswers429TouchLimitExceeded_NotYetNotFailed()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        app.Hh.Fail("resumes/r1/publish", () => FakeHhApi.Errors(HttpStatusCode.TooManyRequests, "resumes", "touch_limit_exceeded"));

        var run = await app.RunAsync();

        Assert.Equal(ResumeOutcome.NotYet, run.Result("r1").Outcome);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Single(app.Hh.PublishRequests()); // "not yet" is not retried
    }

    [Fact]
    public async Task RunAsync_400And404OnSomeResumes_OthersStillRaised()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("incomplete", "Incomplete").MandatoryFieldsMissing = true;
        app.Hh.AddResume("gone", "Gone");
        app.Hh.AddResume("fine", "Fine");
        app.Hh.Fail("resumes/gone/publish", () => FakeHhApi.Errors(HttpStatusCode.NotFound, "not_found"));

        var run = await app.RunAsync();

        Assert.Equal(ResumeOutcome.Failed, run.Result("incomplete").Outcome);
        Assert.Contains("HTTP 400", run.Result("incomplete").Message, StringComparison.Ordinal);
        Assert.Equal(ResumeOutcome.Failed, run.Result("gone").Outcome);
        Assert.Contains("404", run.Result("gone").Message, StringComparison.Ordinal);
        Assert.Equal(ResumeOutcome.Raised, run.Result("fine").Outcome);
        Assert.Equal(RunStatus.PartiallyFailed, run.Status);
        Assert.Single(app.Hh.Resumes.Single(r => r.Id == "fine").Raises);
    }

    [Fact]
    public async Task RunAsync_120ResumesPageSize50_ListsEveryPageAndRaisesAll()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.PageSize = 50;
        for (var i = 0; i < 120; i++)
        {
            app.Hh.AddResume($"r{i:D3}", $"Resume {i}");
        }

        var run = await app.RunAsync();

        Assert.Equal(120, run.Results.Count);
        Assert.All(run.Results, r => Assert.Equal(ResumeOutcome.Raised, r.Outcome));
        Assert.Equal(120, app.Hh.Resumes.Count(r => r.Raises.Count == 1));
        var pages = app.Hh.Requests.Where(r => r.Uri.AbsolutePath == "/resumes/mine").Select(r => System.Web.HttpUtility.ParseQueryString(r.Uri.Query)["page"]).ToList();
        Assert.Equal(["0", "1", "2"], pages);
    }

    [Fact]
    public async Task RunAsync_AllowList_RaisesOnlyListedAndNotesUnknownIds()
    {
        await using var app = BumpTestExtensions.CreateApp(new Dictionary<string, string?> { ["Bump:ResumeIds"] = "r1, ghost-id" });
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Listed");
        app.Hh.AddResume("r2", "Not listed");

        var run = await app.RunAsync();

        var result = Assert.Single(run.Results);
        Assert.Equal("r1", result.ResumeId);
        Assert.Equal(ResumeOutcome.Raised, result.Outcome);
        Assert.Empty(app.Hh.Resumes.Single(r => r.Id == "r2").Raises);
        var message = Assert.Single(app.Telegram.Messages);
        Assert.Contains("ghost-id", message.Text, StringComparison.Ordinal);
        Assert.Contains("Bump__ResumeIds", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TokenExpiresDuringRun_RefreshesOnceAndRetriesPublishOnce()
    {
        await using var app = BumpTestExtensions.CreateApp();
        // hh.ru ends the token after one minute although our stored expiry says 14 days.
        var before = await app.ConnectAsync(hhLifetime: TimeSpan.FromMinutes(1), storedLifetime: TimeSpan.FromDays(14));
        app.Hh.AddResume("r1", "Developer", nextPublishAt: app.Time.GetUtcNow().AddMinutes(2));

        var run = await app.RunPumpedAsync();

        Assert.Equal(ResumeOutcome.Raised, run.Result("r1").Outcome);
        Assert.Equal(1, app.Hh.SuccessfulRefreshes);
        var publishes = app.Hh.PublishRequests("r1");
        Assert.Equal(2, publishes.Count);
        Assert.Equal(before.AccessToken, publishes[0].Bearer);
        var after = await app.Services.GetRequiredService<ITokenVault>().ReadAsync(CancellationToken.None);
        Assert.NotNull(after);
        Assert.NotEqual(before.Fingerprint, after.Fingerprint);
        Assert.Equal(after.AccessToken, publishes[1].Bearer);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_AnotherRunInProgress_SecondRunSkippedWithoutTouchingHhRu(bool tables)
    {
        await using var app = BumpTestExtensions.CreateApp(tables ? BumpTestExtensions.Tables() : null);
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer", nextPublishAt: app.Time.GetUtcNow().AddMinutes(2));
        var first = app.StartRun("timer");
        await app.WaitUntilParkedAsync();
        var requestsBefore = app.Hh.Requests.Count;

        var second = await app.RunAsync("manual");
        var requestsBySecond = app.Hh.Requests.Count - requestsBefore;
        var firstRun = await first.CompleteAsync();

        Assert.Equal(RunStatus.Skipped, second.Status);
        Assert.Empty(second.Results);
        Assert.Contains("Another run is in progress", second.Summary, StringComparison.Ordinal);
        Assert.Equal(0, requestsBySecond);
        Assert.Equal(ResumeOutcome.Raised, firstRun.Result("r1").Outcome);
        Assert.Single(app.Hh.PublishRequests());
    }

    [Fact]
    public async Task RunAsync_Paused_SkippedWithoutTouchingHhRu()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        await app.Services.GetRequiredService<IStateStore>().UpdateAccountAsync(a => a with { Paused = true }, CancellationToken.None);

        var run = await app.RunAsync();

        Assert.Equal(RunStatus.Skipped, run.Status);
        Assert.Contains("paused", run.Summary, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(app.Hh.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_TwoRuns_SavesPerResumeStateAndRunsNewestFirst(bool tables)
    {
        await using var app = BumpTestExtensions.CreateApp(tables ? BumpTestExtensions.Tables() : null);
        await app.ConnectAsync();
        var t0 = app.Time.GetUtcNow();
        app.Hh.AddResume("r1", "First");
        app.Hh.AddResume("r2", "Second", nextPublishAt: t0.AddHours(2));

        var run1 = await app.RunAsync("timer");
        app.Time.Advance(TimeSpan.FromHours(3));
        var run2 = await app.RunAsync("manual");

        var store = app.Services.GetRequiredService<IStateStore>();
        var resumes = (await store.GetResumesAsync(CancellationToken.None)).ToDictionary(r => r.ResumeId);
        Assert.Equal(t0, resumes["r1"].LastRaisedAt);
        Assert.Equal(t0 + FakeHhApi.PublishInterval, resumes["r1"].NextAllowedAt);
        Assert.Equal(ResumeOutcome.NotYet, resumes["r1"].LastOutcome);
        Assert.Equal("First", resumes["r1"].Title);
        Assert.Equal(t0.AddHours(3), resumes["r2"].LastRaisedAt);
        Assert.Equal(ResumeOutcome.Raised, resumes["r2"].LastOutcome);
        Assert.Equal(t0.AddHours(3) + FakeHhApi.PublishInterval, resumes["r2"].NextAllowedAt);
        var runs = await store.GetRecentRunsAsync(10, CancellationToken.None);
        Assert.Equal([run2.Id, run1.Id], runs.Select(r => r.Id));
        Assert.Equal(["manual", "timer"], runs.Select(r => r.Trigger));
        Assert.Equal(ResumeOutcome.Raised, runs[0].Results.Single(r => r.ResumeId == "r2").Outcome);
    }

    [Fact]
    public async Task RunAsync_RunThatAlsoWaits_LastRaisedAtIsTheMomentOfEachRaise()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        var t0 = app.Time.GetUtcNow();
        var now = app.Hh.AddResume("now", "Raised at once");
        var later = app.Hh.AddResume("later", "Waited for", nextPublishAt: t0.AddMinutes(2));

        var run = await app.RunPumpedAsync();

        var saved = (await app.Services.GetRequiredService<IStateStore>().GetResumesAsync(CancellationToken.None)).ToDictionary(r => r.ResumeId);
        Assert.Equal(Assert.Single(now.Raises), saved["now"].LastRaisedAt);
        Assert.Equal(Assert.Single(later.Raises), saved["later"].LastRaisedAt);
        Assert.True(run.FinishedAt > saved["now"].LastRaisedAt);
    }

    [Fact]
    public async Task RunAsync_HhRuSlowerThanTheLeaseAllows_StopsWorkBeforeTheRunLockLeaseExpires()
    {
        var leases = new ConcurrentQueue<TimeSpan>();
        var locks = new Mock<IDistributedLock>();
        locks.Setup(l => l.TryAcquireAsync(BumpResumesJob.RunLockName, It.IsAny<TimeSpan>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .Returns((string _, TimeSpan lease, TimeSpan _, CancellationToken _) =>
            {
                leases.Enqueue(lease);
                return Task.FromResult<ILease?>(Mock.Of<ILease>());
            });
        await using var root = BumpTestExtensions.CreateApp(new Dictionary<string, string?> { ["Bump:MaxWait"] = "00:00:00" });
        await using var app = root.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(locks.Object)));
        await root.ConnectAsync(services: app.Services);
        for (var i = 1; i <= 4; i++)
        {
            root.Hh.AddResume($"r{i}", $"Resume {i}");
        }

        root.Hh.Latency = () => TimeSpan.FromSeconds(100); // every hh.ru request takes 100 s of fake time

        var run = await root.RunAsync(services: app.Services);

        var lease = Assert.Single(leases);
        Assert.True(run.FinishedAt - run.StartedAt < lease, $"The run took {run.FinishedAt - run.StartedAt}, its lock lease was {lease}.");
        Assert.InRange(root.Hh.PublishRequests().Count, 1, 3);
        var cut = run.Results.Where(r => r.Outcome == ResumeOutcome.Failed).ToList();
        Assert.NotEmpty(cut);
        Assert.All(cut, r => Assert.Contains("time limit", r.Message, StringComparison.Ordinal));
        Assert.Equal(4, run.Results.Count);
    }

    [Fact]
    public async Task RunAsync_TableStorageDown_StillRaisesAndReportNotesMissingHistory()
    {
        await using var root = BumpTestExtensions.CreateApp(new Dictionary<string, string?> { ["Storage:ConnectionString"] = BumpTestExtensions.UnreachableTables });
        await using var app = root.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(BumpTestExtensions.UnreachableTableClient())));
        await root.ConnectAsync(markConnected: false, services: app.Services);
        root.Hh.AddResume("r1", "Developer");

        var run = await root.RunAsync(services: app.Services);

        Assert.Equal(ResumeOutcome.Raised, run.Result("r1").Outcome);
        Assert.Single(root.Hh.Resumes[0].Raises);
        var message = Assert.Single(root.Telegram.Messages);
        Assert.Contains("Developer — raised", message.Text, StringComparison.Ordinal);
        Assert.Contains("The run history could not be saved", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoAccountConnected_FailsAndReportsReconnectLink()
    {
        await using var app = BumpTestExtensions.CreateApp(new Dictionary<string, string?> { ["Telegram:Notify"] = "errors" });
        app.Hh.AddResume("r1", "Developer");

        var run = await app.RunAsync();

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Empty(app.Hh.Requests);
        var message = Assert.Single(app.Telegram.Messages);
        Assert.Contains("Reconnect hh.ru", message.Text, StringComparison.Ordinal);
        Assert.Contains("https://hhfunctions.example/", message.Text, StringComparison.Ordinal);
    }
}
