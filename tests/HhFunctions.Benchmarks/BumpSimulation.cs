using HhFunctions.Queues;
using System.Net.Http.Headers;
using HhFunctions.HeadHunter;
using HhFunctions.Bumping;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Standalone;
using HhFunctions.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using HhFunctions.Configuration;

namespace HhFunctions.Benchmarks;

internal sealed record SimulationSettings(
    DateTimeOffset Start,
    int Days,
    string Schedule,
    TimeSpan MinLatency,
    TimeSpan MaxLatency,
    TimeSpan MaxLateJitter,
    TimeSpan MaxEarlyJitter,
    double EarlyJitterShare,
    int LatencySeed,
    int JitterSeed,
    double TargetRaisesPerDay,
    IReadOnlyList<(string Id, TimeSpan? FirstEligibleIn)> Resumes)
{
    public static SimulationSettings Default { get; } = new(
        Start: new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero),
        Days: 30,
        Schedule: new BumpOptions().Schedule,
        MinLatency: TimeSpan.FromMilliseconds(50),
        MaxLatency: TimeSpan.FromMilliseconds(2000),
        MaxLateJitter: TimeSpan.FromSeconds(30),
        MaxEarlyJitter: TimeSpan.FromSeconds(5),
        EarlyJitterShare: 0.05,
        LatencySeed: 20260302,
        JitterSeed: 4,
        TargetRaisesPerDay: 5.9,
        Resumes:
        [
            ("resume-a", null), // raisable at once
            ("resume-b", TimeSpan.FromHours(1) + TimeSpan.FromMinutes(37) + TimeSpan.FromSeconds(12)),
            ("resume-c", TimeSpan.FromHours(4) + TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(40)), // 1m40s after the 04:01 run
        ]);

    public DateTimeOffset End => Start.AddDays(Days);

    /// <summary>Every trigger time: each NCRONTAB occurrence moved by the timer's jitter (same sequence for every policy).</summary>
    public IReadOnlyList<DateTimeOffset> Firings()
    {
#pragma warning disable CA5394 // Simulation randomness, seeded on purpose; nothing security-related.
        var rng = new Random(JitterSeed);
        var list = new List<DateTimeOffset>();
        for (var occurrence = Cron.NextOccurrence(Schedule, Start.AddTicks(-1)); occurrence is { } o && o < End; occurrence = Cron.NextOccurrence(Schedule, o))
        {
            var jitter = rng.NextDouble() < EarlyJitterShare
                ? -TimeSpan.FromMilliseconds(rng.Next(1000, (int)MaxEarlyJitter.TotalMilliseconds + 1))
                : TimeSpan.FromMilliseconds(rng.Next(0, (int)MaxLateJitter.TotalMilliseconds + 1));
            list.Add(o + jitter);
        }

        return list;
    }

    public Func<TimeSpan> Latency()
    {
        var rng = new Random(LatencySeed);
        return () => TimeSpan.FromMilliseconds(rng.Next((int)MinLatency.TotalMilliseconds, (int)MaxLatency.TotalMilliseconds + 1));
#pragma warning restore CA5394
    }

    public FakeHhApi CreateHh(FakeTimeProvider clock)
    {
        var hh = new FakeHhApi(clock) { Latency = Latency() };
        foreach (var (id, eligibleIn) in Resumes)
        {
            hh.AddResume(id, "Resume " + id[^1..].ToUpperInvariant(), nextPublishAt: eligibleIn is { } e ? Start + e : null);
        }

        return hh;
    }
}

internal sealed record PolicyResult(string Policy, SimulationSettings Settings, FakeHhApi Hh, string Notes)
{
    public bool IsDueQueue { get; init; }

    public double DropShare { get; init; }
}

internal static class BumpSimulation
{
    /// <summary>The real app (its own builder and DI) with the fakes behind every HttpClient; BumpResumesJob runs at each firing.</summary>
    public static PolicyResult RunJob(SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var clock = new FakeTimeProvider(settings.Start);
        var time = new SimulatedTime(clock);
        var hh = settings.CreateHh(clock);
        var telegram = new FakeTelegramApi();
        var dataPath = Path.Combine(Path.GetTempPath(), "hhfunctions-benchmark", Guid.NewGuid().ToString("N"));
        var app = BuildApp(time, new FakeNetwork(hh, telegram), dataPath);
        try
        {
            // A connected account; the 14-day access token expires twice in 30 days, so refreshes are part of the run.
            var (access, refresh, expires) = hh.SeedTokens();
            app.Services.GetRequiredService<ITokenVault>().WriteAsync(new TokenSet(access, refresh, expires, clock.GetUtcNow()), CancellationToken.None).GetAwaiter().GetResult();
            app.Services.GetRequiredService<IStateStore>().UpdateAccountAsync(a => a with { Status = AccountStatus.Connected, ConnectedAt = clock.GetUtcNow(), TokenExpiresAt = expires }, CancellationToken.None).GetAwaiter().GetResult();

            var statuses = new Dictionary<RunStatus, int>();
            var outcomes = new Dictionary<ResumeOutcome, int>();
            foreach (var firing in settings.Firings())
            {
                if (firing > clock.GetUtcNow())
                {
                    clock.SetUtcNow(firing);
                }

                using var scope = app.Services.CreateScope();
                var job = scope.ServiceProvider.GetRequiredService<BumpResumesJob>();
                var run = time.Drive(job.RunAsync("timer", CancellationToken.None));
                statuses[run.Status] = statuses.GetValueOrDefault(run.Status) + 1;
                foreach (var result in run.Results)
                {
                    outcomes[result.Outcome] = outcomes.GetValueOrDefault(result.Outcome) + 1;
                }
            }

            var notes = $"runs: {Join(statuses)}; per-resume outcomes: {Join(outcomes)}; token refreshes: {hh.SuccessfulRefreshes}; Telegram reports: {telegram.Messages.Count}";
            return new PolicyResult("timer + wait", settings, hh, notes);
        }
        finally
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(dataPath, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    /// <summary>The peer-script policy: at each firing, POST publish for every resume, ignoring next_publish_at.</summary>
    public static PolicyResult RunFixedCron(SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var clock = new FakeTimeProvider(settings.Start);
        var hh = settings.CreateHh(clock);
        var (access, _, _) = hh.SeedTokens(settings.End - settings.Start + TimeSpan.FromDays(1));
        foreach (var firing in settings.Firings())
        {
            if (firing > clock.GetUtcNow())
            {
                clock.SetUtcNow(firing);
            }

            foreach (var resume in hh.Resumes)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(hh.ApiBase, $"resumes/{resume.Id}/publish"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
                request.Headers.UserAgent.ParseAdd("PeerScript/1.0");
                using var response = hh.HandleAsync(request, CancellationToken.None).GetAwaiter().GetResult();
            }
        }

        return new PolicyResult("fixed cron", settings, hh, "POST publish at every firing; no listing, no waiting");
    }

    private static string Join<T>(Dictionary<T, int> counts)
        where T : struct, Enum => string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {c.Key}"));

    internal static WebApplication BuildApp(TimeProvider time, FakeNetwork network, string dataPath, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Benchmark", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Path"] = dataPath,
            ["Bump:StandaloneScheduler"] = "false",
            ["HeadHunter:ClientId"] = FakeHhApi.ClientId,
            ["HeadHunter:ClientSecret"] = FakeHhApi.ClientSecret,
            ["HeadHunter:UserAgent"] = "HhFunctionsBenchmark/1.0 (bench@example.com)",
            ["Telegram:BotToken"] = FakeTelegramApi.BotToken,
            ["Telegram:ChatId"] = FakeTelegramApi.ChatId,
            ["App:PublicBaseUrl"] = "https://hhfunctions.example",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<IHttpMessageHandlerBuilderFilter>(new FakeNetworkFilter(network));
        builder.AddHhFunctions(AppHost.Standalone);
        builder.Services.AddInProcessQueues(); // as the standalone host does (never started here: sent messages stay in memory)
        services?.Invoke(builder.Services);
        return builder.Build();
    }
}
