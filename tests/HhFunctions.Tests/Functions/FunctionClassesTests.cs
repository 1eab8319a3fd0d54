using System.Net;
using System.Text;
using System.Text.Json;
using HhFunctions.Functions;
using HhFunctions.Bumping;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Bumping;
using HhFunctions.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using HhFunctions.Telegram;

namespace HhFunctions.Tests.Functions;

/// <summary>
/// The Functions app's [Function] classes called as the isolated worker calls them (no host can run here): an
/// ASP.NET Core HttpRequest or a TimerInfo / queue message in, the app's own services behind them.
/// </summary>
public sealed class FunctionClassesTests
{
    [Fact]
    public async Task BumpResumes_Timer_RunsJobAndRecordsTimerRun()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");

        var summary = await app.InvokeTimerAsync();

        Assert.Equal("Succeeded: 1 raised, 0 not yet, 0 skipped, 0 failed.", summary);
        Assert.Single(app.Hh.Resumes[0].Raises);
        var run = Assert.Single(await app.Services.GetRequiredService<IStateStore>().GetRecentRunsAsync(5, CancellationToken.None));
        Assert.Equal("timer", run.Trigger);
    }

    [Fact]
    public async Task BumpResumes_PastDueTimer_RunRecordedAsPastDue()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");

        await app.InvokeTimerAsync(pastDue: true);

        var run = Assert.Single(await app.Services.GetRequiredService<IStateStore>().GetRecentRunsAsync(5, CancellationToken.None));
        Assert.Equal("timer (past due)", run.Trigger);
        Assert.Single(app.Hh.Resumes[0].Raises);
    }

    [Fact]
    public async Task BumpOnDemand_BotQueueMessage_RunsOnceAndAnswersInTelegram()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        await using var scope = app.Services.CreateAsyncScope();
        var function = ActivatorUtilities.CreateInstance<BumpResumesFunction>(scope.ServiceProvider);
        var message = new BumpRequest(RunReporter.OnDemandTrigger, app.Time.GetUtcNow()).ToJson();

        await function.OnDemand(message, CancellationToken.None);

        Assert.Single(app.Hh.Resumes[0].Raises);
        var run = Assert.Single(await app.Services.GetRequiredService<IStateStore>().GetRecentRunsAsync(5, CancellationToken.None));
        Assert.Equal(RunReporter.OnDemandTrigger, run.Trigger);
        Assert.StartsWith("✅ <b>/bump</b> finished: 1 raised", Assert.Single(app.Telegram.Messages).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"trigger\":\"\"}")]
    [InlineData("[1,2]")]
    public async Task BumpOnDemand_MessageThatIsNotABumpRequest_FailsClearlyAndRunsNothing(string message)
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        await using var scope = app.Services.CreateAsyncScope();
        var function = ActivatorUtilities.CreateInstance<BumpResumesFunction>(scope.ServiceProvider);

        var ex = await Assert.ThrowsAsync<FormatException>(() => function.OnDemand(message, CancellationToken.None));

        Assert.Contains("queue message", ex.Message, StringComparison.Ordinal);
        Assert.Empty(app.Hh.Resumes[0].Raises);
        Assert.Empty(await app.Services.GetRequiredService<IStateStore>().GetRecentRunsAsync(5, CancellationToken.None));
    }

    [Fact]
    public async Task BumpOnDemand_MessageOlderThanAnHour_IsDroppedWithoutCallingHh()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        var calls = app.Hh.Requests.Count;
        await using var scope = app.Services.CreateAsyncScope();
        var function = ActivatorUtilities.CreateInstance<BumpResumesFunction>(scope.ServiceProvider);
        var stale = new BumpRequest(RunReporter.OnDemandTrigger, app.Time.GetUtcNow() - BumpRequestHandler.MaxAge - TimeSpan.FromMinutes(1)).ToJson();

        await function.OnDemand(stale, CancellationToken.None);

        Assert.Equal(calls, app.Hh.Requests.Count);
        Assert.Empty(app.Telegram.Messages);
    }

    [Fact]
    public async Task Status_JsonRequest_AnswersTheStatusModel()
    {
        using var app = new AppFactory();
        var (context, scope) = Context(app, "GET", "/api/status");
        context.Request.Headers.Accept = "application/json";
        var function = ActivatorUtilities.CreateInstance<StatusFunction>(scope.ServiceProvider);

        var (status, headers, body) = await ExecuteAsync(await function.Run(context.Request), context);

        Assert.Equal(200, status);
        Assert.StartsWith("application/json", headers.ContentType.ToString(), StringComparison.Ordinal);
        Assert.Equal("no-store", headers.CacheControl.ToString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("NotConnected", json.RootElement.GetProperty("accountStatus").GetString());
        scope.Dispose();
    }

    [Fact]
    public async Task OAuthStart_Redirects_ToHhAuthorizePage()
    {
        using var app = new AppFactory();
        var (context, scope) = Context(app, "GET", "/api/oauth/start");
        var function = ActivatorUtilities.CreateInstance<OAuthFunctions>(scope.ServiceProvider);

        var (status, headers, _) = await ExecuteAsync(await function.Start(context.Request), context);

        Assert.Equal(302, status);
        Assert.StartsWith("https://hh.ru/oauth/authorize?", headers.Location.ToString(), StringComparison.Ordinal);
        scope.Dispose();
    }

    [Fact]
    public async Task OAuthCallback_RepeatedParameter_400BeforeAnythingElse()
    {
        using var app = new AppFactory();
        var (context, scope) = Context(app, "GET", "/api/oauth/callback", "?state=a&state=b");
        var function = ActivatorUtilities.CreateInstance<OAuthFunctions>(scope.ServiceProvider);

        var (status, _, body) = await ExecuteAsync(await function.Callback(context.Request), context);

        Assert.Equal(400, status);
        Assert.Contains("is given more than once", body, StringComparison.Ordinal);
        Assert.Empty(app.Hh.Requests);
        scope.Dispose();
    }

    [Fact]
    public async Task TelegramWebhook_HelpWithSecret_AnswersInTelegram()
    {
        using var app = new AppFactory();
        var (context, scope) = Context(app, "POST", "/api/telegram/webhook");
        context.Request.Headers[TelegramWebhookEndpoint.SecretHeader] = FakeTelegramApi.WebhookSecret;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(FakeTelegramApi.TextUpdate(77, "/help")));
        var function = ActivatorUtilities.CreateInstance<TelegramWebhookFunction>(scope.ServiceProvider);

        var (status, _, _) = await ExecuteAsync(await function.Run(context.Request), context);

        Assert.Equal(200, status);
        Assert.Contains("/status", Assert.Single(app.Telegram.Messages).Text, StringComparison.Ordinal);
        scope.Dispose();
    }

    [Fact]
    public async Task TelegramWebhook_WrongSecret_401AndNothingSent()
    {
        using var app = new AppFactory();
        var (context, scope) = Context(app, "POST", "/api/telegram/webhook");
        context.Request.Headers[TelegramWebhookEndpoint.SecretHeader] = "wrong-secret";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(FakeTelegramApi.TextUpdate(78, "/help")));
        var function = ActivatorUtilities.CreateInstance<TelegramWebhookFunction>(scope.ServiceProvider);

        var (status, _, _) = await ExecuteAsync(await function.Run(context.Request), context);

        Assert.Equal(401, status);
        Assert.Empty(app.Telegram.Messages);
        scope.Dispose();
    }

    private static (DefaultHttpContext Context, IServiceScope Scope) Context(AppFactory app, string method, string path, string query = "")
    {
        var scope = app.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("hhfunctions.example");
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Response.Body = new MemoryStream();
        return (context, scope);
    }

    /// <summary>Executes the IActionResult as the worker's HTTP integration does, and reads the response.</summary>
    private static async Task<(int Status, IHeaderDictionary Headers, string Body)> ExecuteAsync(IActionResult result, DefaultHttpContext context)
    {
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        using var reader = new StreamReader(context.Response.Body);
        return (context.Response.StatusCode, context.Response.Headers, await reader.ReadToEndAsync());
    }
}
