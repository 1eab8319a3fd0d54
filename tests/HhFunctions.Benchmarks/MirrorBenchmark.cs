using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HhFunctions.Applying;
using HhFunctions.OwnDatabase;
using HhFunctions.Testing;
using HhFunctions.Vacancies;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace HhFunctions.Benchmarks;

/// <summary>
/// "mirror" mode (docs/own-database.md): the own-database mirror against a real PostgreSQL server.
///  1. Back-fill: an app holding 20,000 vacancies and 5,000 applications (file stores) is connected to an empty
///     database; the pump's first pass writes everything. Goal: under 10 s; rows per second printed.
///  2. Watch overhead: the same first watch run (3 queries x 1,000 matches = 30 pages, 3,000 vacancies, on the
///     application token) with the mirror off and on, side by side in alternating rounds; with it on, the pump runs
///     in the background as in production. Measured twice: as a run really goes (the app on the real clock, so its
///     calls keep hh.ru's 0.35 s spacing; the fake hh.ru answers at once), which is the goal: under 5 % longer; and
///     with the spacing taken out (the app on fake time), which shows the mirror's share of the watch's own work.
/// The server is HH_TEST_POSTGRES, or a throw-away one started with tests/postgres.sh and stopped at the end.
/// Times are wall-clock on this machine.
/// </summary>
internal static class MirrorBenchmark
{
    private const int Applications = 5_000;
    private const int MatchesPerQuery = 1_000;
    private const int Rounds = 5;
    private const int PacedRounds = 3;
    private const double OverheadTarget = 0.05;
    private static readonly TimeSpan BackfillTarget = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 30, TimeSpan.Zero);
    private const string Queries = "name=C#&text=C%23; name=Go&text=Go; name=Python&text=Python";

    public static async Task<int> RunAsync()
    {
        await using var server = await PostgresServer.StartAsync();
        if (server.ConnectionString is null)
        {
            Console.WriteLine("FAIL: no PostgreSQL server: " + server.Why);
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Own-database mirror benchmark ({server.Version}): back-fill of 20,000 vacancies + {Applications:N0} applications, target < {BackfillTarget.TotalSeconds:0} s; watch run with the mirror on vs off, target < {OverheadTarget:P0} longer."));
        Console.WriteLine();
        var data = Path.Combine(Path.GetTempPath(), "hhfunctions-bench-mirror-" + Guid.NewGuid().ToString("N"));
        try
        {
            var pass = await BackfillAsync(server, Path.Combine(data, "backfill"));
            Console.WriteLine();
            pass &= await WatchOverheadAsync(server, Path.Combine(data, "watch"));
            Console.WriteLine();
            Console.WriteLine(pass ? "PASS: every target met." : "FAIL: a target was missed (see above).");
            return pass ? 0 : 1;
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    private static async Task<bool> BackfillAsync(PostgresServer server, string data)
    {
        var time = new FakeTimeProvider(Now);
        var database = await server.NewDatabaseAsync();
        await using var app = VacancyBenchmark.BuildApp(time, new FakeNetwork(new FakeHhApi(time), new FakeTelegramApi()), data, null, null,
            new Dictionary<string, string?> { ["Sql:ConnectionString"] = database });
        await VacancyBenchmark.SeedAsync(app.Services.GetRequiredService<IVacancyStore>());
        await SeedApplicationsAsync(data);
        await PostgresSchema.MigrateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), default); // the schema exists before the clock starts

        var started = Stopwatch.GetTimestamp();
        var pass = await app.Services.GetRequiredService<MirrorPump>().RunOnceAsync(default);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var vacancies = await ScalarAsync(database, "SELECT count(*) FROM hh.vacancies");
        var applications = await ScalarAsync(database, "SELECT count(*) FROM hh.applications");
        var states = await ScalarAsync(database, "SELECT count(*) FROM hh.application_states");
        var rows = vacancies + applications;
        Console.WriteLine("| back-fill | rows | time | rows/s |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {vacancies:N0} vacancies + {applications:N0} applications ({states:N0} state changes) | {rows:N0} | {elapsed.TotalSeconds:0.00} s | {rows / elapsed.TotalSeconds:N0} |"));
        var ok = pass.Ok && vacancies == 20_000 && applications == Applications && elapsed < BackfillTarget;
        Console.WriteLine(ok ? "back-fill: PASS" : $"back-fill: FAIL{(pass.Ok ? string.Empty : " (" + pass.Problem + ")")}");
        return ok;
    }

    private static async Task<bool> WatchOverheadAsync(PostgresServer server, string data)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| first watch run, 3 queries x {MatchesPerQuery:N0} matches (30 pages, 3,000 vacancies) | mirror off, median | mirror on, median | extra | runs off / on |"));
        Console.WriteLine("|---|---:|---:|---:|---|");
        var paced = await CompareAsync(server, Path.Combine(data, "paced"), paced: true, PacedRounds);
        var unpaced = await CompareAsync(server, Path.Combine(data, "unpaced"), paced: false, Rounds);
        Console.WriteLine(paced.Row("as it runs (real clock, hh.ru's 0.35 s spacing kept)"));
        Console.WriteLine(unpaced.Row("the watch's own work (fake clock, no spacing)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"extra time with the mirror on: {paced.Extra:P1} of a run (target < {OverheadTarget:P0}); {Ms(unpaced.OnMedian - unpaced.OffMedian)} of CPU-bound work per run, {unpaced.Extra:P1} of the watch's own work; every vacancy in PostgreSQL {Ms(Median(paced.Drains))} after the run ended (median)."));
        var ok = paced.Extra < OverheadTarget;
        Console.WriteLine(ok ? "watch overhead: PASS" : "watch overhead: FAIL");
        return ok;
    }

    private sealed record Comparison(List<TimeSpan> Off, List<TimeSpan> On, List<TimeSpan> Drains)
    {
        public TimeSpan OffMedian => Median(Off);

        public TimeSpan OnMedian => Median(On);

        public double Extra => (OnMedian - OffMedian) / OffMedian;

        public string Row(string label) => string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {Ms(OffMedian)} | {Ms(OnMedian)} | {Extra:P1} | {string.Join(", ", Off.Select(Ms))} / {string.Join(", ", On.Select(Ms))} |");
    }

    /// <summary>Alternating rounds of a run with the mirror off and on; round 0 warms both up (JIT, file cache) and is not counted.</summary>
    private static async Task<Comparison> CompareAsync(PostgresServer server, string data, bool paced, int rounds)
    {
        var result = new Comparison([], [], []);
        for (var round = 0; round < rounds + 1; round++)
        {
            var mirrorFirst = round % 2 == 1;
            for (var arm = 0; arm < 2; arm++)
            {
                var mirror = (arm == 0) == mirrorFirst;
                var (run, drain) = await WatchOnceAsync(server, Path.Combine(data, $"{round}-{(mirror ? "on" : "off")}"), mirror, paced);
                if (round > 0)
                {
                    (mirror ? result.On : result.Off).Add(run);
                    if (mirror)
                    {
                        result.Drains.Add(drain);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>One first watch run in a fresh app; with the mirror, also how long after it ended the outbox was empty.</summary>
    private static async Task<(TimeSpan Run, TimeSpan Drain)> WatchOnceAsync(PostgresServer server, string data, bool mirror, bool paced)
    {
        // Paced: the app on the real clock (the pacer's 0.35 s are real); the fake hh.ru keeps a fake clock of its own.
        var time = new FakeTimeProvider(Now);
        var hh = new FakeHhApi(time);
        var rng = new Random(11);
        foreach (var (word, offset) in new[] { ("C#", 0), ("Go", 1), ("Python", 2) })
        {
            for (var i = 0; i < MatchesPerQuery; i++)
            {
                var id = (200_000 + (offset * MatchesPerQuery) + i).ToString(CultureInfo.InvariantCulture);
                hh.Search.Add(id, $"{word} developer {i}", Now.AddMinutes(-i), rng.Next(100, 300) * 1000, null);
            }
        }

        var settings = new Dictionary<string, string?>();
        string? database = null;
        if (mirror)
        {
            database = await server.NewDatabaseAsync();
            settings["Sql:ConnectionString"] = database;
        }

        await using var app = VacancyBenchmark.BuildApp(paced ? TimeProvider.System : time, new FakeNetwork(hh, new FakeTelegramApi()), data, null, Queries, settings);
        var background = app.Services.GetServices<IHostedService>().OfType<MirrorBackground>().SingleOrDefault();
        if (mirror)
        {
            await PostgresSchema.MigrateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), default);
            await background!.StartAsync(default); // as in production: the pump drains while the watch runs
        }

        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var job = scope.ServiceProvider.GetRequiredService<VacancyWatchJob>();
            var started = Stopwatch.GetTimestamp();
            var run = paced
                ? await job.RunAsync("benchmark", default)
                : await time.RunAsync(job.RunAsync("benchmark", default), TimeSpan.FromMilliseconds(400), TimeSpan.FromHours(1));
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (run.New != 3 * MatchesPerQuery)
            {
                throw new InvalidOperationException($"The watch run found {run.New} new vacancies, not {3 * MatchesPerQuery}: {run.Summary}");
            }

            var drain = TimeSpan.Zero;
            if (mirror)
            {
                var outbox = app.Services.GetRequiredService<IMirrorOutbox>();
                var pump = app.Services.GetRequiredService<MirrorPump>();
                while (await outbox.CountAsync(default) > 0 || await ScalarAsync(database!, "SELECT count(*) FROM hh.vacancies") < 3 * MatchesPerQuery)
                {
                    await pump.RunOnceAsync(default);
                }

                drain = Stopwatch.GetElapsedTime(started) - elapsed;
            }

            return (elapsed, drain);
        }
        finally
        {
            if (background is not null && mirror)
            {
                await background.StopAsync(default);
            }
        }
    }

    /// <summary>5,000 applications with one to three state changes each, written straight into the file store's file (as the store keeps them).</summary>
    private static async Task SeedApplicationsAsync(string data)
    {
        var rng = new Random(5);
        var states = new[] { "invitation", "discard" };
        var records = Enumerable.Range(0, Applications).Select(i =>
        {
            var sent = Now.AddDays(-rng.Next(1, 180)).AddMinutes(-rng.Next(600));
            var history = new List<StateChange> { new("response", sent) };
            if (rng.Next(3) == 0)
            {
                history.Add(new StateChange(states[rng.Next(2)], sent.AddDays(rng.Next(1, 10))));
            }

            return new ApplicationRecord((90_000_000 + i).ToString(CultureInfo.InvariantCulture))
            {
                VacancyName = "Senior C# developer " + i,
                Employer = "Employer " + rng.Next(2000),
                VacancyUrl = "https://hh.ru/vacancy/" + (90_000_000 + i).ToString(CultureInfo.InvariantCulture),
                Source = rng.Next(2) == 0 ? "C# Moscow" : "telegram",
                ResumeId = "r1",
                Status = ApplicationStatus.Sent,
                Letter = rng.Next(2) == 0 ? LetterKind.Template : LetterKind.Generated,
                Attempts = 1,
                CreatedAt = sent,
                UpdatedAt = history[^1].At,
                SentAt = sent,
                NegotiationId = (500_000 + i).ToString(CultureInfo.InvariantCulture),
                State = history[^1].State,
                ViewedByEmployer = rng.Next(2) == 0,
                History = history,
            };
        }).ToList();
        var folder = Path.Combine(data, "state");
        Directory.CreateDirectory(folder);
        await using var file = File.Create(Path.Combine(folder, "applications.json"));
        await JsonSerializer.SerializeAsync(file, records, PostgresMirrorWriter.Json);
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>HH_TEST_POSTGRES, or a throw-away server from tests/postgres.sh (stopped on dispose). Never prints the connection string.</summary>
    private sealed class PostgresServer : IAsyncDisposable
    {
        private string? _dir;
        private string? _bin;
        private string? _root;

        public string? ConnectionString { get; private set; }

        public string Why { get; private set; } = string.Empty;

        public string Version { get; private set; } = "PostgreSQL";

        public static async Task<PostgresServer> StartAsync()
        {
            var server = new PostgresServer();
            if (Environment.GetEnvironmentVariable("HH_TEST_POSTGRES") is { Length: > 0 } given)
            {
                server.ConnectionString = given;
            }
            else
            {
                var dir = new DirectoryInfo(AppContext.BaseDirectory);
                while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HhFunctions.sln")))
                {
                    dir = dir.Parent;
                }

                if (dir is null)
                {
                    server.Why = "HH_TEST_POSTGRES is not set and tests/postgres.sh was not found";
                    return server;
                }

                server._root = dir.FullName;
                var (code, output) = await BashAsync(server._root, "source tests/postgres.sh && postgres_start >&2 && printf '%s\\n%s\\n%s\\n' \"$HH_TEST_POSTGRES\" \"$POSTGRES_DIR\" \"$POSTGRES_BIN\"", null);
                var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (code != 0 || lines.Length < 3)
                {
                    server.Why = "tests/postgres.sh could not start a server (see its output above)";
                    return server;
                }

                (server.ConnectionString, server._dir, server._bin) = (lines[0], lines[1], lines[2]);
            }

            try
            {
                await using var connection = new NpgsqlConnection(server.ConnectionString);
                await connection.OpenAsync();
                server.Version = "PostgreSQL " + connection.PostgreSqlVersion.ToString(2);
            }
            catch (NpgsqlException ex)
            {
                server.Why = OwnDatabase.MirrorPump.Describe(ex) ?? ex.GetType().Name;
                server.ConnectionString = null;
            }

            return server;
        }

        public async Task<string> NewDatabaseAsync()
        {
            var name = "bench" + Guid.NewGuid().ToString("N")[..12];
            await using (var connection = new NpgsqlConnection(ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("CREATE DATABASE " + name, connection);
                await command.ExecuteNonQueryAsync();
            }

            return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
        }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            if (_root is not null && _dir is not null)
            {
                await BashAsync(_root, "source tests/postgres.sh && postgres_stop", new Dictionary<string, string> { ["POSTGRES_DIR"] = _dir, ["POSTGRES_BIN"] = _bin ?? string.Empty });
            }
        }

        private static async Task<(int Code, string Output)> BashAsync(string root, string script, IDictionary<string, string>? environment)
        {
            var start = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = root, RedirectStandardOutput = true };
            foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[key] = value;
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output);
        }
    }
}
