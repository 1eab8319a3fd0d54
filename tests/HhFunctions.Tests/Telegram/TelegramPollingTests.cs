using System.Net;
using HhFunctions.Telegram;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HhFunctions.Tests.Telegram;

/// <summary>Standalone long polling against the fake Bot API's getUpdates queue.</summary>
public sealed class TelegramPollingTests
{
    private static AppFactory PollingApp(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Telegram:Polling"] = "true", ["Telegram:PollTimeoutSeconds"] = "25" };
        foreach (var (k, v) in more ?? [])
        {
            settings[k] = v;
        }

        return AppFactory.With(settings);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), $"Timed out (15 s) waiting for: {what}");
    }

    /// <summary>
    /// Moves the fake clock by the first retry pause until <paramref name="condition"/> holds. The poller logs a
    /// failure a moment before it starts its pause, so a single move could come too early and be missed.
    /// </summary>
    private static async Task AdvanceUntilAsync(AppFactory app, Func<bool> condition, string what)
    {
        for (var i = 0; i < 150 && !condition(); i++)
        {
            app.Time.Advance(TelegramPolling.FirstRetryDelay);
            await Task.Delay(100);
        }

        Assert.True(condition(), $"Timed out (15 s) moving the fake clock until: {what}");
    }

    private static bool Polls(AppFactory app) => app.Services.GetServices<IHostedService>().OfType<TelegramPolling>().Any();

    [Fact]
    public async Task ExecuteAsync_QueuedUpdates_EachHandledOnceAndOffsetAdvances()
    {
        using var app = PollingApp();
        var pause = app.Telegram.EnqueueText("/pause");
        var stranger = app.Telegram.EnqueueText("/resume", FakeTelegramApi.StrangerChatId);
        var help = app.Telegram.EnqueueText("/help");

        Assert.True(Polls(app)); // starts the host
        await WaitUntilAsync(() => app.Telegram.Messages.Count >= 2, "two replies");
        await WaitUntilAsync(() => app.Telegram.GetUpdatesOffsets.Contains(help + 1), "getUpdates confirming the last update");
        var callsSoFar = app.Telegram.GetUpdatesOffsets.Count;
        await WaitUntilAsync(() => app.Telegram.GetUpdatesOffsets.Count >= callsSoFar + 2, "two more long polls");

        Assert.Equal(2, app.Telegram.Messages.Count);
        Assert.StartsWith("⏸ Raising paused", app.SentTexts()[0], StringComparison.Ordinal);
        Assert.Contains("/status — ", app.SentTexts()[1], StringComparison.Ordinal);
        Assert.True((await app.State().GetAccountAsync(default)).Paused); // the stranger's /resume was ignored
        Assert.Single(app.LogsWithId(2102));
        Assert.Equal(0, app.Telegram.PendingUpdates);
        var offsets = app.Telegram.GetUpdatesOffsets;
        Assert.Null(offsets[0]);
        Assert.All(offsets.Skip(1), o => Assert.Equal(help + 1, o));
        Assert.True(pause < stranger && stranger < help);
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task ExecuteAsync_UpdatesArriveWhilePolling_AreHandled()
    {
        using var app = PollingApp();
        Assert.True(Polls(app));
        await WaitUntilAsync(() => app.Telegram.GetUpdatesOffsets.Count >= 1, "a first long poll");

        var id = app.Telegram.EnqueueText("/resume");

        await WaitUntilAsync(() => app.Telegram.Messages.Count == 1, "the reply");
        await WaitUntilAsync(() => app.Telegram.GetUpdatesOffsets.Contains(id + 1), "the offset past the update");
        Assert.StartsWith("▶️", app.SentTexts()[0], StringComparison.Ordinal);
        var timeouts = app.Telegram.Calls.Where(c => c.Method == "getUpdates").Select(c => c.Body.GetProperty("timeout").GetInt32());
        Assert.All(timeouts, t => Assert.Equal(25, t));
    }

    [Fact]
    public async Task ExecuteAsync_GetUpdatesRefused_LogsPausesOnFakeTimeThenRecovers()
    {
        using var app = PollingApp();
        app.Telegram.Fail("getUpdates", () => FakeTelegramApi.Error(HttpStatusCode.Conflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"));
        var id = app.Telegram.EnqueueText("/help");

        Assert.True(Polls(app));
        await WaitUntilAsync(() => app.LogsWithId(2306).Count == 1, "the pause log line");
        await Task.Delay(300);

        // Paused on the fake clock: no second call and no reply until it moves.
        Assert.Single(app.Telegram.GetUpdatesOffsets);
        Assert.Empty(app.Telegram.Messages);
        Assert.Single(app.LogsWithId(2303));

        await AdvanceUntilAsync(app, () => app.Telegram.Messages.Count == 1, "the reply after the pause");
        await WaitUntilAsync(() => app.Telegram.GetUpdatesOffsets.Contains(id + 1), "the offset past the update");
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task ExecuteAsync_NetworkError_LogsOnlyTheErrorTypeAndRecovers()
    {
        using var app = PollingApp();
        var calls = 0;
        app.Telegram.Outage = (_, _) => Interlocked.Increment(ref calls) == 1
            ? throw new HttpRequestException("Connection refused (https://api.telegram.org/bot" + FakeTelegramApi.BotToken + "/getUpdates)")
            : Task.FromResult(FakeTelegramApi.Ok("[]"));

        Assert.True(Polls(app));
        await WaitUntilAsync(() => app.LogsWithId(2305).Count == 1, "the failure log line");
        app.Telegram.Outage = null;
        await AdvanceUntilAsync(app, () => app.Telegram.GetUpdatesOffsets.Count >= 1, "a poll after the pause");

        Assert.Contains("HttpRequestException", app.LogsWithId(2305)[0].Message, StringComparison.Ordinal);
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task ExecuteAsync_UpdatesThatGetNoAnswer_OffsetStillMovesOn()
    {
        using var app = PollingApp();
        app.Telegram.Fail("sendMessage", () => FakeTelegramApi.Error(HttpStatusCode.BadRequest, "Bad Request: can't parse entities"));
        var callback = app.Telegram.EnqueueUpdate(id => Payloads.Read("telegram-update-callback.json").Replace("733201557", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var rejected = app.Telegram.EnqueueText("/status");
        var help = app.Telegram.EnqueueText("/help");

        Assert.True(Polls(app));
        await WaitUntilAsync(() => app.Telegram.GetUpdatesOffsets.Contains(help + 1), "the offset past every update");
        await WaitUntilAsync(() => app.Telegram.Messages.Count == 1, "the /help reply");

        Assert.True(callback < rejected && rejected < help);
        Assert.Contains("/status — ", app.SentTexts()[0], StringComparison.Ordinal);
        Assert.Single(app.LogsWithId(2104)); // the callback query
        Assert.Single(app.LogsWithId(2002)); // Telegram refused the /status answer
        Assert.Equal(0, app.Telegram.PendingUpdates);
    }

    [Fact]
    public async Task AddTelegram_TelegramNotConfigured_DoesNotPoll()
    {
        using var app = PollingApp(new() { ["Telegram:BotToken"] = null, ["Telegram:ChatId"] = null });

        Assert.False(Polls(app));
        await Task.Delay(300);
        Assert.Empty(app.Telegram.Calls);
    }

    [Fact]
    public async Task AddTelegram_PollingSwitchedOff_DoesNotPoll()
    {
        using var app = new AppFactory();

        Assert.False(Polls(app));
        await Task.Delay(300);
        Assert.Empty(app.Telegram.Calls);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(7, 300)]
    [InlineData(50, 300)]
    public void RetryDelay_Failures_DoublesUpToFiveMinutes(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), TelegramPolling.RetryDelay(failures));
    }
}
