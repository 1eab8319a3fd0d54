using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HhFunctions.Testing;

namespace HhFunctions.Benchmarks;

/// <summary>
/// The recruiting webhook over real HTTP: the standalone host (the build's HhFunctions.Standalone.dll) started as a
/// process on a free loopback port, with its own data folder, a webhook key and a Bitrix24 address nothing answers at
/// (the webhook only queues). hh.ru-shaped callbacks, made by the fake hh.ru employer side with unique ids, are POSTed
/// open-loop at <see cref="PerSecond"/> a second (each on its own schedule, whatever the earlier ones do); the time to
/// each full answer is measured on the client (wall clock, this machine).
/// </summary>
internal static class WebhookLoad
{
    private const int Callbacks = 1_000;
    private const int WarmUp = 20;
    private const int PerSecond = 50;
    private const string Key = "bench-webhook-key_0123456789abcdefghijklmnop";
    private static readonly TimeSpan P99Goal = TimeSpan.FromMilliseconds(100);

    public static async Task<bool> RunAsync()
    {
        var port = FreePort();
        var data = Path.Combine(Path.GetTempPath(), "hhfunctions-bench-webhook-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var output = new StringBuilder();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "HhFunctions.Standalone.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data,
        };
        start.Environment["Data__Path"] = data;
        start.Environment["Recruiting__WebhookKey"] = Key;
        start.Environment["Bitrix24__WebhookUrl"] = "http://127.0.0.1:9/rest/1/nothinganswershere/";
        start.Environment["Bump__StandaloneScheduler"] = "false";
        start.Environment["Search__StandaloneScheduler"] = "false";
        start.Environment["Telegram__Polling"] = "false";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseUri = new Uri($"http://127.0.0.1:{port}/");
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
            var startedAt = Stopwatch.GetTimestamp();
            if (!await ReadyAsync(http, process))
            {
                Console.WriteLine("FAIL: webhook: the standalone host did not answer /api/status within 60 s. Its output:");
                Console.WriteLine(Tail(output));
                return false;
            }

            var ready = Stopwatch.GetElapsedTime(startedAt);
            var webhook = new Uri($"api/hh/webhook/{Key}", UriKind.Relative);
            var bodies = CallbackBodies(new Uri(baseUri, webhook), WarmUp + Callbacks);

            // A few callbacks one by one first (JIT, the data folder's files): not counted, shown apart.
            var warm = new List<(int Status, TimeSpan Time)>();
            for (var i = 0; i < WarmUp; i++)
            {
                warm.Add(await PostAsync(http, webhook, bodies[i]));
            }

            var sends = new Task<(int Status, TimeSpan Time)>[Callbacks];
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < Callbacks; i++)
            {
                var due = TimeSpan.FromSeconds(i / (double)PerSecond);
                if (due - Stopwatch.GetElapsedTime(t0) is var wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                sends[i] = PostAsync(http, webhook, bodies[WarmUp + i]);
            }

            var sentOver = Stopwatch.GetElapsedTime(t0);
            var results = await Task.WhenAll(sends);
            var times = results.Select(r => r.Time).Order().ToList();
            var statuses = results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}");
            var all202 = results.All(r => r.Status == (int)HttpStatusCode.Accepted) && warm.All(r => r.Status == (int)HttpStatusCode.Accepted);
            var p50 = RecruitingBenchmark.Percentile(times, 0.50);
            var p99 = RecruitingBenchmark.Percentile(times, 0.99);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Webhook over real HTTP (standalone host as a process on 127.0.0.1, ready {ready.TotalSeconds:0.0} s after start; client and host on this machine): {Callbacks:N0} callbacks with unique ids sent over {sentOver.TotalSeconds:0.0} s ({Callbacks / sentOver.TotalSeconds:0.0}/s), after {WarmUp} one by one to warm up (slowest of those {Ms(warm.Max(w => w.Time))})."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| webhook answers | p50 | p90 | p99 | max | statuses |"));
            Console.WriteLine("|---|---:|---:|---:|---:|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Callbacks:N0} at {PerSecond}/s | {Ms(p50)} | {Ms(RecruitingBenchmark.Percentile(times, 0.90))} | {Ms(p99)} | {Ms(times[^1])} | {string.Join(", ", statuses)} |"));
            var pass = RecruitingBenchmark.Verdict(all202, $"webhook: every answer 202 ({(all202 ? "yes" : "no: " + string.Join(", ", statuses))}).");
            pass &= RecruitingBenchmark.Verdict(p99 <= P99Goal, string.Create(CultureInfo.InvariantCulture, $"webhook: answer time p50 {Ms(p50)}, p99 {Ms(p99)} at {PerSecond} callbacks/s (goal p99 <= {P99Goal.TotalMilliseconds:0} ms)."));
            return pass;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>hh.ru-shaped callbacks as the fake employer side builds them (one response each, ids unique), for a subscription at <paramref name="url"/>.</summary>
    private static List<string> CallbackBodies(Uri url, int count)
    {
        var hh = new FakeHhApi(FakeClock.Create()) { IsEmployer = true };
        var employer = hh.Employer;
        employer.AddVacancy("v1", "C# developer");
        employer.Subscribe(url, FakeHhEmployer.NewResponseOrInvitation);
        for (var i = 0; i < count; i++)
        {
            var id = "r" + i.ToString(CultureInfo.InvariantCulture);
            employer.AddResume(id);
            employer.AddResponse("v1", id);
        }

        var bodies = employer.Callbacks.Select(c => c.Body).ToList();
        if (bodies.Count != count || employer.Callbacks.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count() != count)
        {
            throw new InvalidOperationException($"Expected {count} callbacks with unique ids, the fake made {bodies.Count}.");
        }

        return bodies;
    }

    private static async Task<(int Status, TimeSpan Time)> PostAsync(HttpClient http, Uri webhook, string body)
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(webhook, content);
        await response.Content.ReadAsByteArrayAsync();
        return ((int)response.StatusCode, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<bool> ReadyAsync(HttpClient http, Process process)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("api/status", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Tail(StringBuilder output)
    {
        lock (output)
        {
            var lines = output.ToString().Split('\n');
            return string.Join('\n', lines.TakeLast(40));
        }
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
