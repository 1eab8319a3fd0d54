using HhFunctions.Applying;
using HhFunctions.Tests.Applying;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Vacancies;

/// <summary>The vacancy watch hands its new matches to applying (Apply__Mode), and its digest's Apply button shows the letter to send.</summary>
public sealed class WatchToApplyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static async Task<AppFactory> StartAsync(string mode, string sources = "all")
    {
        var app = await ApplyTestKit.StartAsync(new Dictionary<string, string?>
        {
            ["Search:Queries"] = "name=C# jobs&text=C%23",
            ["Apply:Mode"] = mode,
            ["Apply:AutoSources"] = sources,
        });
        foreach (var id in new[] { "7001", "7002" })
        {
            app.Hh.Search.Add(id, "C# developer " + id, app.Time.GetUtcNow().AddMinutes(-int.Parse(id[^1..], System.Globalization.CultureInfo.InvariantCulture)));
            app.Vacancy(id, "C# developer " + id);
        }

        return app;
    }

    [Fact]
    public async Task AutoMode_NewMatches_AppliedOnceEach_AndASecondRunSendsNothingMore()
    {
        using var app = await StartAsync("auto");

        await app.RunWatchAsync();
        await app.RunWatchAsync();

        Assert.Equal(["7001", "7002"], app.Hh.Negotiations.Select(n => n.VacancyId).Order(StringComparer.Ordinal));
        Assert.Equal(0, app.Hh.DuplicateApplications);
        var record = await app.RecordAsync("7001");
        Assert.Equal("C# jobs", record!.Source);
    }

    [Fact]
    public async Task AutoMode_SourceNotChosen_NothingSent()
    {
        using var app = await StartAsync("auto", sources: "some other search");

        await app.RunWatchAsync();

        Assert.Empty(app.Hh.Negotiations);
    }

    [Fact]
    public async Task OffMode_DigestOffersApply_AndTheButtonAppliesThatVacancyOnly()
    {
        using var app = await StartAsync("off");

        await app.RunWatchAsync();
        Assert.Empty(app.Hh.Negotiations);
        Assert.Contains("apply:7002", app.SentButtons()[^1]);

        using var tap = await app.TapAsync("apply:7002");
        Assert.Empty(app.Hh.Negotiations); // the letter is shown first, with Send / Edit / Skip
        using var send = await app.TapAsync("send:7002");

        var sent = Assert.Single(app.Hh.Negotiations);
        Assert.Equal("7002", sent.VacancyId);
    }

    [Fact]
    public async Task ConfirmMode_NewMatches_LettersShownNothingSentUntilSend()
    {
        using var app = await StartAsync("confirm");

        await app.RunWatchAsync();

        Assert.Empty(app.Hh.Negotiations);
        Assert.Equal(ApplicationStatus.AwaitingConfirmation, (await app.RecordAsync("7001"))!.Status);
        Assert.Contains(app.SentButtons(), buttons => buttons.Contains("send:7001"));
    }
}
