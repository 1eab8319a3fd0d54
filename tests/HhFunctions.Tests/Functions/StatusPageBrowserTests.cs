using System.Net;
using System.Text.RegularExpressions;
using HhFunctions.State;
using HhFunctions.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace HhFunctions.Tests.Functions;

/// <summary>
/// The status page in a real browser: the app runs on Kestrel at 127.0.0.1, headless Chromium opens
/// /api/status, and the test reads what a person would see. Screenshots go to artifacts/screenshots/.
/// </summary>
public sealed partial class StatusPageBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const int Width = 1024;
    private const int Height = 900;
    private const string Problem = "hh.ru revoked access (the password was changed or access was withdrawn). Reconnect the account.";

    [Fact]
    public async Task StatusPage_ConnectedAccount_ShowsAccountResumesRunsAndReconnectLink()
    {
        using var app = new AppFactory();
        var baseUrl = app.StartOnLoopback();
        await SeedConnectedAsync(app);
        var (page, blocked) = await browser.NewPageAsync(Width, Height);

        var response = await page.GotoAsync(new Uri(baseUrl, "/api/status").AbsoluteUri);
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("status-connected") });

        Assert.Equal(200, response!.Status);
        Assert.Equal("Status · HhFunctions", await page.TitleAsync());
        Assert.Equal($"Connected as {AppSeed.AccountName}", await page.Locator("#account-status").InnerTextAsync());
        Assert.Equal("valid", await page.Locator("#token-state").InnerTextAsync());
        Assert.Contains("valid until 2026-03-16 08:00", await page.Locator("#account").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#problem").CountAsync());
        Assert.Equal(0, await page.Locator("#paused").CountAsync());
        Assert.StartsWith("Reports go to Telegram; send /help", await page.Locator("#telegram").InnerTextAsync(), StringComparison.Ordinal);

        var resumes = page.Locator("#resumes tbody tr");
        Assert.Equal(3, await resumes.CountAsync());
        Assert.Equal(["Resume", "Last raise", "Next allowed", "Next planned raise", "Last outcome"], await page.Locator("#resumes thead th").AllInnerTextsAsync());
        Assert.Equal(["Junior QA", "—", "—", "—", "skipped: not published (publish it once on hh.ru first)"], await resumes.Nth(0).Locator("td").AllInnerTextsAsync());
        Assert.Equal(["Senior C# developer", "2026-03-02 07:00", "2026-03-02 11:00", "—", "raised"], await resumes.Nth(1).Locator("td").AllInnerTextsAsync());
        Assert.Equal(["Team lead .NET", "2026-03-01 20:00", "2026-03-02 08:40", "—", "not yet"], await resumes.Nth(2).Locator("td").AllInnerTextsAsync());

        var runs = page.Locator("#runs tbody tr");
        Assert.Equal(6, await runs.CountAsync());
        Assert.Equal(["2026-03-02 07:00", "telegram /bump", "1 raised, 1 not yet, 1 skipped, 0 failed."], await runs.Nth(0).Locator("td").AllInnerTextsAsync());

        var connect = page.Locator("#connect");
        Assert.True(await connect.IsVisibleAsync());
        Assert.Equal("Reconnect hh.ru", await connect.InnerTextAsync());
        var href = await connect.GetAttributeAsync("href");
        Assert.Matches(SetupLinkShape(), href);
        await AssertSetupLinkStartsOAuthAsync(baseUrl, new Uri(href!));

        Assert.Equal((Width, Height), Screenshots.PngSize(png));
        Assert.True(png.Length > 15_000, $"The screenshot is suspiciously small ({png.Length} bytes): a blank page?");
        Assert.False(await HasHorizontalScrollAsync(page));
        AssertNoSecrets(app, await page.ContentAsync());
        Assert.Empty(blocked);
    }

    [Fact]
    public async Task StatusPage_NeedsReconnect_ShowsProblemAndConnectLink()
    {
        using var app = new AppFactory();
        var baseUrl = app.StartOnLoopback();
        await SeedNeedsReconnectAsync(app);
        var (page, blocked) = await browser.NewPageAsync(Width, Height);

        await page.GotoAsync(new Uri(baseUrl, "/api/status").AbsoluteUri);
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("status-needs-reconnect") });

        Assert.Equal($"Needs reconnect ({AppSeed.AccountName})", await page.Locator("#account-status").InnerTextAsync());
        Assert.Equal("needs reconnect", await page.Locator("#token-state").InnerTextAsync());
        Assert.Equal(Problem, await page.Locator("#problem").InnerTextAsync());
        Assert.DoesNotContain("until", await page.Locator("#account").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("rgb(207, 34, 46)", await page.Locator("#problem").EvaluateAsync<string>("e => getComputedStyle(e).color"));
        Assert.Equal(["Senior C# developer", "2026-02-28 12:00", "—", "—", "failed: hh.ru revoked access"], await page.Locator("#resumes tbody tr").Nth(0).Locator("td").AllInnerTextsAsync());
        Assert.Equal(2, await page.Locator("#runs tbody tr").CountAsync());
        var connect = page.Locator("#connect");
        Assert.Equal("Reconnect hh.ru", await connect.InnerTextAsync());
        var href = await connect.GetAttributeAsync("href");
        Assert.Matches(SetupLinkShape(), href);
        await AssertSetupLinkStartsOAuthAsync(baseUrl, new Uri(href!));

        Assert.Equal((Width, Height), Screenshots.PngSize(png));
        AssertNoSecrets(app, await page.ContentAsync());
        Assert.Empty(blocked);
    }

    [Fact]
    public async Task StatusPage_Screenshots_OfTwoStatesDiffer()
    {
        using var connected = new AppFactory();
        using var broken = new AppFactory();
        var connectedUrl = connected.StartOnLoopback();
        var brokenUrl = broken.StartOnLoopback();
        await SeedConnectedAsync(connected);
        await SeedNeedsReconnectAsync(broken);

        var a = await ScreenshotAsync(new Uri(connectedUrl, "/api/status"), Width, Height);
        var b = await ScreenshotAsync(new Uri(brokenUrl, "/api/status"), Width, Height);
        var again = await ScreenshotAsync(new Uri(connectedUrl, "/api/status"), Width, Height);

        Assert.Equal(Screenshots.PngSize(a), Screenshots.PngSize(b));
        Assert.False(a.AsSpan().SequenceEqual(b), "The connected and needs-reconnect pages render the same pixels.");
        Assert.True(a.AsSpan().SequenceEqual(again), "The same state rendered twice differs: the page is not deterministic.");
    }

    [Fact]
    public async Task StatusPage_PhoneWidthPaused_StacksTablesAndSaysPaused()
    {
        using var app = new AppFactory();
        var baseUrl = app.StartOnLoopback();
        await SeedConnectedAsync(app);
        await app.State().UpdateAccountAsync(a => a with { Paused = true }, default);
        var (page, _) = await browser.NewPageAsync(390, 844);

        await page.GotoAsync(new Uri(baseUrl, "/api/status").AbsoluteUri);
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("status-phone-paused"), FullPage = true });

        Assert.False(await HasHorizontalScrollAsync(page), "The status page scrolls sideways on a 390 px wide phone.");
        Assert.True(await page.Locator("#connect").IsVisibleAsync());
        Assert.Equal("Raising is paused: runs do nothing until you send /resume to the Telegram bot.", await page.Locator("#paused").InnerTextAsync());
        Assert.False(await page.Locator("#resumes thead").IsVisibleAsync());
        Assert.Equal("block", await page.Locator("#resumes tbody tr").First.EvaluateAsync<string>("e => getComputedStyle(e).display"));
        var date = page.Locator("#resumes tbody tr").Nth(1).Locator("td").Nth(1);
        Assert.Equal("2026-03-02 07:00", await date.InnerTextAsync());
        Assert.True(await date.EvaluateAsync<bool>("e => e.getClientRects().length === 1 && e.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(e).lineHeight)"), "A date wraps onto two lines.");
        Assert.Equal(390, Screenshots.PngSize(png).Width);
    }

    [Fact]
    public async Task StatusPage_NotConnectedEmptyState_SaysSoAndOffersConnect()
    {
        using var app = new AppFactory();
        var baseUrl = app.StartOnLoopback();
        var (page, _) = await browser.NewPageAsync(Width, Height);

        await page.GotoAsync(new Uri(baseUrl, "/api/status").AbsoluteUri);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("status-not-connected") });

        Assert.Equal("Not connected", await page.Locator("#account-status").InnerTextAsync());
        Assert.Contains("No resumes seen yet.", await page.InnerTextAsync("body"), StringComparison.Ordinal);
        Assert.Contains("No runs yet.", await page.InnerTextAsync("body"), StringComparison.Ordinal);
        Assert.Equal("Connect hh.ru", await page.Locator("#connect").InnerTextAsync());
    }

    [Fact]
    public async Task StatusPage_PasteTheRedirectedAddress_FormConnectsTheAccount()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["HeadHunter:RedirectUri"] = "https://hh.ru/" });
        app.Hh.RegisteredRedirectUri = "https://hh.ru/";
        app.Hh.AddResume("r1", "Senior C# developer");
        var baseUrl = app.StartOnLoopback();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        using var start = await http.GetAsync(new Uri("/api/oauth/start", UriKind.Relative));
        var landed = app.Hh.Authorize(start.Headers.Location!);
        var (page, blocked) = await browser.NewPageAsync(390, 844);

        await page.GotoAsync(new Uri(baseUrl, "/api/status").AbsoluteUri);
        await page.Locator("#paste-code summary").ClickAsync();
        await page.Locator("#import-tokens summary").ClickAsync();
        Assert.False(await HasHorizontalScrollAsync(page), "The open forms make the page scroll sideways on a phone.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("status-forms-phone"), FullPage = true });
        await page.Locator("#pasted").FillAsync(landed.AbsoluteUri);
        await page.Locator("#paste-code button[type=submit]").ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Connected to hh.ru"); // the status page has an h1 too: wait for the new one
        Assert.Contains("Senior C# developer", await page.InnerTextAsync("body"), StringComparison.Ordinal);
        AssertNoSecrets(app, await page.ContentAsync());
        await page.GotoAsync(new Uri(baseUrl, "/api/status").AbsoluteUri);
        Assert.Equal($"Connected as {AppSeed.AccountName}", await page.Locator("#account-status").InnerTextAsync());
        Assert.Equal("Senior C# developer", await page.Locator("#resumes tbody tr td").First.InnerTextAsync());
        Assert.Empty(blocked);
    }

    private async Task<byte[]> ScreenshotAsync(Uri url, int width, int height)
    {
        var (page, _) = await browser.NewPageAsync(width, height);
        await page.GotoAsync(url.AbsoluteUri);
        return await page.ScreenshotAsync();
    }

    private static Task<bool> HasHorizontalScrollAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");

    /// <summary>The page's link is live: the app accepts it once and sends the browser on to hh.ru.</summary>
    private static async Task AssertSetupLinkStartsOAuthAsync(Uri baseUrl, Uri link)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        using var response = await client.GetAsync(new Uri(link.PathAndQuery, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://hh.ru/oauth/authorize", response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    private static void AssertNoSecrets(AppFactory app, string html)
    {
        foreach (var secret in app.AllSecrets())
        {
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        }
    }

    private static async Task SeedConnectedAsync(AppFactory app)
    {
        var now = app.Time.GetUtcNow();
        await app.ConnectAsync();
        await app.SaveResumeAsync("r1", "Senior C# developer", ResumeOutcome.Raised, now.AddHours(-1), now.AddHours(3));
        await app.SaveResumeAsync("r2", "Team lead .NET", ResumeOutcome.NotYet, now.AddHours(-12), now.AddMinutes(40));
        await app.SaveResumeAsync("r3", "Junior QA", ResumeOutcome.Skipped, null, null, "not published (publish it once on hh.ru first)");
        await app.AddRunAsync(now.AddHours(-21), "timer", RunStatus.Succeeded, "2 raised, 0 not yet, 1 skipped, 0 failed.");
        await app.AddRunAsync(now.AddHours(-17), "timer", RunStatus.PartiallyFailed, "1 raised, 0 not yet, 1 skipped, 1 failed.");
        await app.AddRunAsync(now.AddHours(-13), "timer (past due)", RunStatus.Succeeded, "1 raised, 1 not yet, 1 skipped, 0 failed.");
        await app.AddRunAsync(now.AddHours(-9), "timer", RunStatus.Skipped, "Raising is paused (/resume to continue).");
        await app.AddRunAsync(now.AddHours(-5), "timer", RunStatus.Failed, "Could not list resumes: hh.ru is unavailable (HTTP 503).");
        await app.AddRunAsync(now.AddHours(-1), "telegram /bump", RunStatus.Succeeded, "1 raised, 1 not yet, 1 skipped, 0 failed.");
    }

    private static async Task SeedNeedsReconnectAsync(AppFactory app)
    {
        var now = app.Time.GetUtcNow();
        await app.NeedsReconnectAsync(Problem);
        await app.SaveResumeAsync("r1", "Senior C# developer", ResumeOutcome.Failed, now.AddDays(-2).AddHours(4), null, "hh.ru revoked access");
        await app.AddRunAsync(now.AddHours(-5), "timer", RunStatus.Failed, Problem);
        await app.AddRunAsync(now.AddHours(-1), "timer", RunStatus.Failed, Problem);
    }

    [GeneratedRegex("^https://hhfunctions\\.example/api/oauth/link\\?t=[A-Za-z0-9_-]{43}$")]
    private static partial Regex SetupLinkShape();
}
