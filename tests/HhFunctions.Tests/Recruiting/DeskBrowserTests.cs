using System.Globalization;
using HhFunctions.Recruiting;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace HhFunctions.Tests.Recruiting;

/// <summary>The recruiter's desk in headless Chromium: tables and charts drawn, the assignee form sent and saved, no script, nothing off loopback.</summary>
public sealed class DeskBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Desk_ShowsVacanciesChartsAndLinks_AndTheAssigneeFormSavesTheChosenUser()
    {
        using var kit = RecruitingKit.Create();
        var baseUrl = kit.App.StartOnLoopback();
        var olga = kit.Portal.AddUser("Olga", "Smirnova");
        await SeedAsync(kit);
        var (page, blocked) = await browser.NewPageAsync(1024, 900);

        var response = await page.GotoAsync(new Uri(baseUrl, "/api/recruiting").AbsoluteUri);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("recruiting-desk"), FullPage = true });

        Assert.Equal(200, response!.Status);
        Assert.Equal("Recruiter's desk · HhFunctions", await page.TitleAsync());
        Assert.Equal(3, await page.Locator("#vacancies tbody tr").CountAsync());
        Assert.Equal(["C# developer", "QA engineer", "Designer"], await page.Locator("#vacancies td.title").AllInnerTextsAsync());
        Assert.Equal(12, await page.Locator("#weeks-chart rect.week").CountAsync());
        Assert.Equal(3, await page.Locator("#vacancy-chart g.vacancy").CountAsync());
        var chart = await page.Locator("#weeks-chart").BoundingBoxAsync();
        Assert.True(chart!.Width > 500 && chart.Height > 80, $"The weekly chart is drawn {chart.Width}x{chart.Height}.");
        Assert.Equal(6, await page.Locator("#events a.record").CountAsync());
        Assert.StartsWith("https://hhtest.bitrix24.test/crm/lead/details/", await page.Locator("#events a.record").First.GetAttributeAsync("href"), StringComparison.Ordinal);
        Assert.Equal("status", await page.Locator("#to-status a").GetAttributeAsync("href"));

        await page.Locator("#vacancy").SelectOptionAsync("701");
        await page.Locator("#user").SelectOptionAsync(olga.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#assignee-form button").ClickAsync();
        await page.WaitForSelectorAsync("#back");
        Assert.Equal("Saved", await page.Locator("h1").InnerTextAsync());
        await page.Locator("#back").ClickAsync();
        await page.WaitForSelectorAsync("#vacancies");

        Assert.Equal("Olga Smirnova", await page.Locator("#vacancies tr[data-vacancy='701'] td.assignee").InnerTextAsync());
        Assert.Equal(olga, (await kit.Store.GetVacancyAsync("701", CancellationToken.None))!.AssigneeId);
        Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"));
        Assert.Equal(0, await page.Locator("script").CountAsync());
        Assert.Empty(blocked);
    }

    /// <summary>Three vacancies and six written responses spread over two of them, as the reconcile run and the writer leave them.</summary>
    private static async Task SeedAsync(RecruitingKit kit)
    {
        var store = kit.Services.GetRequiredService<IRecruitingStore>();
        var now = kit.App.Time.GetUtcNow();
        foreach (var (id, name) in new[] { ("700", "C# developer"), ("701", "QA engineer"), ("702", "Designer") })
        {
            await store.UpdateVacancyAsync(id, _ => new RecruitingVacancy(id, name, true, now, now) { LastListedAt = now }, CancellationToken.None);
        }

        string[] stages = ["response", "interview", "offer", "discard", "consider", "response"];
        for (var i = 0; i < 6; i++)
        {
            var topic = (4_500_000_000L + i).ToString(CultureInfo.InvariantCulture);
            var seen = now.AddDays(-3 * i);
            await store.UpdateTopicAsync(topic, _ => new TopicRecord(topic, TopicStatus.Written, seen, seen.AddHours(1))
            {
                VacancyId = i < 4 ? "700" : "701", HhStage = stages[i], CrmKind = "lead", CrmId = 200 + i, WrittenAt = seen.AddMinutes(1), Source = "webhook",
            }, CancellationToken.None);
        }
    }
}
