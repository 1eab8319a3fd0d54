using System.Net;
using HhFunctions.HeadHunter;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Reliability;

/// <summary>
/// The fault matrix: each case injects one fault at the HTTP boundary, the vault, the lock or storage, then
/// checks that the refresh token is never lost or spent twice and the account ends in the right state.
/// </summary>
public sealed class FaultMatrixTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static async Task RecordAsync(AppFactory app, string name, bool survived, string detail)
    {
        var lost = await FaultHarness.TokensLostAsync(app);
        ReliabilityLedger.Record(LedgerKind.Fault, name, survived && lost == 0, lost, detail);
        Assert.Equal(0, lost);
        Assert.True(survived, $"{name}: {detail}");
    }

    [Fact]
    public async Task Crash_BetweenRotationAndVaultWrite_NextInstanceRecoversThePair()
    {
        var settings = new Dictionary<string, string?> { ["Storage:ConnectionString"] = Azurite.ConnectionString, ["Storage:TablePrefix"] = Azurite.NewPrefix() };
        using var first = AppFactory.With(settings).WithServices(FaultHarness.DecorateVault);
        await FaultHarness.SeedConnectedAsync(first, Day);
        first.Hh.AddResume("r1", "Backend developer");
        first.Time.Advance(Day + TimeSpan.FromMinutes(1));
        var vault = FaultHarness.Flaky(first)!;
        vault.HangOnNextWrite = true;

        // The instance dies inside the vault write, after hh.ru rotated the pair: its run never finishes and
        // its leases are never released.
        using var scope = first.Services.CreateScope();
        _ = scope.ServiceProvider.GetRequiredService<HhFunctions.Bumping.BumpResumesJob>().RunAsync("timer", CancellationToken.None);
        for (var i = 0; i < 500 && vault.Writes < 2; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, first.Hh.SuccessfulRefreshes);
        first.Time.Advance(TimeSpan.FromMinutes(15)); // past the dead instance's leases
        using var next = first.Sibling(services: _ => { });
        var run = await FaultHarness.RunJobAsync(next);
        var stored = await FaultHarness.StoredAsync(next);
        var account = await FaultHarness.AccountAsync(next);

        var ok = run.Status == RunStatus.Succeeded && first.Hh.SuccessfulRefreshes == 1 && stored is not null
            && first.Hh.LiveRefreshTokens.SequenceEqual([stored.RefreshToken]) && account.Status == AccountStatus.Connected
            && first.Hh.Resumes[0].Raises.Count == 1;
        await RecordAsync(next, "process killed between rotation and vault write", ok, $"run {run.Status}: {run.Summary}; refreshes {first.Hh.SuccessfulRefreshes}, account {account.Status}");
    }

    [Fact]
    public async Task VaultWrite_FailsTransiently_PairSavedAfterRetries()
    {
        using var app = new AppFactory().WithServices(FaultHarness.DecorateVault);
        await FaultHarness.SeedConnectedAsync(app, Day);
        app.Hh.AddResume("r1", "Backend developer");
        app.Time.Advance(Day + TimeSpan.FromMinutes(1));
        FaultHarness.Flaky(app)!.FailNextWrites = 2;

        var run = await FaultHarness.RunJobAsync(app);
        var stored = await FaultHarness.StoredAsync(app);

        var ok = run.Status == RunStatus.Succeeded && stored is not null && app.Hh.LiveRefreshTokens.SequenceEqual([stored.RefreshToken])
            && !app.Telegram.Messages.Any(m => m.Text.Contains("not saved", StringComparison.Ordinal));
        await RecordAsync(app, "vault write fails transiently", ok, $"run {run.Status}, writes {FaultHarness.Flaky(app)!.Writes}");
    }

    [Fact]
    public async Task VaultWrite_FailsPermanently_PairHeldOwnerToldThenSavedWhenVaultRecovers()
    {
        using var app = new AppFactory().WithServices(FaultHarness.DecorateVault);
        var seeded = await FaultHarness.SeedConnectedAsync(app, Day);
        app.Hh.AddResume("r1", "Backend developer");
        app.Time.Advance(Day + TimeSpan.FromMinutes(1));
        var vault = FaultHarness.Flaky(app)!;
        vault.FailAllWrites = true;

        var first = await FaultHarness.RunJobAsync(app);
        var stillOld = await FaultHarness.StoredAsync(app);
        var lostWhileDown = await FaultHarness.TokensLostAsync(app);
        app.Time.Advance(TimeSpan.FromHours(4));
        vault.FailAllWrites = false;
        var second = await FaultHarness.RunJobAsync(app);
        var stored = await FaultHarness.StoredAsync(app);

        var ok = first.Status == RunStatus.Succeeded && stillOld?.RefreshToken == seeded.RefreshToken && lostWhileDown == 0
            && app.Telegram.Messages.Count(m => m.Text.Contains("not saved", StringComparison.Ordinal)) == 1
            && second.Status == RunStatus.Succeeded && app.Hh.SuccessfulRefreshes == 1
            && stored is not null && app.Hh.LiveRefreshTokens.SequenceEqual([stored.RefreshToken]);
        await RecordAsync(app, "vault write fails permanently, then recovers", ok, $"runs {first.Status}/{second.Status}, refreshes {app.Hh.SuccessfulRefreshes}");
    }

    [Fact]
    public async Task Lock_HeldByCrashedInstance_RefreshWaitsForLeaseExpiry()
    {
        var settings = new Dictionary<string, string?> { ["Storage:ConnectionString"] = Azurite.ConnectionString, ["Storage:TablePrefix"] = Azurite.NewPrefix() };
        using var app = AppFactory.With(settings);
        await FaultHarness.SeedConnectedAsync(app, Day);
        app.Hh.AddResume("r1", "Backend developer");
        app.Time.Advance(Day + TimeSpan.FromMinutes(1));
        using (var scope = app.Services.CreateScope())
        {
            // A crashed instance took the lock and never released it.
            var crashed = await scope.ServiceProvider.GetRequiredService<IDistributedLock>().TryAcquireAsync(TokenManager.RefreshLockName, TimeSpan.FromMinutes(1), TimeSpan.Zero, CancellationToken.None);
            Assert.NotNull(crashed);
        }

        var run = await FaultHarness.RunJobAsync(app);
        var stored = await FaultHarness.StoredAsync(app);

        var ok = run.Status == RunStatus.Succeeded && app.Hh.SuccessfulRefreshes == 1 && stored is not null && app.Hh.LiveRefreshTokens.SequenceEqual([stored.RefreshToken]);
        await RecordAsync(app, "lock held by a crashed instance", ok, $"run {run.Status}: {run.Summary}");
    }

    [Fact]
    public async Task TwoRuns_AtOnce_OneRaisesOneSkipsRefreshSpentOnce()
    {
        var settings = new Dictionary<string, string?> { ["Storage:ConnectionString"] = Azurite.ConnectionString, ["Storage:TablePrefix"] = Azurite.NewPrefix() };
        using var app = AppFactory.With(settings);
        using var other = app.Sibling();
        await FaultHarness.SeedConnectedAsync(app, Day);
        app.Time.Advance(Day + TimeSpan.FromMinutes(1));
        // Due in two minutes: the timer run waits for it inside the run, holding the run lock meanwhile.
        app.Hh.AddResume("r1", "Backend developer", nextPublishAt: app.Time.GetUtcNow() + TimeSpan.FromMinutes(2));

        using var scope = app.Services.CreateScope();
        var timerRun = scope.ServiceProvider.GetRequiredService<HhFunctions.Bumping.BumpResumesJob>().RunAsync("timer", CancellationToken.None);
        for (var i = 0; i < 200 && app.Hh.SuccessfulRefreshes == 0; i++)
        {
            await Task.Delay(10);
        }

        var manual = await FaultHarness.RunJobAsync(other, "manual");
        var timer = await app.Time.RunAsync(timerRun);

        var ok = timer.Status == RunStatus.Succeeded && manual.Status == RunStatus.Skipped
            && app.Hh.SuccessfulRefreshes == 1 && app.Hh.Resumes[0].Raises.Count == 1 && app.Hh.EarlyPublishRejections == 0;
        await RecordAsync(app, "two runs at once (timer + manual)", ok, $"timer {timer.Status}, manual {manual.Status}: {manual.Summary}");
    }

    public static TheoryData<string> HhFaults => ["503 twice", "timeouts", "429 with Retry-After", "429 without Retry-After", "502 HTML"];

    [Theory]
    [MemberData(nameof(HhFaults))]
    public async Task HhTransientFault_OnListing_RetriedAndRaised(string fault)
    {
        using var app = new AppFactory();
        await FaultHarness.SeedConnectedAsync(app);
        app.Hh.AddResume("r1", "Backend developer");
        switch (fault)
        {
            case "503 twice":
                app.Hh.Fail("resumes/mine", () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), 2);
                break;
            case "timeouts":
                app.Hh.Throw("resumes/mine", () => new HttpRequestException("connection timed out", null, HttpStatusCode.RequestTimeout), 2);
                break;
            case "429 with Retry-After":
                app.Hh.Fail("resumes/mine", () => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7)) } });
                break;
            case "429 without Retry-After":
                app.Hh.Fail("resumes/mine", () => FakeHhApi.Errors(HttpStatusCode.TooManyRequests, "too_many_requests"));
                break;
            default:
                app.Hh.Fail("resumes/mine", () => FakeHhApi.Html(HttpStatusCode.BadGateway));
                break;
        }

        var run = await FaultHarness.RunJobAsync(app);

        var ok = run.Status == RunStatus.Succeeded && app.Hh.Resumes[0].Raises.Count == 1;
        await RecordAsync(app, "hh.ru " + fault + " on listing", ok, $"run {run.Status}: {run.Summary}");
    }

    [Fact]
    public async Task HhHtml403_OnListing_RunFailsClearlyPairKept()
    {
        using var app = new AppFactory();
        var seeded = await FaultHarness.SeedConnectedAsync(app);
        app.Hh.AddResume("r1", "Backend developer");
        app.Hh.Fail("resumes/mine", () => FakeHhApi.Html(HttpStatusCode.Forbidden));

        var run = await FaultHarness.RunJobAsync(app);
        var stored = await FaultHarness.StoredAsync(app);
        var account = await FaultHarness.AccountAsync(app);

        var ok = run.Status == RunStatus.Failed && run.Summary.Contains("DDoS", StringComparison.Ordinal)
            && stored?.RefreshToken == seeded.RefreshToken && account.Status == AccountStatus.Connected;
        await RecordAsync(app, "hh.ru HTML 403 page", ok, run.Summary);
    }

    [Fact]
    public async Task HhCaptcha_OnPublish_ResumeFailsClearlyOthersRaised()
    {
        using var app = new AppFactory();
        await FaultHarness.SeedConnectedAsync(app);
        app.Hh.AddResume("r1", "Backend developer");
        app.Hh.AddResume("r2", "Team lead");
        app.Hh.Fail("resumes/r1/publish", () => FakeHhApi.Json(HttpStatusCode.Forbidden, """{"errors":[{"type":"captcha_required","value":"captcha_required","captcha_url":"https://hh.ru/captcha?x=1"}]}"""));

        var run = await FaultHarness.RunJobAsync(app);

        var r1 = run.Results.Single(r => r.ResumeId == "r1");
        var ok = run.Status == RunStatus.PartiallyFailed && r1.Outcome == ResumeOutcome.Failed && r1.Message!.Contains("captcha", StringComparison.Ordinal)
            && app.Hh.Resumes[1].Raises.Count == 1;
        await RecordAsync(app, "hh.ru captcha_required on publish", ok, run.Summary);
    }

    public static TheoryData<string> RefreshFaults => ["500", "HTML 403", "timeout"];

    [Theory]
    [MemberData(nameof(RefreshFaults))]
    public async Task TokenEndpointFault_DuringRefresh_PairKeptAndRefreshedNextRun(string fault)
    {
        using var app = new AppFactory();
        var seeded = await FaultHarness.SeedConnectedAsync(app, Day);
        app.Hh.AddResume("r1", "Backend developer");
        app.Time.Advance(Day + TimeSpan.FromMinutes(1));
        switch (fault)
        {
            case "500":
                app.Hh.Fail("token", () => FakeHhApi.Json(HttpStatusCode.InternalServerError, """{"errors":[{"type":"internal"}]}"""));
                break;
            case "HTML 403":
                app.Hh.Fail("token", () => FakeHhApi.Html(HttpStatusCode.Forbidden));
                break;
            default:
                app.Hh.Throw("token", () => new TaskCanceledException("timeout"));
                break;
        }

        var first = await FaultHarness.RunJobAsync(app);
        var kept = await FaultHarness.StoredAsync(app);
        app.Time.Advance(TimeSpan.FromHours(4));
        var second = await FaultHarness.RunJobAsync(app);

        var ok = first.Status == RunStatus.Failed && kept?.RefreshToken == seeded.RefreshToken
            && second.Status == RunStatus.Succeeded && app.Hh.SuccessfulRefreshes == 1 && app.Hh.Resumes[0].Raises.Count == 1;
        await RecordAsync(app, "token endpoint " + fault + " during refresh", ok, $"runs {first.Status}/{second.Status}: {first.Summary}");
    }

    public static TheoryData<string> TelegramFaults => ["down (503)", "unreachable", "slow"];

    [Theory]
    [MemberData(nameof(TelegramFaults))]
    public async Task Telegram_Fault_BumpStillSucceeds(string fault)
    {
        using var app = new AppFactory();
        await FaultHarness.SeedConnectedAsync(app);
        app.Hh.AddResume("r1", "Backend developer");
        app.Telegram.Outage = fault switch
        {
            "down (503)" => (_, _) => Task.FromResult(FakeTelegramApi.Error(HttpStatusCode.ServiceUnavailable, "Service Unavailable")),
            "unreachable" => (_, _) => throw new HttpRequestException("connection refused"),
            _ => async (_, ct) =>
            {
                await Task.Delay(TimeSpan.FromMinutes(5), app.Time, ct);
                return FakeTelegramApi.Ok("true");
            },
        };

        var run = await FaultHarness.RunJobAsync(app);

        var ok = run.Status == RunStatus.Succeeded && app.Hh.Resumes[0].Raises.Count == 1;
        await RecordAsync(app, "Telegram " + fault, ok, run.Summary);
    }

    [Fact]
    public async Task TableStorage_Down_BumpStillRunsAndSaysHistoryIsMissing()
    {
        using var app = AppFactory.With(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;",
        });
        await SeedTokensOnlyAsync(app);
        app.Hh.AddResume("r1", "Backend developer");

        // The Table SDK retries in real time; a coarse fake-time pump would make hh.ru look slow.
        var run = await FaultHarness.RunJobAsync(app, step: TimeSpan.FromMilliseconds(5));

        var report = string.Join("\n", app.Telegram.Messages.Select(m => m.Text));
        var ok = app.Hh.Resumes[0].Raises.Count == 1 && run.Results.Single().Outcome == ResumeOutcome.Raised
            && report.Contains("history", StringComparison.OrdinalIgnoreCase);
        await RecordAsync(app, "Table storage down", ok, $"run {run.Status}; report: {report}");
    }

    private static async Task SeedTokensOnlyAsync(AppFactory app)
    {
        var (access, refresh, expires) = app.Hh.SeedTokens();
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ITokenVault>().WriteAsync(new TokenSet(access, refresh, expires, app.Time.GetUtcNow()), CancellationToken.None);
    }
}
