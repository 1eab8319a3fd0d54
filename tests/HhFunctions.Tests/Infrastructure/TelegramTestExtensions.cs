using HhFunctions.Queues;
using System.Text;
using HhFunctions.Standalone;
using HhFunctions.Web;
using HhFunctions.Telegram;
using HhFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using HhFunctions.Bumping;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>Talks to the app the way Telegram does, and reads what it answered.</summary>
public static class TelegramTestExtensions
{
    public const string WebhookPath = "/api/telegram/webhook";

    /// <summary>POSTs an update to the webhook, with the right secret header unless told otherwise.</summary>
    public static async Task<HttpResponseMessage> PostWebhookAsync(this AppFactory app, string body, string? secret = FakeTelegramApi.WebhookSecret)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookPath) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret is not null)
        {
            request.Headers.Add(TelegramWebhookEndpoint.SecretHeader, secret);
        }

        return await client.SendAsync(request);
    }

    private static int _nextUpdateId = 5_000;

    /// <summary>Sends a text message from the owner's chat (or <paramref name="chatId"/>) through the webhook.</summary>
    public static Task<HttpResponseMessage> SendTextAsync(this AppFactory app, string text, long? chatId = null) =>
        app.PostWebhookAsync(FakeTelegramApi.TextUpdate(Interlocked.Increment(ref _nextUpdateId), text, chatId));

    public static List<string> SentTexts(this AppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Telegram.Messages.Select(m => m.Text).ToList();
    }

    /// <summary>Waits for the on-demand runs queued so far (the bot's /bump, the status page's "Raise now").</summary>
    public static Task BotIdleAsync(this AppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<InProcessQueue<BumpRequest>>().WhenIdleAsync();
    }

    public static IReadOnlyList<FakeLogRecord> LogsWithId(this AppFactory app, int eventId)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Logs.GetSnapshot().Where(r => r.Id.Id == eventId).ToList();
    }

    /// <summary>Every secret the fakes know, for "never leaked" checks.</summary>
    public static IReadOnlyCollection<string> AllSecrets(this AppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return [.. app.Hh.Secrets, .. FakeTelegramApi.Secrets];
    }

    /// <summary>Asserts no secret appears in any log line (message, exception, state) or Telegram message.</summary>
    public static void AssertNoSecretLeaked(this AppFactory app, params string[] moreSecrets)
    {
        ArgumentNullException.ThrowIfNull(app);
        var secrets = app.AllSecrets().Concat(moreSecrets).Where(s => s.Length >= 8).ToList();
        var logs = app.Logs.GetSnapshot()
            .Select(r => r.Message + " " + r.Exception + " " + string.Join(" ", r.StructuredState?.Select(kv => kv.Value) ?? []))
            .ToList();
        var messages = app.SentTexts();
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(messages, m => m.Contains(secret, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The BumpResumes timer function as the Functions host calls it (its class, with the app's services and a
    /// TimerInfo), answered with the run it recorded as "Status: summary".
    /// </summary>
    public static async Task<string> InvokeTimerAsync(this AppFactory app, bool pastDue = false)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var function = ActivatorUtilities.CreateInstance<HhFunctions.Functions.BumpResumesFunction>(scope.ServiceProvider);
        await function.Run(new Microsoft.Azure.Functions.Worker.TimerInfo { IsPastDue = pastDue }, CancellationToken.None);
        var run = (await scope.ServiceProvider.GetRequiredService<HhFunctions.State.IStateStore>().GetRecentRunsAsync(1, CancellationToken.None))[0];
        return $"{run.Status}: {run.Summary}";
    }
}
