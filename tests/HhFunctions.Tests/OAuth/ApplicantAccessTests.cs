using System.Net;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Bumping;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.OAuth;

/// <summary>
/// What hh.ru allows, said plainly: an application without applicant access (hh.ru, 2025-12-15) is explained on the
/// callback page, the status page and in Telegram, marked "no applicant access" (not "reconnect"), and the bump job
/// says so once instead of failing every run. A wrong client id/secret is a configuration problem, not a reconnect.
/// </summary>
public sealed class ApplicantAccessTests
{
    private static async Task<(HttpStatusCode Status, string Body)> ConnectThroughCallbackAsync(AppFactory app)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var landed = await app.AuthorizeAsync();
        using var response = await client.GetAsync(new Uri("/api/oauth/callback" + landed.Query, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Callback_ApplicationWithoutApplicantAccess_ExplainsWhatWhenAndWhatToDo()
    {
        using var app = new AppFactory();
        app.Hh.NoApplicantAccess = true;

        var (status, body) = await ConnectThroughCallbackAsync(app);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("hh.ru refuses applicant access", body, StringComparison.Ordinal);
        Assert.Contains("GET /resumes/mine answered HTTP 403 (forbidden)", body, StringComparison.Ordinal);
        Assert.Contains("Refused since 2026-03-02 08:00 UTC", body, StringComparison.Ordinal);
        Assert.Contains("Since 15 December 2025", body, StringComparison.Ordinal);
        Assert.Contains("What you can do", body, StringComparison.Ordinal);
        var account = await app.AccountAsync();
        Assert.Equal(AccountStatus.NoApplicantAccess, account.Status);
        Assert.NotNull(await app.StoredPairAsync());
        var told = Assert.Single(app.SentTexts());
        Assert.StartsWith("🚫", told, StringComparison.Ordinal);
        Assert.Contains("15 December 2025", told, StringComparison.Ordinal);

        using var client = app.CreateClient();
        var page = await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));
        Assert.Contains("No applicant access (Ivan Petrov)", page, StringComparison.Ordinal);
        Assert.Contains("Since 15 December 2025", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Needs reconnect", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BumpRuns_NoApplicantAccess_SkippedNotFailedToldOnceAndRecoverWhenAllowed()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Backend developer (.NET)");
        app.Hh.NoApplicantAccess = true;

        var first = await app.InvokeTimerAsync();
        app.Time.Advance(TimeSpan.FromHours(4));
        var second = await app.InvokeTimerAsync();

        Assert.Contains("refuses this application access", first, StringComparison.Ordinal);
        Assert.Contains("refuses this application access", second, StringComparison.Ordinal);
        var runs = await app.State().GetRecentRunsAsync(5, default);
        Assert.All(runs, r => Assert.Equal(RunStatus.Skipped, r.Status));
        Assert.Single(app.SentTexts(), t => t.Contains("refuses", StringComparison.Ordinal));
        var account = await app.AccountAsync();
        Assert.Equal(AccountStatus.NoApplicantAccess, account.Status);
        Assert.Equal(FakeClock.Start, account.AccessRefusedSince);
        Assert.Equal(1, app.Hh.Requests.Count(r => r.Uri.AbsolutePath == "/resumes/mine" && r.At > FakeClock.Start + TimeSpan.FromHours(1)));
        Assert.Empty(app.Hh.PublishRequests());

        app.Hh.NoApplicantAccess = false;
        app.Time.Advance(TimeSpan.FromHours(4));
        var third = await app.InvokeTimerAsync();

        Assert.Contains("1 raised", third, StringComparison.Ordinal);
        Assert.Equal(AccountStatus.Connected, (await app.AccountAsync()).Status);
        Assert.Null((await app.AccountAsync()).Problem);
    }

    [Fact]
    public async Task BumpRun_PublishRefusedAfterListing_RunSkippedAndAccountMarked()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Backend developer (.NET)");
        app.Hh.AddResume("r2", "Team lead");
        app.Hh.Fail("resumes/r", FakeHhApi.Forbidden);

        var summary = await app.InvokeTimerAsync();

        Assert.Contains("POST /resumes/{id}/publish", summary, StringComparison.Ordinal);
        var run = (await app.State().GetRecentRunsAsync(1, default))[0];
        Assert.Equal(RunStatus.Skipped, run.Status);
        Assert.All(run.Results, r => Assert.Equal(ResumeOutcome.Skipped, r.Outcome));
        Assert.Single(app.Hh.PublishRequests());
        Assert.Equal(AccountStatus.NoApplicantAccess, (await app.AccountAsync()).Status);
    }

    [Fact]
    public async Task Import_ApplicationWithoutApplicantAccess_PairKeptAndRefusalExplained()
    {
        using var app = new AppFactory();
        var (access, refresh, _) = app.Hh.SeedTokens();
        app.Hh.NoApplicantAccess = true;

        var messageId = await app.SendOwnerMessageAsync($"/tokens {access} {refresh}");

        Assert.Contains(app.Telegram.DeletedMessages, d => d.MessageId == messageId);
        Assert.Equal(refresh, (await app.StoredPairAsync())!.RefreshToken);
        Assert.Equal(AccountStatus.NoApplicantAccess, (await app.AccountAsync()).Status);
        Assert.Contains(app.SentTexts(), t => t.StartsWith("🚫 <b>Token pair imported</b>", StringComparison.Ordinal));

        // The first scheduled run does not repeat what the owner was just told.
        var before = app.SentTexts().Count;
        await app.InvokeTimerAsync();
        Assert.Equal(before, app.SentTexts().Count);
    }

    [Fact]
    public async Task BumpRun_ApplicationNotFound_ConfigurationProblemToldOnceNoReconnect()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.Fail("resumes/mine", () => FakeHhApi.Errors(HttpStatusCode.Forbidden, "oauth", "application_not_found"), times: 2);

        await app.InvokeTimerAsync();
        app.Time.Advance(TimeSpan.FromHours(4));
        var second = await app.InvokeTimerAsync();

        Assert.Contains("HeadHunter__ClientId / HeadHunter__ClientSecret are wrong", second, StringComparison.Ordinal);
        var account = await app.AccountAsync();
        Assert.Equal(AccountStatus.Connected, account.Status);
        Assert.Single(app.SentTexts(), t => t.Contains("configuration problem", StringComparison.Ordinal));
        Assert.Single(app.SentTexts(), t => t.StartsWith("⛔ <b>hh.ru resumes</b>", StringComparison.Ordinal));
        Assert.DoesNotContain(app.SentTexts(), t => t.Contains("Reconnect hh.ru", StringComparison.Ordinal) || t.Contains("/api/oauth/link", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PastedCode_InvalidClient_SaysTheClientIdOrSecretIsWrong()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["HeadHunter:ClientSecret"] = "wrong-secret" });
        var code = app.Hh.IssueCode(app.RedirectUri.AbsoluteUri);

        var (status, body) = await app.PasteCodeAsync(code);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("HeadHunter__ClientId or HeadHunter__ClientSecret is wrong", body, StringComparison.Ordinal);
        Assert.Null(await app.StoredPairAsync());
    }

    [Fact]
    public async Task ScheduledRuns_NotConnected_ToldOnceNotEveryRun()
    {
        using var app = new AppFactory();

        for (var i = 0; i < 3; i++)
        {
            await app.InvokeTimerAsync();
            app.Time.Advance(TimeSpan.FromHours(4));
        }

        var told = Assert.Single(app.SentTexts());
        Assert.Contains("No hh.ru account is connected yet", told, StringComparison.Ordinal);
        Assert.Equal(3, (await app.State().GetRecentRunsAsync(5, default)).Count);
    }
}
