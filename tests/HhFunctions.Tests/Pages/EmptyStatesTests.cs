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

    [Fact]
    public async Task StatusPage_FreshInstall_FirstStepsInOrderAndNoConnectButton()
    {
        using var app = FreshInstall();

        var html = await GetAsync(app, "/api/status");

        Assert.Contains("id=\"first-run\"", html, StringComparison.Ordinal);
        Assert.True(At(html, "HeadHunter__ClientId") < At(html, "Telegram__BotToken"));
        Assert.True(At(html, "Telegram__BotToken") < At(html, "Search__Queries"));
        Assert.Contains("dev.hh.ru", html, StringComparison.Ordinal);
        Assert.Contains("Telegram__ChatId", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"connect\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Connect hh.ru", html, StringComparison.Ordinal);
        Assert.Contains("id=\"not-configured\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"import-tokens\"", html, StringComparison.Ordinal); // a pair can be imported without client credentials
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StatusPage_View_StoresASetupLinkOnlyWhenItCanBeShown(bool hhSet)
    {
        using var app = hhSet ? new AppFactory() : FreshInstall();

        var html = await GetAsync(app, "/api/status");

        var stored = Directory.GetFiles(app.DataPath, "one-time-tokens.json", SearchOption.AllDirectories)
            .SelectMany(f => System.Text.Json.JsonDocument.Parse(File.ReadAllText(f)).RootElement.EnumerateArray())
            .Select(t => t.GetProperty("purpose").GetString())
            .ToList();
        Assert.Equal(hhSet ? [OneTimePurpose.SetupLink, OneTimePurpose.FormToken] : [OneTimePurpose.FormToken], stored);
        Assert.Equal(hhSet, html.Contains("id=\"connect\"", StringComparison.Ordinal));
        Assert.Contains("id=\"import-tokens\"", html, StringComparison.Ordinal); // the forms stay, with their stored value
    }

    [Fact]
    public async Task StatusPage_HhSetButNothingToWatch_FirstStepsMarkWhatIsDoneAndConnectStays()
    {
        using var app = new AppFactory(); // hh.ru and Telegram set, no Search__Queries

        var html = await GetAsync(app, "/api/status");

        Assert.Contains("id=\"first-run\"", html, StringComparison.Ordinal);
        Assert.Matches("id=\"first-run-hh\".*?<span class=\"ok\">✓ set</span></li>", html);
        Assert.Matches("id=\"first-run-telegram\".*?<span class=\"ok\">✓ set</span></li>", html);
        Assert.Matches("id=\"first-run-watch\".*?<span class=\"warn\">not set yet</span></li>", html);
        Assert.Contains("id=\"connect\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"not-configured\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusPage_EverythingSet_NoFirstSteps()
    {
        using var app = WatchTestExtensions.WatchApp();

        var html = await GetAsync(app, "/api/status");

        Assert.DoesNotContain("first-run", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"to-status\"", html, StringComparison.Ordinal); // the status page does not link to itself
    }

    [Fact]
    public async Task StatusView_NotConfigured_NoConnectLinkEvenWithOne()
    {
        var model = new StatusModel(FakeClock.Start, Configured: false, AccountStatus.NotConnected, null, "not connected", null, null, false, [], [], new Uri("https://app.example/api/oauth/link?t=x"))
        {
            TelegramConfigured = true,
            WatchConfigured = true,
        };

        var html = await PageRenderer.RenderAsync<StatusView>(StatusView.With(model, null));

        Assert.DoesNotContain("oauth/link", html, StringComparison.Ordinal);
        Assert.Contains("id=\"first-run\"", html, StringComparison.Ordinal);
        Assert.Contains("<li id=\"first-run-hh\">", html, StringComparison.Ordinal);
        Assert.Matches("id=\"first-run-hh\".*?not set yet</span></li>", html);
    }

    [Fact]
    public async Task VacanciesPage_NothingToWatchNoTelegram_SaysWhichSettingFillsTheChartsAndNoWatchCommand()
    {
        using var app = FreshInstall();

        var html = await GetAsync(app, "/api/vacancies");

        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"muted\" id=\"per-day-empty\">The watch has nothing to look for yet: set Search__Queries", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"muted\" id=\"salary-empty\">No salaries in RUR to chart yet. The watch has nothing to look for yet: set Search__Queries", html, StringComparison.Ordinal);
        Assert.Contains("id=\"empty\">No vacancies match. The watch stores what Search__Queries, saved searches and similar vacancies find. None of them is set yet.</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/watch", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VacanciesPage_WatchSetNothingStoredYet_SaysTheWatchFillsItAndPointsToWatchCommand()
    {
        using var app = WatchTestExtensions.WatchApp();

        var html = await GetAsync(app, "/api/vacancies");

        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        Assert.Contains("id=\"per-day-empty\">Nothing stored yet: the watch stores what Search__Queries", html, StringComparison.Ordinal);
        Assert.Contains("see /watch in Telegram.</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VacanciesPage_StoredButFilteredOut_SaysTheFiltersMatchNothing()
    {
        using var app = WatchTestExtensions.WatchApp();
        await VacanciesPageTests.SeedAsync(app);

        var html = await GetAsync(app, "/api/vacancies?text=nothing-like-this");

        Assert.Contains("id=\"per-day-empty\">No vacancy that matches the filters was first seen in the last 30 days.</p>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"salary-empty\">No salaries in RUR to chart yet: no stored vacancy matches the filters.</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationsPage_ModeOffNothingSent_SaysHowToTurnItOnAndWhatFillsTheFunnel()
    {
        using var app = new AppFactory();

        var html = await GetAsync(app, "/api/applications");

        Assert.Contains("<p id=\"apply-mode\">Apply__Mode: <strong>off</strong>", html, StringComparison.Ordinal);
        Assert.Contains("set Apply__Mode to confirm", html, StringComparison.Ordinal);
        Assert.Contains("id=\"funnel-empty\">No applications sent yet.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        Assert.Contains("No applications yet.", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("confirm", "all", "<strong>confirm</strong> — new matches from all (Apply__AutoSources) get their letter shown in Telegram")]
    [InlineData("auto", "C# jobs", "<strong>auto</strong> — new matches from C# jobs (Apply__AutoSources) are applied to without asking")]
    public async Task ApplicationsPage_ModeOn_SaysWhatHappensToNewMatches(string mode, string sources, string expected)
    {
        using var app = await ApplyTestKit.StartAsync(new Dictionary<string, string?> { ["Apply:Mode"] = mode, ["Apply:AutoSources"] = sources });

        var html = await GetAsync(app, "/api/applications");

        Assert.Contains(expected, html, StringComparison.Ordinal);
        Assert.DoesNotContain("set Apply__Mode to confirm", html, StringComparison.Ordinal);
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
