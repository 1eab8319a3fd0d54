using HhFunctions.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HhFunctions.Tests.Pages;

/// <summary>A fresh install in headless Chromium: the first steps, the empty pages' explanations and the way back.</summary>
public sealed class EmptyStatesBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task FreshInstall_FirstStepsThenEmptyPagesExplainThemselvesAndLinkBack()
    {
        using var app = EmptyStatesTests.FreshInstall();
        var baseUrl = app.StartOnLoopback();
        var (page, blocked) = await browser.NewPageAsync(1024, 900);

        await page.GotoAsync(new Uri(baseUrl, "/api/status?code=k%2By").AbsoluteUri);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("status-first-run"), FullPage = true });

        Assert.True(await page.Locator("#first-run").IsVisibleAsync());
        var steps = await page.Locator("#first-run ol > li").AllInnerTextsAsync();
        Assert.Equal(3, steps.Count);
        Assert.StartsWith("hh.ru access: HeadHunter__ClientId and HeadHunter__ClientSecret", steps[0], StringComparison.Ordinal);
        Assert.StartsWith("Telegram: Telegram__BotToken", steps[1], StringComparison.Ordinal);
        Assert.StartsWith("What to watch: Search__Queries", steps[2], StringComparison.Ordinal);
        Assert.All(steps, s => Assert.EndsWith("not set yet", s, StringComparison.Ordinal));
        Assert.Equal(0, await page.Locator("#connect").CountAsync());

        await page.Locator("#pages a", new PageLocatorOptions { HasText = "Vacancies" }).ClickToAsync(page, "**/api/vacancies?code=k%2By");
        Assert.StartsWith("The watch has nothing to look for yet: set Search__Queries", await page.Locator("#per-day-empty").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("svg").CountAsync());
        Assert.DoesNotContain("/watch", await page.InnerTextAsync("body"), StringComparison.Ordinal);

        await page.Locator("#to-status a").ClickToAsync(page, "**/api/status?code=k%2By");
        Assert.Equal("Status · HhFunctions", await page.TitleAsync());

        await page.Locator("#pages a", new PageLocatorOptions { HasText = "Applications funnel" }).ClickToAsync(page, "**/api/applications?code=k%2By");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("applications-empty"), FullPage = true });
        Assert.StartsWith("Apply__Mode: off — ", await page.Locator("#apply-mode").InnerTextAsync(), StringComparison.Ordinal);
        Assert.StartsWith("No applications sent yet.", await page.Locator("#funnel-empty").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#weeks-chart").CountAsync());

        await page.Locator("#to-status a").ClickToAsync(page, "**/api/status?code=k%2By");
        Assert.True(await page.Locator("#first-run").IsVisibleAsync());
        Assert.Equal(0, await page.Locator("script").CountAsync());
        Assert.Empty(blocked);
    }
}
