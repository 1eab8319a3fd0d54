using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Vacancies;
using HhFunctions.HeadHunter;

namespace HhFunctions.Tests.Vacancies;

/// <summary>The watch end to end: the app with fake hh.ru and fake Telegram, the job run on fake time.</summary>
public sealed class VacancyWatchJobTests
{
    private static readonly DateTimeOffset T0 = FakeClock.Start;

    private static void Seed(AppFactory app, int count, string prefix = "C# developer", int firstId = 1000, DateTimeOffset? newest = null)
    {
        var top = newest ?? T0.AddMinutes(-1);
        for (var i = 0; i < count; i++)
        {
            app.Hh.Search.Add((firstId + i).ToString(System.Globalization.CultureInfo.InvariantCulture), $"{prefix} {i}", top.AddMinutes(-i), 200_000 + i, 300_000 + i);
        }
    }

    [Fact]
    public async Task RunAsync_FirstRun_StoresEveryMatchAndListsNewest20WithHideAndApplyButtons()
    {
        using var app = WatchTestExtensions.WatchApp();
        await app.ConnectAsync();
        Seed(app, 25);
        app.Hh.Search.Add("9999", "Java developer", T0.AddMinutes(-2)); // does not match text=C#

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(25, run.New);
        var stored = await app.Vacancies().ListAsync(null, default);
        Assert.Equal(25, stored.Count);
        var newest = Assert.Single(stored, v => v.Id == "1000");
        Assert.Equal("C# developer 0", newest.Name);
        Assert.Equal("Acme", newest.Employer);
        Assert.Equal("Москва", newest.Area);
        Assert.Equal(200_000m, newest.SalaryFrom);
        Assert.Equal(300_000m, newest.SalaryTo);
        Assert.Equal("RUR", newest.Currency);
        Assert.Equal("https://hh.ru/vacancy/1000", newest.Url);
        Assert.Equal(T0.AddMinutes(-1), newest.PublishedAt);
        Assert.Equal(["C# jobs"], newest.Sources);
        Assert.False(newest.Archived);

        var message = Assert.Single(app.SentTexts());
        Assert.Contains("🆕 <b>25 new vacancies</b>", message, StringComparison.Ordinal);
        Assert.Contains("first run, newest 20 of 25", message, StringComparison.Ordinal);
        Assert.Contains("…and 5 more stored", message, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://hh.ru/vacancy/1000\">C# developer 0</a>", message, StringComparison.Ordinal);
        Assert.Contains("Acme · 200 000–300 000 RUR · Москва", message, StringComparison.Ordinal);
        Assert.DoesNotContain("C# developer 20", message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1000, 20).SelectMany(i => new[] { "hide:" + i, "apply:" + i }), Assert.Single(app.SentButtons()));

        var request = Assert.Single(app.SearchRequests());
        Assert.Contains("order_by=publication_time", request.Uri.Query, StringComparison.Ordinal);
        Assert.Contains("per_page=100", request.Uri.Query, StringComparison.Ordinal);
        Assert.Contains("text=C%23", request.Uri.Query, StringComparison.Ordinal);
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task RunAsync_NothingNew_OneCallPerSourceAndNoMessage()
    {
        using var app = WatchTestExtensions.WatchApp("name=A&text=C%23; name=B&text=developer");
        await app.ConnectAsync();
        Seed(app, 150);
        await app.RunWatchAsync();
        var before = app.SearchRequests().Count;
        var messages = app.Telegram.Messages.Count;
        app.Time.Advance(TimeSpan.FromMinutes(30));

        var run = await app.RunWatchAsync();

        Assert.Equal(2, app.SearchRequests().Count - before);
        Assert.Equal(2, run.Calls);
        Assert.Equal(0, run.New);
        Assert.Equal(messages, app.Telegram.Messages.Count);
        var seenAgain = (await app.Vacancies().FindAsync(["1000"], default))["1000"];
        Assert.InRange(seenAgain.FirstSeen, T0, T0.AddMinutes(1)); // the first run's time, kept
        Assert.True(seenAgain.LastSeen >= T0.AddMinutes(30));
        Assert.Equal(["A", "B"], seenAgain.Sources.Order());
    }

    [Fact]
    public async Task RunAsync_NewSinceLastRun_DigestListsOnlyThemAndStopsAtKnownPage()
    {
        using var app = WatchTestExtensions.WatchApp();
        await app.ConnectAsync();
        Seed(app, 250);
        var first = await app.RunWatchAsync();
        Assert.Equal(3, first.Calls); // 250 on pages of 100
        app.Time.Advance(TimeSpan.FromMinutes(30));
        Seed(app, 2, prefix: "Senior C# lead", firstId: 5000, newest: app.Time.GetUtcNow().AddMinutes(-5));

        var run = await app.RunWatchAsync();

        Assert.Equal(1, run.Calls);
        Assert.Equal(2, run.New);
        var digest = app.SentTexts()[^1];
        Assert.StartsWith("🆕 <b>2 new vacancies</b>", digest, StringComparison.Ordinal);
        Assert.Contains("Senior C# lead 0", digest, StringComparison.Ordinal);
        Assert.Contains("Senior C# lead 1", digest, StringComparison.Ordinal);
        Assert.DoesNotContain("first run", digest, StringComparison.Ordinal);
        Assert.Equal(["hide:5000", "apply:5000", "hide:5001", "apply:5001"], app.SentButtons()[^1]);
        Assert.Equal(252, (await app.Vacancies().ListAsync(null, default)).Count);
    }

    [Fact]
    public async Task RunAsync_PagedCalls_SpacedAtLeast350MsApart()
    {
        using var app = WatchTestExtensions.WatchApp("name=A&text=C%23; name=B&text=developer");
        await app.ConnectAsync();
        Seed(app, 350);

        await app.RunWatchAsync();

        var times = app.SearchRequests().Select(r => r.At).ToList();
        Assert.Equal(8, times.Count); // 4 pages per source
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= HhCallPacer.MinimumSpacing, $"{pair.First:O} → {pair.Second:O}"));
    }

    [Fact]
    public async Task RunAsync_MoreThan2000Matches_StopsAtTheDepthLimit()
    {
        using var app = WatchTestExtensions.WatchApp();
        await app.ConnectAsync();
        Seed(app, 2150);

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var pages = app.SearchRequests().Select(r => System.Web.HttpUtility.ParseQueryString(r.Uri.Query)["page"]).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), pages);
        Assert.Equal(2000, (await app.Vacancies().ListAsync(null, default)).Count);
        Assert.Contains("…and 1980 more stored", app.SentTexts()[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Captcha_StopsTheRunAndTellsTheOwnerOnce()
    {
        using var app = WatchTestExtensions.WatchApp("name=A&text=C%23; name=B&text=developer");
        await app.ConnectAsync();
        Seed(app, 5);
        app.Hh.Search.RequireCaptcha = true;

        var first = await app.RunWatchAsync();
        app.Time.Advance(TimeSpan.FromMinutes(30));
        var second = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.Equal(1, first.Calls); // B is not tried after A's captcha
        Assert.Contains("captcha", first.Summary, StringComparison.Ordinal);
        Assert.Equal(1, second.Calls);
        var alert = Assert.Single(app.SentTexts());
        Assert.StartsWith("⛔ <b>Vacancy watch stopped</b>", alert, StringComparison.Ordinal);
        Assert.Contains("captcha", alert, StringComparison.Ordinal);

        // Once it works again, a later refusal is told again.
        app.Hh.Search.RequireCaptcha = false;
        await app.RunWatchAsync();
        app.Hh.Search.RequireCaptcha = true;
        Seed(app, 1, firstId: 7000, newest: app.Time.GetUtcNow());
        await app.RunWatchAsync();
        Assert.Equal(2, app.SentTexts().Count(t => t.StartsWith("⛔ <b>Vacancy watch stopped</b>", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_RefusedWith429_StopsWithoutRetrying()
    {
        using var app = WatchTestExtensions.WatchApp("name=A&text=C%23; name=B&text=developer");
        await app.ConnectAsync();
        Seed(app, 5);
        app.Hh.Fail("vacancies", () => FakeHhApi.Errors(System.Net.HttpStatusCode.TooManyRequests, "too_many_requests"), times: 5);

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Single(app.SearchRequests());
        Assert.Contains("rate-limiting", Assert.Single(app.SentTexts()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AccountRefusedWith403_MovesToTheApplicationTokenAndStopsOnlyWhenThatIsRefusedToo()
    {
        using var app = WatchTestExtensions.WatchApp("name=A&text=C%23; name=B&text=developer");
        await app.ConnectAsync();
        Seed(app, 5);
        app.Hh.Fail("vacancies", () => FakeHhApi.Errors(System.Net.HttpStatusCode.Forbidden, "forbidden"), times: 5);

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Failed, run.Status);
        var requests = app.SearchRequests();
        Assert.Equal(2, requests.Count); // the account's token, then once the application's; no more
        Assert.Equal(app.Hh.LiveAppToken, requests[1].Bearer);
        Assert.Contains("refuses the application token's vacancy requests (HTTP 403", System.Net.WebUtility.HtmlDecode(Assert.Single(app.SentTexts())), StringComparison.Ordinal);
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task RunAsync_OneSourceFailsOtherwise_OtherSourcesStillRun()
    {
        using var app = WatchTestExtensions.WatchApp("name=A&text=C%23; name=B&text=developer");
        await app.ConnectAsync();
        Seed(app, 3);
        app.Hh.Fail("vacancies", () => FakeHhApi.Errors(System.Net.HttpStatusCode.BadRequest, "bad_argument", "area"));

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.PartiallyFailed, run.Status);
        Assert.NotNull(run.Sources.Single(s => s.Source == "A").Error);
        Assert.Equal(3, run.Sources.Single(s => s.Source == "B").New);
        Assert.Contains("🔎 <b>B</b>", Assert.Single(app.SentTexts()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SavedSearchesAndSimilar_EachIsASource()
    {
        using var app = WatchTestExtensions.WatchApp(null, new Dictionary<string, string?> { ["Search:UseSavedSearches"] = "true", ["Search:SimilarToResumes"] = "true" });
        await app.ConnectAsync();
        Seed(app, 3);
        app.Hh.Search.Add("8001", "Go developer", T0.AddMinutes(-30), employer: "Yandex");
        app.Hh.Search.SavedSearches.Add(new FakeSavedSearch("55", "Golang", "text=Go"));
        app.Hh.AddResume("r1", "Senior C# developer");
        app.Hh.AddResume("r2", "Draft", status: "not_published");
        app.Hh.Search.Similar["r1"] = ["1000", "8001"];

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(["Saved: Golang", "Similar: Senior C# developer"], run.Sources.Select(s => s.Source));
        var saved = app.SearchRequests().Single(r => r.Uri.Query.Contains("saved_search_id=55", StringComparison.Ordinal));
        Assert.Contains("text=Go", saved.Uri.Query, StringComparison.Ordinal);
        Assert.Contains("per_page=100", saved.Uri.Query, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Hh.Requests, r => r.Uri.AbsolutePath.Contains("r2", StringComparison.Ordinal));
        var go = (await app.Vacancies().FindAsync(["8001"], default))["8001"];
        Assert.Equal(["Saved: Golang", "Similar: Senior C# developer"], go.Sources);
        var digest = Assert.Single(app.SentTexts());
        Assert.Equal(1, CountOf(digest, "Go developer")); // listed once although two sources matched it
    }

    [Fact]
    public async Task RunAsync_ArchivedLater_KeptAndMarkedArchived()
    {
        using var app = WatchTestExtensions.WatchApp();
        await app.ConnectAsync();
        Seed(app, 2);
        await app.RunWatchAsync();
        app.Hh.Search.Vacancies[0].Archived = true;
        app.Hh.Search.Vacancies[0].PublishedAt = app.Time.GetUtcNow(); // moved to the top again

        await app.RunWatchAsync();

        var v = (await app.Vacancies().FindAsync(["1000"], default))["1000"];
        Assert.True(v.Archived);
        Assert.Equal(2, (await app.Vacancies().ListAsync(null, default)).Count);
    }

    [Fact]
    public async Task RunAsync_NotifyErrorsOnly_DigestStillSent()
    {
        using var app = WatchTestExtensions.WatchApp(more: new Dictionary<string, string?> { ["Telegram:Notify"] = "Errors" });
        await app.ConnectAsync();
        Seed(app, 1);

        await app.RunWatchAsync();

        Assert.StartsWith("🆕 <b>1 new vacancy</b>", Assert.Single(app.SentTexts()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Paused_DoesNothing()
    {
        using var app = WatchTestExtensions.WatchApp();
        await app.ConnectAsync();
        Seed(app, 1);
        await app.State().UpdateAccountAsync(a => a with { Paused = true }, default);

        var run = await app.RunWatchAsync();

        Assert.Equal(RunStatus.Skipped, run.Status);
        Assert.Empty(app.SearchRequests());
        Assert.Empty(app.SentTexts());
    }

    [Fact]
    public async Task HideButton_ThroughWebhook_VacancyNeverInADigestAgain()
    {
        using var app = WatchTestExtensions.WatchApp("name=A&text=C%23; name=B&text=developer");
        await app.ConnectAsync();
        app.Hh.Search.Add("1", "C# developer", T0.AddMinutes(-1));
        await app.RunWatchAsync();

        using var response = await app.PostWebhookAsync(WatchTestExtensions.CallbackUpdate(9001, "hide:1"));
        response.EnsureSuccessStatusCode();

        Assert.Contains(await app.Vacancies().GetHiddenAsync(default), id => id == "1");
        var answer = Assert.Single(app.Telegram.Calls, c => c.Method == "answerCallbackQuery");
        Assert.Equal("cb-9001", answer.Body.GetProperty("callback_query_id").GetString());
        Assert.Contains("Hidden", answer.Body.GetProperty("text").GetString(), StringComparison.Ordinal);

        // Republished (new for the source again) and matched by a brand-new source: still never shown.
        app.Hh.Search.Vacancies[0].PublishedAt = app.Time.GetUtcNow();
        app.Hh.Search.Add("2", "C# developer II", app.Time.GetUtcNow());
        await app.RunWatchAsync();
        Assert.DoesNotContain("hide:1", app.SentButtons()[^1]);
    }

    [Fact]
    public async Task HideButton_FromAnotherChat_Ignored()
    {
        using var app = WatchTestExtensions.WatchApp();

        using var response = await app.PostWebhookAsync(WatchTestExtensions.CallbackUpdate(9002, "hide:1", FakeTelegramApi.StrangerChatId));

        Assert.Equal("Ignored.", await response.Content.ReadAsStringAsync());
        Assert.Empty(await app.Vacancies().GetHiddenAsync(default));
    }

    [Fact]
    public async Task WatchCommand_ListsSourcesProblemsAndLastRun()
    {
        using var app = WatchTestExtensions.WatchApp("name=A&text=C%23&colour=red");
        await app.ConnectAsync();
        Seed(app, 2);
        await app.RunWatchAsync();

        await app.SendTextAsync("/watch");

        var text = app.SentTexts()[^1];
        Assert.StartsWith("👀 <b>Vacancy watch</b>", text, StringComparison.Ordinal);
        Assert.Contains("Schedule: <code>0 */30 * * * *</code>", text, StringComparison.Ordinal);
        Assert.Contains("– A: 02 Mar 08:00 UTC, 2 new, 2 found", text, StringComparison.Ordinal);
        Assert.Contains("unknown parameter &#39;colour&#39;", text, StringComparison.Ordinal);
        Assert.Contains("Last run: 02 Mar 08:00 UTC (test) — 2 new", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseCommand_AlsoPausesWatching()
    {
        using var app = WatchTestExtensions.WatchApp();
        await app.ConnectAsync();
        Seed(app, 1);

        await app.SendTextAsync("/pause");
        var run = await app.RunWatchAsync();

        Assert.Contains("Vacancy watching is paused too.", app.SentTexts()[0], StringComparison.Ordinal);
        Assert.Equal(RunStatus.Skipped, run.Status);
        Assert.Empty(app.SearchRequests());
    }

    [Fact]
    public async Task StartUp_InvalidQueryParameters_NamedInLogAndAppStarts()
    {
        using var app = WatchTestExtensions.WatchApp("text=C%23&experience=lots");
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/status", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(app.LogsWithId(8301), r => r.Message.Contains("'experience=lots' is ignored", StringComparison.Ordinal));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
