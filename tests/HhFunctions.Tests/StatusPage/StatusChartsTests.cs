using HhFunctions.State;
using HhFunctions.Tests.Bumping;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.StatusPage;

/// <summary>The status page's "Last 7 days": raises and hh.ru errors per day from the run history, none on a fresh install.</summary>
public sealed class StatusChartsTests
{
    private static async Task<string> PageAsync(AppFactory app)
    {
        using var client = app.CreateClient();
        return await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));
    }

    [Fact]
    public async Task StatusPage_NoRunsYet_ShowsNoEmptyCharts()
    {
        await using var app = BumpTestExtensions.CreateApp();

        var html = await PageAsync(app);

        Assert.DoesNotContain("id=\"raises-7d\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusPage_RunsThisWeek_DrawsRaisesAndErrorsPerDay_OlderRunsLeftOut()
    {
        await using var app = BumpTestExtensions.CreateApp();
        var state = app.Services.GetRequiredService<IStateStore>();
        var now = app.Time.GetUtcNow();
        ResumeRunResult Raised(string id, DateTimeOffset at) => new(id, "CV", ResumeOutcome.Raised, null, null, at);
        await state.AddRunAsync(new RunRecord("a", "timer", now.AddDays(-1), now.AddDays(-1), RunStatus.PartiallyFailed, "", [Raised("r1", now.AddDays(-1)), Raised("r2", now.AddDays(-1)), new("r3", "CV", ResumeOutcome.Failed, null, "hh.ru: 500")]), CancellationToken.None);
        await state.AddRunAsync(new RunRecord("b", "timer", now, now, RunStatus.Succeeded, "", [Raised("r1", now)]), CancellationToken.None);
        await state.AddRunAsync(new RunRecord("old", "timer", now.AddDays(-20), now.AddDays(-20), RunStatus.Succeeded, "", [Raised("r1", now.AddDays(-20))]), CancellationToken.None);

        var html = await PageAsync(app);

        Assert.Contains("Resumes raised: 3</h3>", html, StringComparison.Ordinal);
        Assert.Contains("hh.ru errors (failed raises and failed runs): 1</h3>", html, StringComparison.Ordinal);
        var raises = html[html.IndexOf("id=\"raises-7d\"", StringComparison.Ordinal)..];
        raises = raises[..raises.IndexOf("</svg>", StringComparison.Ordinal)];
        Assert.Equal(7, raises.Split("class=\"day\"").Length - 1);
        Assert.Contains($"data-date=\"{now.AddDays(-1):yyyy-MM-dd}\" data-count=\"2\"", raises, StringComparison.Ordinal);
        Assert.Contains($"data-date=\"{now:yyyy-MM-dd}\" data-count=\"1\"", raises, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }
}
