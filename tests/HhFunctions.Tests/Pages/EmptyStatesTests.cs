using System.Net;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.StatusPage;
using HhFunctions.Testing;
using HhFunctions.Tests.Applying;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Vacancies;
using Microsoft.AspNetCore.Http;

namespace HhFunctions.Tests.Pages;

/// <summary>What the pages tell a newcomer while settings or data are missing, and their links back to the status page.</summary>
public sealed class EmptyStatesTests
{
    /// <summary>No hh.ru application, no Telegram bot, nothing to watch: a fresh install.</summary>
    internal static AppFactory FreshInstall() => AppFactory.With(new Dictionary<string, string?>
    {
        ["HeadHunter:ClientId"] = null,
        ["HeadHunter:ClientSecret"] = null,
        ["Telegram:BotToken"] = null,
        ["Telegram:ChatId"] = null,
    });

    private static async Task<string> GetAsync(AppFactory app, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static int At(string html, string part)
    {
        var i = html.IndexOf(part, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{part}' is not on the page.");
        return i;
    }

    [Theory]
    [InlineData("/api/vacancies", "status")]
    [InlineData("/api/vacancies?code=k%2By", "status?code=k%2By")]
    [InlineData("/api/applications", "status")]
    [InlineData("/api/applications?code=k%2By", "status?code=k%2By")]
    public async Task Pages_LinkBackToTheStatusPage_KeepingTheFunctionKey(string url, string href)
    {
        using var app = WatchTestExtensions.WatchApp();

        var html = await GetAsync(app, url);

        Assert.Contains($"<p id=\"to-status\"><a href=\"{href}\">← Status page</a></p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationsPage_FunctionKey_KeptInTheExportLinks()
    {
        using var app = new AppFactory();

        var html = await GetAsync(app, "/api/applications?code=k%2By");

        Assert.Contains("href=\"applications.csv?code=k%2By\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"applications.json?code=k%2By\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorPage_LinksBackToTheStatusPage_FromItsOwnFolder()
    {
        using var app = new AppFactory();

        var html = await GetAsync(app, "/api/oauth/link?t=nope", HttpStatusCode.BadRequest);

        Assert.Contains("<p id=\"to-status\"><a href=\"../status\">← Status page</a></p>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/vacancies", "", "status")]
    [InlineData("/api/oauth/callback", "", "../status")]
    [InlineData("/api/oauth/callback", "?code=hh-authorization-code", "../status")] // anonymous: "code" is not the function key
    [InlineData("/api/status", "?code=a+b/c", "status?code=a%20b%2Fc")]
    [InlineData("/api/vacancies.csv", "?code=k", "status?code=k")]
    [InlineData("/", "", "api/status")]
    public void StatusLink_FromTheRequestsAddress(string path, string query, string expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);

        Assert.Equal(expected, StatusLink.For(context.Request));
    }
}
