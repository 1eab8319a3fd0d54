using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HhFunctions.Web;
using HhFunctions.Bumping;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using HhFunctions.Telegram;

namespace HhFunctions.Tests.Functions;

/// <summary>The webhook as Telegram calls it: secret header, update parsing, owner-only commands.</summary>
public sealed class TelegramWebhookFunctionTests
{
    [Fact]
    public async Task HandleAsync_RightSecret_Answers200AndReplies()
    {
        using var app = new AppFactory();

        using var response = await app.PostWebhookAsync(Payloads.Read("telegram-update-command.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(app.Telegram.Messages);
        Assert.Equal(FakeTelegramApi.ChatId, reply.ChatId);
        Assert.Equal("html", reply.ParseMode, ignoreCase: true);
        Assert.Contains("hh.ru status", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_MissingSecretHeader_Returns401WithoutReplying()
    {
        using var app = new AppFactory();

        using var response = await app.PostWebhookAsync(Payloads.Read("telegram-update-command.json"), secret: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Unauthorized.", await response.Content.ReadAsStringAsync());
        Assert.Empty(app.Telegram.Messages);
        Assert.Contains("missing", Assert.Single(app.LogsWithId(2202)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_WrongSecretHeader_Returns401AndNeverEchoesIt()
    {
        using var app = new AppFactory();
        const string wrong = "guessed-secret-value-0123456789";

        using var response = await app.PostWebhookAsync(Payloads.Read("telegram-update-command.json"), secret: wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(wrong, body, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeTelegramApi.WebhookSecret, body, StringComparison.Ordinal);
        Assert.Empty(app.Telegram.Messages);
        Assert.Contains("wrong", Assert.Single(app.LogsWithId(2202)).Message, StringComparison.Ordinal);
        app.AssertNoSecretLeaked(wrong);
    }

    [Fact]
    public async Task HandleAsync_SecretWithDifferentCase_Returns401()
    {
        using var app = new AppFactory();

        using var response = await app.PostWebhookAsync(Payloads.Read("telegram-update-command.json"), secret: FakeTelegramApi.WebhookSecret.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task HandleAsync_SecretNotConfigured_Returns403EvenWithAHeader()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Telegram:WebhookSecret"] = null });

        using var response = await app.PostWebhookAsync(Payloads.Read("telegram-update-command.json"), secret: FakeTelegramApi.WebhookSecret);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Webhook disabled.", await response.Content.ReadAsStringAsync());
        Assert.Empty(app.Telegram.Messages);
        Assert.Single(app.LogsWithId(2201));
    }

    [Fact]
    public async Task HandleAsync_GetRequest_IsNotRouted()
    {
        using var app = new AppFactory();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri(TelegramTestExtensions.WebhookPath, UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"update_id\":\"abc\"}")]
    [InlineData("{\"update_id\":1,\"message\":{\"message_id\":\"x\"}")]
    public async Task HandleAsync_InvalidJson_Returns200AndLogs(string body)
    {
        using var app = new AppFactory();

        using var response = await app.PostWebhookAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(app.Telegram.Messages);
        Assert.Single(app.LogsWithId(2203));
    }

    [Fact]
    public async Task HandleAsync_EmptyBody_Returns200AndLogs()
    {
        using var app = new AppFactory();

        using var response = await app.PostWebhookAsync(string.Empty);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(app.LogsWithId(2204));
    }

    [Theory]
    [InlineData("telegram-update-edited.json")]
    [InlineData("telegram-update-callback.json")]
    public async Task HandleAsync_UpdateWithoutNewMessage_Returns200AndIgnores(string payload)
    {
        using var app = new AppFactory();

        using var response = await app.PostWebhookAsync(Payloads.Read(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ignored.", await response.Content.ReadAsStringAsync());
        Assert.Empty(app.Telegram.Messages);
        Assert.Single(app.LogsWithId(2104));
    }

    [Fact]
    public async Task HandleAsync_PhotoWithoutText_Returns200AndIgnores()
    {
        using var app = new AppFactory();

        using var response = await app.PostWebhookAsync(Payloads.Read("telegram-update-photo.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(app.Telegram.Messages);
        Assert.Contains("Photo", Assert.Single(app.LogsWithId(2103)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_CommandFromAnotherChat_Returns200IgnoresAndLogs()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();

        using var response = await app.SendTextAsync("/pause", FakeTelegramApi.StrangerChatId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(app.Telegram.Messages);
        Assert.False((await app.State().GetAccountAsync(default)).Paused);
        Assert.Contains(FakeTelegramApi.StrangerChatId.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(app.LogsWithId(2102)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_SameUpdateTwice_RepliesOnce()
    {
        using var app = new AppFactory();
        var update = FakeTelegramApi.TextUpdate(777, "/help");

        using var first = await app.PostWebhookAsync(update);
        using var retry = await app.PostWebhookAsync(update);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Single(app.Telegram.Messages);
        Assert.Single(app.LogsWithId(2105));
    }

    [Fact]
    public async Task HandleAsync_TelegramDownWhileReplying_StillReturns200()
    {
        using var app = new AppFactory();
        app.Telegram.Outage = (_, _) => Task.FromResult(FakeTelegramApi.Error(HttpStatusCode.BadGateway, "Bad Gateway"));

        using var response = await app.Time.RunAsync(app.SendTextAsync("/help"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Status_ConnectedAccount_ShowsAccountTokenAndEachResume()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        var now = app.Time.GetUtcNow();
        await app.SaveResumeAsync("r1", "Senior C# developer", ResumeOutcome.Raised, now.AddHours(-1), now.AddHours(3));
        await app.SaveResumeAsync("r2", "Team lead <.NET>", ResumeOutcome.Failed, null, null, "hh.ru: bad_request");
        await app.AddRunAsync(now.AddHours(-1), "timer", RunStatus.PartiallyFailed, "1 raised, 0 not yet, 0 skipped, 1 failed.");

        using var response = await app.SendTextAsync("/status");

        var text = Assert.Single(app.Telegram.Messages).Text;
        Assert.Contains($"<b>{AppSeed.AccountName}</b> — connected", text, StringComparison.Ordinal);
        Assert.Contains("Token: valid until 16 Mar 08:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("<b>Senior C# developer</b> — raised; last raise 02 Mar 07:00 UTC; next 02 Mar 11:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("<b>Team lead &lt;.NET&gt;</b> — failed: hh.ru: bad_request; last raise —; next —", text, StringComparison.Ordinal);
        Assert.Contains("Last run: 02 Mar 07:00 UTC (timer) — 1 raised, 0 not yet, 0 skipped, 1 failed.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("oauth/link", text, StringComparison.Ordinal);
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task Status_NotConnected_PointsToConnect()
    {
        using var app = new AppFactory();

        using var response = await app.SendTextAsync("/status");

        var text = Assert.Single(app.Telegram.Messages).Text;
        Assert.Contains("Account: not connected — /connect", text, StringComparison.Ordinal);
        Assert.Contains("No resumes seen yet.", text, StringComparison.Ordinal);
        Assert.Contains("No runs yet.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bump_ConnectedAccount_RunsJobAndAnswersWithSummary()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Senior C# developer");

        using var response = await app.SendTextAsync("/bump");
        await app.BotIdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(app.Hh.Resumes[0].Raises);
        Assert.Contains(app.SentTexts(), t => t.StartsWith("✅ <b>/bump</b> finished: 1 raised, 0 not yet, 0 skipped, 0 failed.", StringComparison.Ordinal));
        var run = Assert.Single(await app.State().GetRecentRunsAsync(5, default));
        Assert.Equal("telegram /bump", run.Trigger);
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task Bump_RunAlreadyInProgress_SaysSoAndStartsNothing()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Senior C# developer");
        var locks = app.Services.GetRequiredService<IDistributedLock>();
        await using var running = await locks.TryAcquireAsync(BumpResumesJob.RunLockName, TimeSpan.FromMinutes(10), TimeSpan.Zero, default);
        Assert.NotNull(running);

        using var response = await app.SendTextAsync("/bump");
        await app.BotIdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Assert.Single(app.Telegram.Messages).Text;
        Assert.StartsWith("⏳ A run is already in progress", text, StringComparison.Ordinal);
        Assert.Empty(app.Hh.Resumes[0].Raises);
        Assert.Empty(await app.State().GetRecentRunsAsync(5, default));
    }

    [Fact]
    public async Task Bump_ResumeEligibleInTwoMinutes_AnswersAtOnceThenTheResultWhenTheQueuedRunEnds()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        var resume = app.Hh.AddResume("r1", "Senior C# developer", nextPublishAt: app.Time.GetUtcNow().AddMinutes(2));

        using var response = await app.SendTextAsync("/bump");
        var afterWebhook = app.SentTexts();
        await WaitUntilAsync(() => app.LogsWithId(4004).Count == 1); // the queued run waits (fake time) for the resume to become eligible
        await Task.Delay(50);
        app.Time.Advance(TimeSpan.FromMinutes(2) + BumpResumesJob.EligibilityMargin);
        await app.BotIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("⏳ <b>/bump</b>: raising now", Assert.Single(afterWebhook), StringComparison.Ordinal);
        Assert.Single(resume.Raises);
        Assert.StartsWith("✅ <b>/bump</b> finished: 1 raised", app.SentTexts()[^1], StringComparison.Ordinal);
        Assert.Equal(2, app.SentTexts().Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "The condition did not become true within 10 s.");
    }

    [Fact]
    public async Task Bump_NotConnected_AnswersWithTheFailure()
    {
        using var app = new AppFactory();

        using var response = await app.SendTextAsync("/bump");
        await app.BotIdleAsync();

        Assert.Contains(app.SentTexts(), t => t.StartsWith("⛔ <b>/bump</b> finished: No hh.ru account is connected yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pause_ThenTimerRun_RunIsSkippedAndNothingRaised()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Senior C# developer");

        using var response = await app.SendTextAsync("/pause");
        var summary = await app.InvokeTimerAsync();

        Assert.StartsWith("⏸ Raising paused", app.SentTexts()[0], StringComparison.Ordinal);
        Assert.True((await app.State().GetAccountAsync(default)).Paused);
        Assert.StartsWith("Skipped: Raising is paused", summary, StringComparison.Ordinal);
        Assert.Empty(app.Hh.Resumes[0].Raises);
    }

    [Fact]
    public async Task Bump_WhilePaused_AnswersThatRaisingIsPaused()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Senior C# developer");

        using var pause = await app.SendTextAsync("/pause");
        using var bump = await app.SendTextAsync("/bump");
        await app.BotIdleAsync();

        Assert.Contains(app.SentTexts(), t => t.StartsWith("⏸ <b>/bump</b> finished: Raising is paused", StringComparison.Ordinal));
        Assert.Empty(app.Hh.Resumes[0].Raises);
    }

    [Fact]
    public async Task Pause_Twice_SaysAlreadyPaused()
    {
        using var app = new AppFactory();

        using var first = await app.SendTextAsync("/pause");
        using var second = await app.SendTextAsync("/pause");

        Assert.StartsWith("⏸ Raising was already paused", app.SentTexts()[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_AfterPause_TimerRunRaisesAgain()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Senior C# developer");

        using var pause = await app.SendTextAsync("/pause");
        using var resume = await app.SendTextAsync("/resume");
        var summary = await app.InvokeTimerAsync();

        Assert.StartsWith("▶️ Raising resumed", app.SentTexts()[1], StringComparison.Ordinal);
        Assert.False((await app.State().GetAccountAsync(default)).Paused);
        Assert.StartsWith("Succeeded: 1 raised", summary, StringComparison.Ordinal);
        Assert.Single(app.Hh.Resumes[0].Raises);
    }

    [Fact]
    public async Task Resume_WhenNotPaused_SaysNothingChanged()
    {
        using var app = new AppFactory();

        using var response = await app.SendTextAsync("/resume");

        Assert.StartsWith("▶️ Raising was not paused", Assert.Single(app.Telegram.Messages).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_SendsAWorkingOneTimeSetupLink()
    {
        using var app = new AppFactory();

        using var response = await app.SendTextAsync("/connect");

        var text = Assert.Single(app.Telegram.Messages).Text;
        var match = System.Text.RegularExpressions.Regex.Match(text, "<a href=\"(https://hhfunctions\\.example/api/oauth/link\\?t=[A-Za-z0-9_-]{43})\">Connect hh\\.ru</a>");
        Assert.True(match.Success, text);
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var link = new Uri(match.Groups[1].Value);
        using var first = await client.GetAsync(new Uri(link.PathAndQuery, UriKind.Relative));
        using var second = await client.GetAsync(new Uri(link.PathAndQuery, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.StartsWith("https://hh.ru/oauth/authorize", first.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
    }

    [Fact]
    public async Task Connect_ConnectedAccount_OffersReconnect()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();

        using var response = await app.SendTextAsync("/connect");

        var text = Assert.Single(app.Telegram.Messages).Text;
        Assert.Contains("\">Reconnect hh.ru</a>", text, StringComparison.Ordinal);
        Assert.Contains($"Connected now as {AppSeed.AccountName}", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/help")]
    [InlineData("/start")]
    [InlineData("hello bot")]
    public async Task Help_HelpStartOrPlainText_ListsCommands(string text)
    {
        using var app = new AppFactory();

        using var response = await app.SendTextAsync(text);

        var reply = Assert.Single(app.Telegram.Messages).Text;
        foreach (var command in new[] { "/status", "/bump", "/pause", "/resume", "/connect", "/help" })
        {
            Assert.Contains(command + " — ", reply, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unknown_Command_SaysUnknownAndListsCommands()
    {
        using var app = new AppFactory();

        using var response = await app.SendTextAsync("/frobnicate<b>");

        var reply = Assert.Single(app.Telegram.Messages).Text;
        Assert.StartsWith("Unknown command /frobnicate&lt;b&gt;.", reply, StringComparison.Ordinal);
        Assert.Contains("/status — ", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_StateStoreDown_RepliesUnavailableAndReturns200()
    {
        var store = new Mock<IStateStore>();
        store.Setup(s => s.UpdateAccountAsync(It.IsAny<Func<AccountState, AccountState>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StateStoreException("table service unreachable"));
        store.Setup(s => s.GetAccountAsync(It.IsAny<CancellationToken>())).ReturnsAsync(AccountState.Empty);
        using var app = new AppFactory();
        using var broken = app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton(store.Object)));
        using var client = broken.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, TelegramTestExtensions.WebhookPath)
        {
            Content = new StringContent(FakeTelegramApi.TextUpdate(31, "/pause"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(TelegramWebhookEndpoint.SecretHeader, FakeTelegramApi.WebhookSecret);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("⚠️ State storage is unavailable", Assert.Single(app.Telegram.Messages).Text, StringComparison.Ordinal);
    }
}
