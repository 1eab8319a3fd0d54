using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HhFunctions.State;
using HhFunctions.Tests.Infrastructure;

namespace HhFunctions.Tests.Functions;

/// <summary>The status function's two faces: HTML for browsers, JSON for scripts (Accept: application/json).</summary>
public sealed class StatusFunctionTests
{
    private static async Task<HttpResponseMessage> GetStatusAsync(AppFactory app, string accept)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        request.Headers.Accept.ParseAdd(accept);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task HandleAsync_Html_ShowsTheResolvedDataFolder()
    {
        using var app = new AppFactory();

        using var response = await GetStatusAsync(app, "text/html");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"data-folder\"", html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Path.GetFullPath(app.DataPath)), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_AcceptJson_ReturnsTheModelAsJson()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        var now = app.Time.GetUtcNow();
        await app.SaveResumeAsync("r1", "Senior C# developer", ResumeOutcome.Raised, now.AddHours(-1), now.AddHours(3));
        await app.AddRunAsync(now.AddHours(-1), "timer", RunStatus.Succeeded, "1 raised, 0 not yet, 0 skipped, 0 failed.");
        await app.State().UpdateAccountAsync(a => a with { Paused = true }, default);

        using var response = await GetStatusAsync(app, "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal("Connected", root.GetProperty("accountStatus").GetString());
        Assert.Equal(AppSeed.AccountName, root.GetProperty("account").GetString());
        Assert.Equal("valid", root.GetProperty("tokenState").GetString());
        Assert.True(root.GetProperty("paused").GetBoolean());
        Assert.True(root.GetProperty("telegramConfigured").GetBoolean());
        Assert.Equal("Senior C# developer", root.GetProperty("resumes")[0].GetProperty("title").GetString());
        Assert.Equal("Raised", root.GetProperty("resumes")[0].GetProperty("lastOutcome").GetString());
        Assert.Equal("Succeeded", root.GetProperty("runs")[0].GetProperty("status").GetString());
        Assert.StartsWith("https://hhfunctions.example/api/oauth/link?t=", root.GetProperty("connectUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal(Path.GetFullPath(app.DataPath), root.GetProperty("dataFolder").GetString());
        foreach (var secret in app.AllSecrets())
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HandleAsync_BrowserAccept_ReturnsHtml()
    {
        using var app = new AppFactory();

        using var response = await GetStatusAsync(app, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("id=\"account-status\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(CacheControlHeaderValue.Parse("no-store"), response.Headers.CacheControl);
    }

    [Fact]
    public async Task HandleAsync_TelegramNotConfigured_SaysReportsAreOnlyLogged()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Telegram:BotToken"] = null, ["Telegram:ChatId"] = null });

        using var response = await GetStatusAsync(app, "text/html");

        Assert.Contains("Telegram is not configured", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
