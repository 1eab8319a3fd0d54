using System.Net;
using System.Text;
using HhFunctions.Queues;
using HhFunctions.Standalone;
using HhFunctions.Telegram;
using HhFunctions.Testing;
using HhFunctions.Tests.Architecture.Throwaway;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Tests.Architecture;

/// <summary>
/// docs/architecture.md's "how to add a feature", followed once: the throwaway feature in ThrowawayFeature.cs
/// (a queue, a route and a bot command) is mounted on the real standalone host with its one AddXxx line and its
/// one MapXxxEndpoints line, without editing any other feature's files, and everything it adds works.
/// </summary>
public sealed class ThrowawayFeatureTests
{
    [Fact]
    public async Task Route_QueuesTheMessage_TheInProcessQueueRunsTheHandler()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        using var response = await client.PostAsync("/api/echo", new StringContent("hello", Encoding.UTF8, "text/plain"));
        await app.Services.GetRequiredService<InProcessQueue<EchoMessage>>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["hello"], app.Services.GetRequiredService<EchoLog>().Echoed);
        Assert.Contains(Telegram.Messages, m => m.Text == "echo: hello");
    }

    [Fact]
    public async Task Route_BadInput_AProblemFromTheSharedPlumbing_NothingQueued()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/echo") { Content = new StringContent(string.Empty) };
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Nothing to echo", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(0, app.Services.GetRequiredService<InProcessQueue<EchoMessage>>().Pending);
    }

    [Fact]
    public async Task BotCommand_IsDispatchedAndListedInHelp_AndReachesTheQueue()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        using (var echo = await PostUpdateAsync(client, FakeTelegramApi.TextUpdate(9_001, "/echo from the bot")))
        {
            echo.EnsureSuccessStatusCode();
        }

        await app.Services.GetRequiredService<InProcessQueue<EchoMessage>>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        using (var help = await PostUpdateAsync(client, FakeTelegramApi.TextUpdate(9_002, "/help")))
        {
            help.EnsureSuccessStatusCode();
        }

        Assert.Equal(["from the bot"], app.Services.GetRequiredService<EchoLog>().Echoed);
        Assert.Contains(Telegram.Messages, m => m.Text == "Queued.");
        var helpText = Telegram.Messages.Last().Text;
        Assert.Contains("/echo &lt;text&gt; — echo the text through the feature's queue", helpText, StringComparison.Ordinal);
        Assert.Contains("/bump", helpText, StringComparison.Ordinal); // the app's own commands are still there
    }

    [Fact]
    public async Task QueueTrigger_TheFunctionsHostsWay_ParsesAndCallsTheSameHandler()
    {
        await using var app = await StartAsync();
        var handler = app.Services.GetRequiredService<IQueueHandler<EchoMessage>>();

        // What the feature's one [QueueTrigger(EchoMessage.Queue)] method would do with the message body.
        var time = app.Services.GetRequiredService<TimeProvider>();
        await handler.HandleAsync(new EchoMessage("from a trigger").ToJson(), time, CancellationToken.None);
        await Assert.ThrowsAsync<FormatException>(() => handler.HandleAsync("{}", time, CancellationToken.None));

        Assert.Equal(["from a trigger"], app.Services.GetRequiredService<EchoLog>().Echoed);
    }

    private FakeTelegramApi Telegram { get; } = new();

    private async Task<WebApplication> StartAsync()
    {
        var time = FakeClock.Create();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(Program).Assembly.GetName().Name });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Path"] = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N")),
            ["Bump:StandaloneScheduler"] = "false",
            ["Bump:DueQueue"] = "false",
            ["Search:StandaloneScheduler"] = "false",
            ["HeadHunter:ClientId"] = FakeHhApi.ClientId,
            ["HeadHunter:ClientSecret"] = FakeHhApi.ClientSecret,
            ["Telegram:BotToken"] = FakeTelegramApi.BotToken,
            ["Telegram:ChatId"] = FakeTelegramApi.ChatId,
            ["Telegram:WebhookSecret"] = FakeTelegramApi.WebhookSecret,
            ["Telegram:Polling"] = "false",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();

        builder.AddStandaloneHost();
        builder.AddThrowaway(); // the feature's registration line

        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IHttpMessageHandlerBuilderFilter>(new FakeNetworkFilter(new FakeNetwork(new FakeHhApi(time), Telegram)));
        var app = builder.Build();
        app.MapStandaloneRoutes();
        app.MapGroup("/" + Routes.Prefix).MapThrowawayEndpoints(); // the feature's mapping line
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpResponseMessage> PostUpdateAsync(HttpClient client, string update)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/" + TelegramRoutes.Webhook) { Content = new StringContent(update, Encoding.UTF8, "application/json") };
        request.Headers.Add(TelegramWebhookEndpoint.SecretHeader, FakeTelegramApi.WebhookSecret);
        return await client.SendAsync(request);
    }
}
