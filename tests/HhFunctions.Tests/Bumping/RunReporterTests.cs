using System.Net;
using HhFunctions.Bumping;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Bumping;

public sealed class RunReporterTests
{
    private static readonly DateTimeOffset T0 = FakeClock.Start;

    private static RunRecord Run(RunStatus status, params ResumeRunResult[] results) =>
        new("run-1", "timer", T0, T0.AddMinutes(1), status, "summary", results);

    private static ResumeRunResult Raised(string id = "r1") => new(id, "Title " + id, ResumeOutcome.Raised, T0.AddHours(4), null);

    private static ResumeState Previous(string id, ResumeOutcome outcome) => new(id, "Title " + id, null, null, outcome, null, T0.AddHours(-4));

    [Fact]
    public void BuildHtml_TitlesAndMessagesWithMarkup_AreHtmlEscaped()
    {
        var run = Run(
            RunStatus.PartiallyFailed,
            new ResumeRunResult("r1", "<b>C# & .NET</b> \"lead\"", ResumeOutcome.Raised, null, null),
            new ResumeRunResult("r2", "QA <script>", ResumeOutcome.Failed, null, "hh.ru said <nope> & gave up"));

        var html = RunReporter.BuildHtml(run, null, ["note with <tag>"], null);

        Assert.Contains("&lt;b&gt;C# &amp; .NET&lt;/b&gt; &quot;lead&quot; — raised", html, StringComparison.Ordinal);
        Assert.Contains("QA &lt;script&gt; — failed: hh.ru said &lt;nope&gt; &amp; gave up", html, StringComparison.Ordinal);
        Assert.Contains("note with &lt;tag&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<nope>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildHtml_EachOutcome_RaisedNotYetWithTimeFailedWithReasonSkippedWithReason()
    {
        var run = Run(
            RunStatus.PartiallyFailed,
            new ResumeRunResult("r1", "Dev", ResumeOutcome.Raised, new DateTimeOffset(2026, 3, 2, 12, 1, 5, TimeSpan.Zero), null),
            new ResumeRunResult("r2", "QA", ResumeOutcome.NotYet, new DateTimeOffset(2026, 3, 2, 10, 30, 0, TimeSpan.FromHours(3)), null),
            new ResumeRunResult("r3", "Ops", ResumeOutcome.Failed, null, "hh.ru rejected the request (HTTP 400, bad_request)."),
            new ResumeRunResult("r4", "Draft", ResumeOutcome.Skipped, null, "not published"));

        var html = RunReporter.BuildHtml(run, null, [], null);

        Assert.StartsWith("⚠️ <b>hh.ru resumes</b> — summary", html, StringComparison.Ordinal);
        Assert.Contains("Dev — raised, next ≈ 02 Mar 12:01 UTC", html, StringComparison.Ordinal);
        Assert.Contains("QA — not yet, next at 02 Mar 07:30 UTC", html, StringComparison.Ordinal);
        Assert.Contains("Ops — failed: hh.ru rejected the request (HTTP 400, bad_request).", html, StringComparison.Ordinal);
        Assert.Contains("Draft — skipped: not published", html, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildHtml_TokenNeedsOwner_ShowsReasonAndReconnectLink()
    {
        var problem = new TokenUnavailableException(TokenProblem.ReconnectRequired, "hh.ru says access was revoked & must be renewed.");

        var html = RunReporter.BuildHtml(Run(RunStatus.Failed), problem, [], new Uri("https://app.example/api/oauth/link?t=a&b"));

        Assert.Contains("🔑 hh.ru says access was revoked &amp; must be renewed.", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://app.example/api/oauth/link?t=a&amp;b\">Reconnect hh.ru</a>", html, StringComparison.Ordinal);
    }

    public static TheoryData<NotifyLevel, string, bool> NotifyCases() => new()
    {
        { NotifyLevel.All, "unchanged", true },
        { NotifyLevel.All, "changed", true },
        { NotifyLevel.All, "failed", true },
        { NotifyLevel.Changes, "unchanged", false },
        { NotifyLevel.Changes, "changed", true },
        { NotifyLevel.Changes, "failed", true },
        { NotifyLevel.Changes, "note", true },
        { NotifyLevel.Changes, "token-transient", true },
        { NotifyLevel.Changes, "token-owner", true },
        { NotifyLevel.Errors, "unchanged", false },
        { NotifyLevel.Errors, "changed", false },
        { NotifyLevel.Errors, "failed", true },
        { NotifyLevel.Errors, "partly-failed", true },
        { NotifyLevel.Errors, "note", true },
        { NotifyLevel.Errors, "token-transient", true },
        { NotifyLevel.Errors, "token-owner", true },
        { NotifyLevel.Errors, "token-owner-skipped", true },
    };

    [Theory]
    [MemberData(nameof(NotifyCases))]
    public void ShouldSend_NotifyLevelAndRun_SendsOnlyWhatTheLevelAsksFor(NotifyLevel level, string scenario, bool expected)
    {
        IReadOnlyList<ResumeState> previous = [Previous("r1", ResumeOutcome.Raised)];
        var run = scenario switch
        {
            "changed" => Run(RunStatus.Succeeded, new ResumeRunResult("r1", "Title r1", ResumeOutcome.NotYet, T0.AddHours(3), null)),
            "failed" => Run(RunStatus.Failed, new ResumeRunResult("r1", "Title r1", ResumeOutcome.Failed, null, "boom")),
            "partly-failed" => Run(RunStatus.PartiallyFailed, Raised(), new ResumeRunResult("r2", "Title r2", ResumeOutcome.Failed, null, "boom")),
            "token-owner-skipped" => Run(RunStatus.Skipped),
            _ => Run(RunStatus.Succeeded, Raised()),
        };
        if (scenario == "partly-failed")
        {
            previous = [Previous("r1", ResumeOutcome.Raised), Previous("r2", ResumeOutcome.Failed)];
        }

        var token = scenario switch
        {
            "token-transient" => new TokenUnavailableException(TokenProblem.Transient, "vault busy"),
            "token-owner" or "token-owner-skipped" => new TokenUnavailableException(TokenProblem.NotConnected, "connect first"),
            _ => null,
        };
        IReadOnlyList<string> notes = scenario == "note" ? ["history not saved"] : [];

        Assert.Equal(expected, RunReporter.ShouldSend(level, run, previous, token, notes));
    }

    [Fact]
    public async Task ReportAsync_NotifyChanges_SendsOnlyWhenAResumeOutcomeChanges()
    {
        await using var app = BumpTestExtensions.CreateApp(new Dictionary<string, string?> { ["Telegram:Notify"] = "changes" });
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");

        await app.RunAsync(); // raised (new)
        var afterFirst = app.Telegram.Messages.Count;
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.RunAsync(); // raised -> not yet
        var afterSecond = app.Telegram.Messages.Count;
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.RunAsync(); // not yet -> not yet

        Assert.Equal(1, afterFirst);
        Assert.Equal(2, afterSecond);
        Assert.Equal(2, app.Telegram.Messages.Count);
    }

    [Fact]
    public async Task ReportAsync_NotifyErrors_SilentOnSuccessSendsOnFailure()
    {
        await using var app = BumpTestExtensions.CreateApp(new Dictionary<string, string?> { ["Telegram:Notify"] = "errors" });
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        app.Hh.AddResume("r2", "Tester");

        await app.RunAsync();
        var afterSuccess = app.Telegram.Messages.Count;
        app.Time.Advance(TimeSpan.FromHours(4));
        app.Hh.Fail("resumes/r1/publish", () => FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_request"));
        await app.RunAsync();

        Assert.Equal(0, afterSuccess);
        var message = Assert.Single(app.Telegram.Messages);
        Assert.Contains("Developer — failed: hh.ru rejected the request (HTTP 400", message.Text, StringComparison.Ordinal);
        Assert.Contains("Tester — raised", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportAsync_RunWithEveryOutcome_OneHtmlMessageListingEachResume()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        var now = app.Time.GetUtcNow();
        app.Hh.AddResume("r1", "<b>Dev</b> & Ops");
        app.Hh.AddResume("r2", "QA", nextPublishAt: new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        app.Hh.AddResume("r3", "Broken").MandatoryFieldsMissing = true;
        app.Hh.AddResume("r4", "Draft", status: "not_published");

        await app.RunAsync();

        var message = Assert.Single(app.Telegram.Messages);
        Assert.Equal("Html", message.ParseMode, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("1 raised, 1 not yet, 1 skipped, 1 failed.", message.Text, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;Dev&lt;/b&gt; &amp; Ops — raised, next ≈ " + (now + FakeHhApi.PublishInterval).ToString("dd MMM HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture), message.Text, StringComparison.Ordinal);
        Assert.Contains("QA — not yet, next at 02 Mar 10:00 UTC", message.Text, StringComparison.Ordinal);
        Assert.Contains("Broken — failed: hh.ru rejected the request (HTTP 400", message.Text, StringComparison.Ordinal);
        Assert.Contains("Draft — skipped: not published", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportAsync_TelegramAnswers500_RunStillSucceedsAndHistorySaved()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        app.Telegram.Outage = (_, _) => Task.FromResult(FakeTelegramApi.Error(HttpStatusCode.InternalServerError, "Internal Server Error"));

        var run = await RunWithTelegramTimeAsync(app);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Single(app.Hh.Resumes[0].Raises);
        Assert.Empty(app.Telegram.Messages);
        var saved = await app.Services.GetRequiredService<IStateStore>().GetRecentRunsAsync(1, CancellationToken.None);
        Assert.Equal(run.Id, Assert.Single(saved).Id);
    }

    [Fact]
    public async Task ReportAsync_TelegramNeverAnswers_RunStillSucceeds()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        app.Telegram.Outage = async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        };

        var run = await RunWithTelegramTimeAsync(app);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Single(app.Hh.Resumes[0].Raises);
        Assert.Empty(app.Telegram.Messages);
    }

    /// <summary>
    /// One run whose report needs fake time (Telegram retry delays and timeouts): the clock stands still while
    /// hh.ru is listed and the resume raised, then moves a second at a time until the run ends.
    /// </summary>
    private static async Task<RunRecord> RunWithTelegramTimeAsync(AppFactory app)
    {
        var started = app.StartRun();
        var guard = Task.Delay(BumpTestExtensions.HangGuard);
        while (app.Hh.PublishRequests().Count == 0 && !started.Run.IsCompleted)
        {
            Assert.False(guard.IsCompleted, "The run never raised the resume.");
            await Task.Delay(5);
        }

        return await app.Time.RunAsync(started.Run, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
    }
}
