using System.Globalization;
using System.Net;
using HhFunctions.State;
using HhFunctions.StatusPage;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tokens;
using HhFunctions.Vacancies;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Vacancies;

/// <summary>
/// The watch without a job seeker's account, on the application token (client_credentials), against the fake
/// hh.ru's application-token rules: one live token, a new one revokes the old, at most one per 5 minutes.
/// </summary>
public sealed class ApplicationTokenWatchTests
{
    private static readonly DateTimeOffset T0 = FakeClock.Start;

    private static void Seed(AppFactory app, int count, int firstId = 1000)
    {
        for (var i = 0; i < count; i++)
        {
            app.Hh.Search.Add((firstId + i).ToString(CultureInfo.InvariantCulture), $"C# developer {firstId + i}", app.Time.GetUtcNow().AddMinutes(-1 - i), 200_000, 300_000);
        }
    }

    private static async Task<StatusSection?> WatchSectionAsync(AppFactory app) =>
        (await app.Services.GetRequiredService<StatusService>().GetAsync(withConnectLink: false, CancellationToken.None)).Sections
            .SingleOrDefault(s => s.Id == VacancyWatchSection.SectionId);

    /// <summary>No token value on the status page (HTML and JSON), in /status, in /watch, in any log or message.</summary>
    private static async Task AssertNoTokenShownAsync(AppFactory app)
    {
        using var client = app.CreateClient();
        var html = await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));
        using var jsonRequest = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        jsonRequest.Headers.Accept.ParseAdd("application/json");
        using var jsonResponse = await client.SendAsync(jsonRequest);
        var json = await jsonResponse.Content.ReadAsStringAsync();
        var status = StatusCommand.StatusText(await app.Services.GetRequiredService<StatusService>().GetAsync(withConnectLink: false, CancellationToken.None));
        var watch = await app.Services.GetRequiredService<VacancyWatchStatus>().TextAsync(CancellationToken.None);
        foreach (var secret in app.Hh.Secrets)
        {
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, status, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, watch, StringComparison.Ordinal);
        }

        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task RunAsync_NoAccountConnected_WatchesOnTheApplicationTokenAndSaysSo()
    {
        using var app = WatchTestExtensions.WatchApp();
        Seed(app, 5);

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(5, run.New);
        Assert.Contains("on the application token", run.Summary, StringComparison.Ordinal);
        Assert.Equal(5, (await app.Vacancies().ListAsync(null, default)).Count);
        Assert.Contains("🆕 <b>5 new vacancies</b>", Assert.Single(app.SentTexts()), StringComparison.Ordinal);
        var search = Assert.Single(app.SearchRequests());
        Assert.NotNull(app.Hh.LiveAppToken);
        Assert.Equal(app.Hh.LiveAppToken, search.Bearer);
        Assert.Equal(1, app.Hh.AppTokenRequests);
        Assert.DoesNotContain(app.Hh.Requests, r => r.Uri.AbsolutePath is "/resumes/mine" or "/me");

        var section = await WatchSectionAsync(app);
        Assert.NotNull(section);
        Assert.Equal("Vacancy searches use the application token (HeadHunter__ClientId/ClientSecret, no user needed): no hh.ru account is connected.", section.Lines[0].Text);
        Assert.Contains("application token", await app.Services.GetRequiredService<VacancyWatchStatus>().TextAsync(CancellationToken.None), StringComparison.Ordinal);
        using var client = app.CreateClient();
        Assert.Contains("Vacancy searches use the application token", WebUtility.HtmlDecode(await client.GetStringAsync(new Uri("/api/status", UriKind.Relative))), StringComparison.Ordinal);
        await AssertNoTokenShownAsync(app);
    }

    [Fact]
    public async Task RunAsync_ManyRunsAndARestart_ApplicationTokenRequestedOnce()
    {
        using var app = WatchTestExtensions.WatchApp();
        Seed(app, 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(RunStatus.Succeeded, (await app.RunWatchAsync()).Status);
            app.Time.Advance(TimeSpan.FromMinutes(30));
            Seed(app, 1, firstId: 2000 + i);
        }

        // Restarted (another instance or the same after a restart): the stored token is used, none asked for.
        using var restarted = app.Sibling();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(RunStatus.Succeeded, (await restarted.RunWatchAsync()).Status);
            app.Time.Advance(TimeSpan.FromMinutes(30));
        }

        Assert.Equal(1, app.Hh.AppTokenRequests);
        Assert.Equal(5, app.SearchRequests().Count);
        Assert.All(app.SearchRequests(), r => Assert.Equal(app.Hh.LiveAppToken, r.Bearer));
        Assert.True(File.Exists(Path.Combine(app.DataPath, "secrets", "hh-app-token.bin")));
        Assert.DoesNotContain(app.Hh.LiveAppToken!, await File.ReadAllTextAsync(Path.Combine(app.DataPath, "secrets", "hh-app-token.bin")), StringComparison.Ordinal);
        restarted.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task GetAsync_TwoInstancesAtOnce_OneRequestUnderTheTokenLock()
    {
        using var a = WatchTestExtensions.WatchApp();
        using var b = a.Sibling();

        var both = Task.WhenAll(
            a.Services.GetRequiredService<AppTokenManager>().GetAsync(CancellationToken.None),
            b.Services.GetRequiredService<AppTokenManager>().GetAsync(CancellationToken.None));
        var tokens = await a.Time.RunAsync(both, step: TimeSpan.FromMilliseconds(100), limit: TimeSpan.FromMinutes(3));

        Assert.Equal(1, a.Hh.AppTokenRequests);
        Assert.Equal(0, a.Hh.AppTokenTooEarly);
        Assert.Equal(tokens[0].AccessToken, tokens[1].AccessToken);
        Assert.Equal(a.Hh.LiveAppToken, tokens[0].AccessToken);
        Assert.DoesNotContain(tokens[0].AccessToken!, tokens[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TooEarly_WaitedOutNotRetriedInALoop()
    {
        using var app = WatchTestExtensions.WatchApp();
        Seed(app, 4);
        app.Hh.IssueAppTokenElsewhere(); // someone took one at dev.hh.ru a moment ago: hh.ru refuses another for 5 minutes

        var first = await app.RunWatchAsync();
        app.Time.Advance(TimeSpan.FromMinutes(2));
        var second = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.Equal(RunStatus.Failed, second.Status);
        Assert.Equal(1, app.Hh.AppTokenRequests); // the second run asked nothing: its time had not come
        Assert.Equal(1, app.Hh.AppTokenTooEarly);
        Assert.Empty(app.SearchRequests());
        var told = Assert.Single(app.SentTexts());
        Assert.StartsWith("⛔ <b>Vacancy watch stopped</b>", told, StringComparison.Ordinal);
        Assert.Contains("at most once every 5 minutes", told, StringComparison.Ordinal);

        app.Time.Advance(TimeSpan.FromMinutes(4));
        var third = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Succeeded, third.Status);
        Assert.Equal(4, third.New);
        Assert.Equal(2, app.Hh.AppTokenRequests);
        Assert.Equal(1, app.Hh.AppTokenTooEarly);
        Assert.All(app.SearchRequests(), r => Assert.Equal(app.Hh.LiveAppToken, r.Bearer));
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task RunAsync_TokenRejected_ReplacedOnceAndTheRunGoesOn()
    {
        using var app = WatchTestExtensions.WatchApp();
        Seed(app, 2);
        await app.RunWatchAsync();
        var first = app.Hh.LiveAppToken;
        app.Hh.IssueAppTokenElsewhere(); // ours is revoked
        app.Time.Advance(TimeSpan.FromMinutes(30));
        Seed(app, 3, firstId: 3000);

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(3, run.New);
        Assert.Equal(2, app.Hh.AppTokenRequests);
        var searches = app.SearchRequests();
        Assert.Equal([first, first, app.Hh.LiveAppToken], searches.Select(r => r.Bearer));
        Assert.Single(app.LogsWithId(1104)); // "rejected; it is replaced", with a fingerprint only
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task RunAsync_NewTokenRejectedToo_NotReplacedAgainBeforeItsTime()
    {
        using var app = WatchTestExtensions.WatchApp();
        Seed(app, 2);
        await app.RunWatchAsync();
        app.Time.Advance(TimeSpan.FromMinutes(30));
        app.Hh.Fail("vacancies", () => FakeHhApi.Errors(HttpStatusCode.Forbidden, "oauth", "bad_authorization"), times: 20);

        var rejected = await app.RunWatchAsync();
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Failed, rejected.Status);
        Assert.Equal(RunStatus.Failed, again.Status);
        Assert.Equal(2, app.Hh.AppTokenRequests); // the first, and one replacement; none within 5 minutes of it
        Assert.Equal(0, app.Hh.AppTokenTooEarly);
        Assert.Equal(3, app.SearchRequests().Count); // run 1; run 2: old token, new token; run 3: none (the rejected one was dropped)
        Assert.Single(app.SentTexts(), t => t.StartsWith("⛔ <b>Vacancy watch stopped</b>", StringComparison.Ordinal));
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task RunAsync_UserOnlySourcesWithoutAccount_SaidOnceAndTheQueriesStillRun()
    {
        using var app = WatchTestExtensions.WatchApp(more: new Dictionary<string, string?> { ["Search:UseSavedSearches"] = "true", ["Search:SimilarToResumes"] = "true" });
        Seed(app, 2);
        app.Hh.Search.SavedSearches.Add(new FakeSavedSearch("55", "Golang", "text=Go"));

        var first = await app.RunWatchAsync();
        app.Time.Advance(TimeSpan.FromMinutes(30));
        var second = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Succeeded, first.Status);
        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal(["C# jobs"], first.Sources.Select(s => s.Source));
        Assert.Contains("saved searches and similar vacancies left out", first.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Hh.Requests, r => r.Uri.AbsolutePath.StartsWith("/saved_searches", StringComparison.Ordinal) || r.Uri.AbsolutePath.StartsWith("/resumes", StringComparison.Ordinal));
        var notices = app.SentTexts().Where(t => t.Contains("need a connected job seeker's account", StringComparison.Ordinal)).ToList();
        var notice = Assert.Single(notices);
        Assert.StartsWith("ℹ️ <b>Saved searches and similar vacancies are not watched</b>", notice, StringComparison.Ordinal);
        Assert.Contains("Search__Queries are watched meanwhile", notice, StringComparison.Ordinal);
        var section = await WatchSectionAsync(app);
        Assert.Contains(section!.Lines, l => l.Text.StartsWith("Saved searches and similar vacancies need a connected job seeker's account", StringComparison.Ordinal));

        // A job seeker connects: the account's sources run on its token, and the notice may come again later.
        await app.ConnectAsync();
        app.Time.Advance(TimeSpan.FromMinutes(30));
        var connected = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Succeeded, connected.Status);
        Assert.Contains("Saved: Golang", connected.Sources.Select(s => s.Source));
        Assert.DoesNotContain("application token", connected.Summary, StringComparison.Ordinal);
        Assert.Equal("Vacancy searches use the connected hh.ru account's token.", Assert.Single((await WatchSectionAsync(app))!.Lines).Text);
        Assert.Null((await app.Vacancies().GetWatchStateAsync(CancellationToken.None)).UserSourcesToldAt);
        await AssertNoTokenShownAsync(app);
    }

    [Fact]
    public async Task RunAsync_AccountRefusedApplicantAccess_SearchesMoveToTheApplicationToken()
    {
        using var app = WatchTestExtensions.WatchApp();
        await app.ConnectAsync();
        app.Hh.NoApplicantAccess = true; // hh.ru answers the account's vacancy search with 403 forbidden
        Seed(app, 3);

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(3, run.New);
        var searches = app.SearchRequests();
        Assert.Equal(2, searches.Count);
        Assert.NotEqual(app.Hh.LiveAppToken, searches[0].Bearer);
        Assert.Equal(app.Hh.LiveAppToken, searches[1].Bearer);
        var line = Assert.Single((await WatchSectionAsync(app))!.Lines).Text;
        Assert.Equal("Vacancy searches use the application token (HeadHunter__ClientId/ClientSecret, no user needed): hh.ru answered the account's vacancy search with HTTP 403 (forbidden).", line);
        await AssertNoTokenShownAsync(app);
    }

    [Fact]
    public async Task RunAsync_NoAccountAndNoApplicationCredentials_StopsAndAsksForAnAccount()
    {
        using var app = WatchTestExtensions.WatchApp(more: new Dictionary<string, string?> { ["HeadHunter:ClientId"] = null, ["HeadHunter:ClientSecret"] = null });
        Seed(app, 1);

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("No hh.ru account is connected", run.Summary, StringComparison.Ordinal);
        Assert.Equal(0, app.Hh.AppTokenRequests);
        Assert.Empty(app.SearchRequests());
    }
}
