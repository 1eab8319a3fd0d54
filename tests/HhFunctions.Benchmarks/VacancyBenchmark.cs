using HhFunctions.Queues;
using System.Diagnostics;
using System.Globalization;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tokens;
using HhFunctions.Vacancies;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using HhFunctions.HeadHunter;

namespace HhFunctions.Benchmarks;

/// <summary>
/// "vacancies" mode: with 20,000 stored vacancies (first seen over the last 12 months, 3 sources) in each store,
/// how long the Vacancies page (default view: this month and the last) and the CSV export of everything take, and how
/// many hh.ru calls a watch run makes when nothing is new. Table storage is Azurite on 127.0.0.1:10002 (started
/// from node_modules when nothing listens there) or HH_TEST_TABLES. Times are wall-clock on this machine.
/// </summary>
internal static class VacancyBenchmark
{
    private const int Stored = 20_000;
    private const int PageRuns = 7;
    private const int ExportRuns = 3;
    private static readonly TimeSpan PageTarget = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan ExportTarget = TimeSpan.FromSeconds(2);
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 30, TimeSpan.Zero);
    private static readonly string[] Sources = ["C# Moscow", "Saved: Remote .NET", "Similar: Senior C# developer"];

    public static async Task<int> RunAsync()
    {
        var pass = true;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Vacancy watch benchmark: {Stored} stored vacancies per store; page target < {PageTarget.TotalMilliseconds:0} ms, CSV export target < {ExportTarget.TotalSeconds:0} s, nothing-new run target: one hh.ru call per source."));
        Console.WriteLine();
        Console.WriteLine("| store | page, default (2 months) median / max | page, 12 months median | CSV export median / max | CSV size |");
        Console.WriteLine("|---|---:|---:|---:|---:|");

        var data = Path.Combine(Path.GetTempPath(), "hhfunctions-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            pass &= await MeasureStoreAsync("file", data, null);
            using var azurite = await AzuriteProcess.StartIfNeededAsync();
            if (azurite.Available)
            {
                pass &= await MeasureStoreAsync("table (Azurite)", data, azurite.ConnectionString);
            }
            else
            {
                Console.WriteLine("| table (Azurite) | not measured: " + azurite.Why + " | | | |");
                pass = false;
            }

            Console.WriteLine();
            pass &= await MeasureCallsAsync(Path.Combine(data, "calls"));
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

        Console.WriteLine(pass ? "PASS: every target met." : "FAIL: a target was missed (see above).");
        return pass ? 0 : 1;
    }

    private static async Task<bool> MeasureStoreAsync(string label, string data, string? tables)
    {
        var time = new FakeTimeProvider(Now);
        using var app = BuildApp(time, new FakeNetwork(new FakeHhApi(time), new FakeTelegramApi()), Path.Combine(data, label.Split(' ')[0]), tables, null);
        var store = app.Services.GetRequiredService<IVacancyStore>();
        await SeedAsync(store);
        var page = app.Services.GetRequiredService<VacanciesPage>();
        var export = app.Services.GetRequiredService<VacancyExport>();
        var defaults = new VacancyFilter(null, null, null, VacancyFilter.DefaultMonths);
        var year = defaults with { Months = 12 };

        var pageTimes = await TimeAsync(PageRuns, () => page.RenderAsync(defaults, [], null, default));
        var yearTimes = await TimeAsync(3, () => page.RenderAsync(year, [], null, default));
        var size = 0;
        var exportTimes = await TimeAsync(ExportRuns, async () => size = (await export.CsvAsync(default)).Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {Ms(Median(pageTimes))} / {Ms(pageTimes.Max())} | {Ms(Median(yearTimes))} | {Ms(Median(exportTimes))} / {Ms(exportTimes.Max())} | {size / 1024.0 / 1024.0:0.0} MB |"));
        return Median(pageTimes) < PageTarget && Median(exportTimes) < ExportTarget;
    }

    /// <summary>Three query sources with 300 matches each: a first run pages them all, then a run with nothing new.</summary>
    private static async Task<bool> MeasureCallsAsync(string data)
    {
        var time = new FakeTimeProvider(Now);
        var hh = new FakeHhApi(time);
        var rng = new Random(7);
        for (var i = 0; i < 900; i++)
        {
            var word = (i % 3) switch { 0 => "C#", 1 => "Go", _ => "Python" };
            hh.Search.Add((100_000 + i).ToString(CultureInfo.InvariantCulture), $"{word} developer {i}", Now.AddMinutes(-i), rng.Next(100, 300) * 1000, null);
        }

        using var app = BuildApp(time, new FakeNetwork(hh, new FakeTelegramApi()), data, null, "name=C#&text=C%23; name=Go&text=Go; name=Python&text=Python");
        var (access, refresh, expires) = hh.SeedTokens();
        await app.Services.GetRequiredService<ITokenVault>().WriteAsync(new HeadHunter.TokenSet(access, refresh, expires, Now), default);

        async Task<(WatchRun Run, int Calls)> RunOnceAsync()
        {
            var before = hh.Requests.Count(r => r.Uri.AbsolutePath == "/vacancies");
            await using var scope = app.Services.CreateAsyncScope();
            var run = await time.RunAsync(scope.ServiceProvider.GetRequiredService<VacancyWatchJob>().RunAsync("benchmark", default), TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1));
            return (run, hh.Requests.Count(r => r.Uri.AbsolutePath == "/vacancies") - before);
        }

        var first = await RunOnceAsync();
        time.Advance(TimeSpan.FromMinutes(30));
        var quiet = await RunOnceAsync();
        var calls = hh.Requests.Where(r => r.Uri.AbsolutePath == "/vacancies").Select(r => r.At).ToList();
        var minGap = calls.Zip(calls.Skip(1)).Min(p => p.Second - p.First);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hh.ru calls, 3 sources x 300 matches: first run {first.Calls} calls ({first.Run.New} new), run with nothing new {quiet.Calls} calls ({quiet.Run.New} new); smallest gap between calls {minGap.TotalMilliseconds:0} ms (fake time)."));
        return quiet.Calls == 3 && quiet.Run.New == 0 && minGap >= HhCallPacer.MinimumSpacing;
    }

    internal static async Task SeedAsync(IVacancyStore store)
    {
        var rng = new Random(20260302);
        var batch = new List<VacancyRecord>(1000);
        for (var i = 0; i < Stored; i++)
        {
            var firstSeen = Now.AddMinutes(-rng.Next(0, 365 * 24 * 60));
            decimal? from = rng.Next(4) == 0 ? null : rng.Next(60, 400) * 1000;
            decimal? to = rng.Next(3) == 0 ? null : (from ?? 100_000) + (rng.Next(0, 150) * 1000);
            var sources = rng.Next(5) == 0 ? new[] { Sources[rng.Next(3)], Sources[rng.Next(3)] }.Distinct().ToArray() : [Sources[rng.Next(3)]];
            batch.Add(new VacancyRecord(
                (90_000_000 + i).ToString(CultureInfo.InvariantCulture), $"Senior C# developer {i} (ASP.NET Core, \"Azure\")", "Employer " + rng.Next(2000), "Москва",
                from, to, "RUR", rng.Next(2) == 0, "От 3 до 6 лет", "Удаленная работа", "Полная занятость", firstSeen.AddMinutes(-rng.Next(600)),
                "https://hh.ru/vacancy/" + (90_000_000 + i).ToString(CultureInfo.InvariantCulture), rng.Next(10) == 0, rng.Next(10) == 0, rng.Next(8) == 0, sources, firstSeen, firstSeen.AddDays(rng.Next(20))));
            if (batch.Count == 1000)
            {
                await store.SaveAsync(batch, default);
                batch.Clear();
            }
        }
    }

    private static async Task<List<TimeSpan>> TimeAsync(int runs, Func<Task> action)
    {
        await action(); // warm-up: JIT, table creation, file cache
        var times = new List<TimeSpan>(runs);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await action();
            times.Add(Stopwatch.GetElapsedTime(started));
        }

        return times;
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    internal static WebApplication BuildApp(TimeProvider time, FakeNetwork network, string dataPath, string? tables, string? queries, IDictionary<string, string?>? more = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Benchmark", ContentRootPath = AppContext.BaseDirectory });
        var settings = new Dictionary<string, string?>
        {
            ["Data:Path"] = dataPath,
            ["Bump:StandaloneScheduler"] = "false",
            ["Search:StandaloneScheduler"] = "false",
            ["Search:Queries"] = queries,
            ["Storage:ConnectionString"] = tables,
            ["Storage:TablePrefix"] = "B" + Guid.NewGuid().ToString("N")[..12],
            ["HeadHunter:ClientId"] = FakeHhApi.ClientId,
            ["HeadHunter:ClientSecret"] = FakeHhApi.ClientSecret,
            ["HeadHunter:UserAgent"] = "HhFunctionsBenchmark/1.0 (bench@example.com)",
            ["Telegram:BotToken"] = FakeTelegramApi.BotToken,
            ["Telegram:ChatId"] = FakeTelegramApi.ChatId,
            ["Telegram:Polling"] = "false",
            ["App:PublicBaseUrl"] = "https://hhfunctions.example",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<IHttpMessageHandlerBuilderFilter>(new FakeNetworkFilter(network));
        builder.AddHhFunctions(AppHost.Standalone);
        builder.Services.AddInProcessQueues(); // as the standalone host does (never started here: sent messages stay in memory)
        return builder.Build();
    }

    /// <summary>Azurite's Table service for the Table-store figures: reused if something listens on 10002, else started.</summary>
    internal sealed class AzuriteProcess : IDisposable
    {
        private Process? _process;

        public bool Available { get; private set; }

        public string ConnectionString { get; private set; } = "UseDevelopmentStorage=true";

        public string Why { get; private set; } = string.Empty;

        public static async Task<AzuriteProcess> StartIfNeededAsync()
        {
            var result = new AzuriteProcess();
            if (Environment.GetEnvironmentVariable("HH_TEST_TABLES") is { Length: > 0 } tables)
            {
                result.ConnectionString = tables;
                result.Available = true;
                return result;
            }

            if (await PortOpenAsync())
            {
                result.Available = true;
                return result;
            }

            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HhFunctions.sln")))
            {
                dir = dir.Parent;
            }

            var azurite = dir is null ? null : Path.Combine(dir.FullName, "node_modules", ".bin", "azurite-table");
            if (azurite is null || !File.Exists(azurite))
            {
                result.Why = "nothing listens on 127.0.0.1:10002 and node_modules/.bin/azurite-table is missing (npm ci)";
                return result;
            }

            result._process = Process.Start(new ProcessStartInfo(azurite, "--tableHost 127.0.0.1 --tablePort 10002 --inMemoryPersistence --skipApiVersionCheck --disableTelemetry")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });

            // Its output is read and dropped: an unread pipe fills up and stalls Azurite.
            result._process!.OutputDataReceived += (_, _) => { };
            result._process.ErrorDataReceived += (_, _) => { };
            result._process.BeginOutputReadLine();
            result._process.BeginErrorReadLine();
            for (var i = 0; i < 100 && !await PortOpenAsync(); i++)
            {
                await Task.Delay(200);
            }

            result.Available = await PortOpenAsync();
            result.Why = result.Available ? string.Empty : "Azurite did not start listening within 20 s";
            return result;
        }

        public void Dispose()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }

            _process?.Dispose();
        }

        private static async Task<bool> PortOpenAsync()
        {
            using var client = new System.Net.Sockets.TcpClient();
            try
            {
                await client.ConnectAsync(System.Net.IPAddress.Loopback, 10002);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }
    }
}
