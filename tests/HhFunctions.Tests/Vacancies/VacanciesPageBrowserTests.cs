using HhFunctions.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HhFunctions.Tests.Vacancies;

/// <summary>The Vacancies page in headless Chromium: charts drawn, filter form submitted, nothing off loopback.</summary>
public sealed class VacanciesPageBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task VacanciesPage_FilterBySource_ShowsChartsAndFilteredRows()
    {
        using var app = WatchTestExtensions.WatchApp();
        var baseUrl = app.StartOnLoopback();
        await VacanciesPageTests.SeedAsync(app);
        var (page, blocked) = await browser.NewPageAsync(1024, 900);

        var response = await page.GotoAsync(new Uri(baseUrl, "/api/vacancies").AbsoluteUri);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("vacancies-all"), FullPage = true });

        Assert.Equal(200, response!.Status);
        Assert.Equal("Vacancies · HhFunctions", await page.TitleAsync());
        Assert.Equal(5, await page.Locator("#vacancies tbody tr").CountAsync());
        Assert.Equal(30, await page.Locator("#per-day rect.day").CountAsync());
        Assert.Equal(2, await page.Locator("#salary-by-source g.source").CountAsync());
        var chart = await page.Locator("#per-day").BoundingBoxAsync();
        Assert.True(chart!.Width > 500 && chart.Height > 80, $"The per-day chart is drawn {chart.Width}x{chart.Height}.");

        await page.Locator("#source").SelectOptionAsync("Go");
        await page.Locator("#filters button").ClickToAsync(page, new System.Text.RegularExpressions.Regex("source=Go"));

        var rows = page.Locator("#vacancies tbody tr");
        Assert.Equal(2, await rows.CountAsync());
        Assert.Equal(["=HYPERLINK(\"x\")", "Junior Go developer"], await rows.Locator("td.title").AllInnerTextsAsync()); // same time: by id
        Assert.Equal(1, await page.Locator("#salary-by-source g.source").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"));
        Assert.Equal(0, await page.Locator("script").CountAsync());
        Assert.Empty(blocked);
    }
}
