using System.Diagnostics;
using System.Globalization;
using System.Text;
using HhFunctions.HeadHunter;
using HhFunctions.Queues;
using HhFunctions.Recruiting;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Benchmarks;

/// <summary>
/// "recruiting" mode (issue 21): hh.ru responses into Bitrix24.
///  1. One simulated day on fake time, twice (Recruiting__AttachResume off and on): 20,000 responses to 20 vacancies
///     of the fake hh.ru employer side, 18,000 spread over the day by hour and 2,000 more in a 10-minute peak. Each
///     response's callback (built by the fake) goes through the app's webhook code into its in-process queue; the real
///     RecruitingEvents handler reads it from hh.ru (paced at Recruiting__HhCallsPerSecond), the drains that
///     CrmDrainScheduler books (Recruiting__MaxWriteDelay) run the real CRM writer against the fake portal with its
///     default bucket, and the reconcile job runs every 15 minutes as the standalone host runs it.
///  2. Over real HTTP, the standalone host as a process on a loopback port: 1,000 hh.ru-shaped callbacks at 50 a second,
///     the webhook's answer time.
/// Figures come from what the fakes and the app's store recorded; nothing is estimated.
/// </summary>
internal static class RecruitingBenchmark
{
    private const int Responses = 20_000;
    private const int PeakResponses = 2_000;
    private const int Vacancies = 20;
    private const string WebhookKey = "bench-webhook-key_0123456789abcdefghijklmnop";
    private const double RequestsGoalWithoutPdf = 0.3;
    private const double RequestsGoalWithPdf = 1.2;
    private const double ThroughputGoal = 0.9;
    private const int BatchCommands = 50;
    private static readonly TimeSpan PeakLength = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxWriteDelay = TimeSpan.FromSeconds(20);

    /// <summary>00:00 Moscow time (UTC+3) on a working day.</summary>
    private static readonly DateTimeOffset DayStart = new(2026, 3, 2, 21, 0, 0, TimeSpan.Zero);

    /// <summary>The peak: 11:00-11:10 Moscow time.</summary>
    private static readonly DateTimeOffset PeakStart = DayStart.AddHours(11);

    /// <summary>Relative share of the day's other responses per Moscow hour (night quiet, office hours busy).</summary>
    private static readonly int[] HourWeights = [1, 1, 1, 1, 1, 1, 2, 3, 6, 8, 8, 8, 8, 8, 8, 8, 8, 6, 5, 4, 3, 2, 2, 1];

    /// <summary><paramref name="parts"/>: any of "nopdf", "pdf", "webhook" to run only those (all three when none is named).</summary>
    public static async Task<int> RunAsync(IReadOnlyCollection<string> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        bool Runs(string part) => parts.Count == 0 || parts.Contains(part, StringComparer.OrdinalIgnoreCase);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Recruiting benchmark: {Responses:N0} hh.ru responses in one simulated day ({PeakResponses:N0} of them in a {PeakLength.TotalMinutes:0}-minute peak at 11:00 Moscow time, the rest by hour), {Vacancies} vacancies, every candidate a different person; fake portal with the default bucket (Burst 50, 2 requests/s), Recruiting__HhCallsPerSecond 3, Recruiting__MaxWriteDelay {MaxWriteDelay.TotalSeconds:0} s, reconcile every 15 minutes."));
        Console.WriteLine();

        var results = new List<DayResult>();
        foreach (var attach in new[] { false, true }.Where(a => Runs(a ? "pdf" : "nopdf")))
        {
            DayResult? result = null;
            Exception? failure = null;

            // SimulatedTime.Drive must run outside the thread pool (it waits for the pool to go idle).
            var thread = new Thread(() =>
            {
                try
                {
                    result = SimulateDay(attach);
                }
                catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
                {
                    failure = ex;
                }
            });
            thread.Start();
            thread.Join();
            if (result is null)
            {
                Console.WriteLine($"FAIL: the simulated day (AttachResume={attach}) did not finish: {failure?.Message}");
                return 1;
            }

            results.Add(result);
        }

        var pass = results.Count == 0 || PrintDays(results);
        if (Runs("webhook"))
        {
            Console.WriteLine();
            pass &= await WebhookLoad.RunAsync();
        }

        Console.WriteLine();
        Console.WriteLine(pass ? "PASS: every goal met." : "FAIL: a goal was missed (see above).");
        return pass ? 0 : 1;
    }

    // ---------------------------------------------------------------- the simulated day

    private sealed record Arrival(int Index, DateTimeOffset At, bool Peak);

    private sealed record DayResult(
        bool AttachResume,
        int Responses,
        int Written,
        int DistinctLeads,
        int PdfComments,
        int Duplicates,
        int WebhookNot202,
        long PortalRequests,
        IReadOnlyDictionary<string, int> PortalByMethod,
        long RateLimited,
        int HhReads,
        int HhDownloads,
        int HhReconcile,
        int HhOther,
        double Ceiling,
        string CeilingText,
        double PeakThroughput,
        TimeSpan DrainFromPeakStart,
        TimeSpan DrainFromPeakEnd,
        TimeSpan OffPeakRecordP50,
        TimeSpan OffPeakRecordP99,
        TimeSpan OffPeakDoneP50,
        TimeSpan OffPeakDoneP99,
        TimeSpan RealTime,
        long Jumps)
    {
        public double RequestsPerResponse => PortalRequests / (double)Responses;

        public double RequestsGoal => AttachResume ? RequestsGoalWithPdf : RequestsGoalWithoutPdf;

        public double Ratio => PeakThroughput / Ceiling;

        public string Label => AttachResume ? "with the PDF (AttachResume=true)" : "without the PDF (AttachResume=false)";
    }

    private static List<Arrival> Arrivals()
    {
        var rng = new Random(21);
        var times = new List<(DateTimeOffset At, bool Peak)>(Responses);
        for (var i = 0; i < PeakResponses; i++)
        {
            times.Add((PeakStart + TimeSpan.FromSeconds(rng.NextDouble() * PeakLength.TotalSeconds), true));
        }

        var total = HourWeights.Sum();
        for (var i = 0; i < Responses - PeakResponses; i++)
        {
            var pick = rng.Next(total);
            var hour = 0;
            while (pick >= HourWeights[hour])
            {
                pick -= HourWeights[hour++];
            }

            times.Add((DayStart + TimeSpan.FromHours(hour + rng.NextDouble()), false));
        }

        return [.. times.OrderBy(t => t.At).Select((t, i) => new Arrival(i, t.At, t.Peak))];
    }

    private static DayResult SimulateDay(bool attachResume)
    {
        var started = Stopwatch.GetTimestamp();
        var clock = new FakeTimeProvider(DayStart - TimeSpan.FromMinutes(5));
        var time = new SimulatedTime(clock);
        var hh = new FakeHhApi(clock) { IsEmployer = true };
        var portal = new FakeBitrix24Portal(clock);
        // The store's files in memory when the machine has a RAM disk: fake time does not move while the app works,
        // so the medium changes only how long the run takes, never a figure.
        var data = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "hhfunctions-bench-recruiting-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var app = VacancyBenchmark.BuildApp(time, new FakeNetwork(hh, new FakeTelegramApi()) { Bitrix24 = portal }, data, null, null, new Dictionary<string, string?>
            {
                ["Bitrix24:WebhookUrl"] = FakeBitrix24Portal.WebhookUrl.AbsoluteUri,
                ["Recruiting:WebhookKey"] = WebhookKey,
                ["Recruiting:StandaloneScheduler"] = "false", // the scenario runs the reconcile job on the same 15-minute schedule
                ["Recruiting:AttachResume"] = attachResume ? "true" : "false",
                ["Recruiting:HhCallsPerSecond"] = "3",
                ["Recruiting:MaxWriteDelay"] = MaxWriteDelay.ToString(),
            });
            var arrivals = Arrivals();
            var day = new Day(app, time, hh, portal, arrivals, attachResume);
            var webhookNot202 = time.Drive(day.RunAsync(), TimeSpan.FromMinutes(10), quick: true);
            var done = time.Drive(day.DoneTimesAsync(), TimeSpan.FromMinutes(2), quick: true);
            return Measure(attachResume, arrivals, done, webhookNot202, hh, portal, Stopwatch.GetElapsedTime(started), time.Jumps);
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

    /// <summary>The day itself, run on fake time: the account connected, the callbacks at their moments, the reconcile runs, until every response is in the CRM.</summary>
    private sealed class Day(WebApplication app, SimulatedTime time, FakeHhApi hh, FakeBitrix24Portal portal, List<Arrival> arrivals, bool attachResume)
    {
        private readonly List<string> _topics = new(arrivals.Count);

        public IServiceProvider Services => app.Services;

        public async Task<int> RunAsync()
        {
            var employer = hh.Employer;
            for (var v = 0; v < Vacancies; v++)
            {
                employer.AddVacancy("v" + (v + 1).ToString(CultureInfo.InvariantCulture), "Vacancy " + (v + 1).ToString(CultureInfo.InvariantCulture));
            }

            await ConnectEmployerAsync();
            var queues = Services.GetRequiredService<InProcessQueues>();
            await queues.StartAsync(default);
            using var stop = new CancellationTokenSource();
            var reconcile = ReconcileEveryQuarterAsync(stop.Token);

            var rng = new Random(22);
            var not202 = 0;
            foreach (var arrival in arrivals)
            {
                if (arrival.At - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time);
                }

                var n = arrival.Index;
                var resume = employer.AddResume("r" + n.ToString(CultureInfo.InvariantCulture), "Name" + n.ToString(CultureInfo.InvariantCulture), "Surname" + n.ToString(CultureInfo.InvariantCulture), "owner-" + n.ToString(CultureInfo.InvariantCulture));
                var digits = (1_000_000 + n).ToString(CultureInfo.InvariantCulture);
                resume.Phone = new FakePhone("7", "916", $"{digits[..3]}-{digits[3..5]}-{digits[5..]}");
                resume.Email = "c" + n.ToString(CultureInfo.InvariantCulture) + "@example.com";
                var topic = employer.AddResponse("v" + rng.Next(1, Vacancies + 1).ToString(CultureInfo.InvariantCulture), resume.Id);
                _topics.Add(topic.Id);
                var callback = employer.Callbacks[^1];
                if (callback.TopicId != topic.Id || await PostCallbackAsync(callback.Body) != StatusCodes.Status202Accepted)
                {
                    not202++;
                }
            }

            // Every response in the CRM (and its PDF), looked at every 10 s of fake time, for at most a day more.
            var deadline = time.GetUtcNow().AddDays(1);
            while (!AllIn() && time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), time);
            }

            await stop.CancelAsync();
            await reconcile;
            await queues.StopAsync(default);
            return not202;
        }

        /// <summary>
        /// When each response's record was written, and when it was done (the record, and its PDF attached when on),
        /// from the app's own store; null when never.
        /// </summary>
        public async Task<List<(DateTimeOffset? Written, DateTimeOffset? Done)>> DoneTimesAsync()
        {
            var store = Services.GetRequiredService<IRecruitingStore>();
            var done = new List<(DateTimeOffset?, DateTimeOffset?)>(_topics.Count);
            foreach (var id in _topics)
            {
                var t = await store.GetTopicAsync(id, default);
                var written = t is { Status: TopicStatus.Written } ? t.WrittenAt : null;
                done.Add((written, t switch
                {
                    { Status: TopicStatus.Written, PdfPending: false, PdfCommentId: not null } when attachResume => t.UpdatedAt, // the PDF's comment is the last change
                    { Status: TopicStatus.Written } when !attachResume => written,
                    _ => null,
                }));
            }

            return done;
        }

        private bool AllIn() =>
            portal.Count(CrmRecords.LeadType) >= _topics.Count && (!attachResume || portal.Comments.Count(c => c.Files.Count > 0) >= _topics.Count);

        private async Task ConnectEmployerAsync()
        {
            var now = time.GetUtcNow();
            var (access, refresh, expires) = hh.SeedTokens(TimeSpan.FromDays(14));
            var tokens = new HeadHunter.TokenSet(access, refresh, expires, now);
            await Services.GetRequiredService<ITokenVault>().WriteAsync(tokens, default);
            await Services.GetRequiredService<IStateStore>().UpdateAccountAsync(a => a with
            {
                Status = AccountStatus.Connected,
                Kind = AccountKind.Employer,
                EmployerId = hh.Employer.EmployerId,
                ManagerId = hh.Employer.ManagerId,
                HhUserId = FakeHhApi.UserId,
                DisplayName = "Benchmark HR",
                ConnectedAt = now,
                TokenExpiresAt = tokens.ExpiresAt,
                TokenFingerprint = tokens.Fingerprint,
                UpdatedAt = now,
            }, default);
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<SubscriptionKeeper>().EnsureAsync(default);
        }

        /// <summary>hh.ru's callback into the app's webhook code (in process: the HTTP side is measured on its own).</summary>
        private async Task<int> PostCallbackAsync(string body)
        {
            await using var scope = Services.CreateAsyncScope();
            var bytes = Encoding.UTF8.GetBytes(body);
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            context.Request.Method = "POST";
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
            context.Request.RouteValues["key"] = WebhookKey;
            var result = await scope.ServiceProvider.GetRequiredService<RecruitingEndpoints>().WebhookAsync(context.Request, default);
            return (result as IStatusCodeHttpResult)?.StatusCode ?? 0;
        }

        /// <summary>ReconcileResponses at :00, :15, :30 and :45, as the standalone host's schedule runs it.</summary>
        private async Task ReconcileEveryQuarterAsync(CancellationToken stop)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var now = time.GetUtcNow();
                    var next = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute / 15 * 15, 0, TimeSpan.Zero).AddMinutes(15);
                    await Task.Delay(next - now, time, stop);
                    await using var scope = Services.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<ReconcileJob>().RunAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    private static DayResult Measure(bool attach, List<Arrival> arrivals, List<(DateTimeOffset? Written, DateTimeOffset? Done)> times, int webhookNot202, FakeHhApi hh, FakeBitrix24Portal portal, TimeSpan realTime, long jumps)
    {
        var done = times.Select(t => t.Done).ToList();
        var leads = portal.Items(CrmRecords.LeadType);
        var origins = leads.Select(l => l["originId"]?.ToString()).Where(o => o is not null).ToHashSet(StringComparer.Ordinal);
        var byMethod = portal.Requests.GroupBy(r => r.Method, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        var calls = hh.Employer.Calls;
        int Calls(params string[] endpoints) => endpoints.Sum(hh.Employer.CallsTo);
        var reads = Calls("GET /negotiations/{id}", "GET /resumes/{id}");
        var downloads = Calls("GET /resumes/{id}/download/{file}", "GET /api_resume_converter/{id}/download/{file}");
        var reconcile = Calls("GET /employers/{id}/vacancies/active", "GET /negotiations", "GET /negotiations/{collection}");
        var other = calls.Values.Sum() - reads - downloads - reconcile;

        // The ceiling the two rate limits allow, in responses per second.
        // hh.ru: Recruiting__HhCallsPerSecond (3), but the app never calls hh.ru closer than 0.35 s apart (the rule that
        // protects the account), so 2.86 calls a second is the most that can go out.
        var hhRate = Math.Min(3.0, 1 / HhCallPacer.MinimumSpacing.TotalSeconds);
        var hhPerResponse = attach ? 3 : 2;
        var hhCeiling = hhRate / hhPerResponse;
        var portalPerResponse = (1.0 / BatchCommands) + (attach ? 1 : 0);
        var portalCeiling = 2.0 / portalPerResponse;
        var ceiling = Math.Min(hhCeiling, portalCeiling);
        var ceilingText = string.Create(CultureInfo.InvariantCulture,
            $"hh.ru {hhRate:0.00} calls/s (3 configured, 0.35 s apart at least) / {hhPerResponse} calls per response ({(attach ? "negotiation + resume + PDF" : "negotiation + resume")}) = {hhCeiling:0.00}/s; Bitrix24 2 requests/s / {portalPerResponse:0.00} requests per response ({(attach ? "its PDF comment alone + 1/50 of a batch" : "1/50 of a batch")}) = {portalCeiling:0.00}/s; ceiling {ceiling:0.00} responses/s ({(hhCeiling <= portalCeiling ? "hh.ru" : "Bitrix24")}-bound)");

        // The peak backlog: from the peak's start until the last response that arrived in the peak is done.
        var peakDone = arrivals.Where(a => a.Peak).Select(a => done[a.Index]).ToList();
        var lastPeakDone = peakDone.All(d => d is not null) ? peakDone.Max() : null;
        var drainFromStart = lastPeakDone is { } l ? l - PeakStart : TimeSpan.MaxValue;
        var doneInWindow = lastPeakDone is { } end ? done.Count(d => d is { } t && t >= PeakStart && t <= end) : 0;
        var throughput = lastPeakDone is null ? 0 : doneInWindow / drainFromStart.TotalSeconds;

        // Off-peak: arrival to the record in the CRM, and to done (with its PDF), outside the peak backlog.
        var offPeak = arrivals.Where(a => !a.Peak && (a.At < PeakStart || lastPeakDone is null || a.At > lastPeakDone) && done[a.Index] is not null).ToList();
        var toRecord = offPeak.Select(a => times[a.Index].Written!.Value - a.At).Order().ToList();
        var toDone = offPeak.Select(a => done[a.Index]!.Value - a.At).Order().ToList();

        return new DayResult(
            attach,
            arrivals.Count,
            done.Count(d => d is not null),
            origins.Count,
            portal.Comments.Count(c => c.Files.Count > 0),
            portal.DuplicateOrigins(CrmRecords.LeadType).Count,
            webhookNot202,
            portal.HttpRequests,
            byMethod,
            portal.RateLimitedRequests,
            reads,
            downloads,
            reconcile,
            other,
            ceiling,
            ceilingText,
            throughput,
            drainFromStart,
            drainFromStart == TimeSpan.MaxValue ? TimeSpan.MaxValue : drainFromStart - PeakLength,
            Percentile(toRecord, 0.50),
            Percentile(toRecord, 0.99),
            Percentile(toDone, 0.50),
            Percentile(toDone, 0.99),
            realTime,
            jumps);
    }

    private static bool PrintDays(List<DayResult> results)
    {
        Console.WriteLine("| configuration | responses | in Bitrix24 (written / leads by ORIGIN_ID / PDF comments) | duplicates | Bitrix24 HTTP requests | per response | 503s | hh.ru calls: reads / PDFs / reconcile / other | peak throughput | ceiling | ratio | peak backlog drained | off-peak arrival→record in CRM p50 / p99 | off-peak arrival→PDF attached p50 / p99 | real time (fake-time jumps) |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---|---|---|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Label} | {r.Responses:N0} | {r.Written:N0} / {r.DistinctLeads:N0} / {(r.AttachResume ? r.PdfComments.ToString("N0", CultureInfo.InvariantCulture) : "-")} | {r.Duplicates} | {r.PortalRequests:N0} | {r.RequestsPerResponse:0.000} | {r.RateLimited} | {r.HhReads:N0} / {r.HhDownloads:N0} / {r.HhReconcile:N0} / {r.HhOther:N0} | {r.PeakThroughput:0.000}/s | {r.Ceiling:0.00}/s | {r.Ratio:0.000} | {Minutes(r.DrainFromPeakStart)} after the peak began ({Minutes(r.DrainFromPeakEnd)} after it ended) | {r.OffPeakRecordP50.TotalSeconds:0} s / {r.OffPeakRecordP99.TotalSeconds:0} s | {(r.AttachResume ? $"{r.OffPeakDoneP50.TotalSeconds:0} s / {r.OffPeakDoneP99.TotalSeconds:0} s" : "-")} | {r.RealTime.TotalSeconds:0} s ({r.Jumps:N0}) |"));
        }

        Console.WriteLine();
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Label}: Bitrix24 requests by method: {string.Join(", ", r.PortalByMethod.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:N0}"))}."));
            Console.WriteLine($"  ceiling: {r.CeilingText}.");
        }

        Console.WriteLine("peak throughput: responses done (in Bitrix24, with their PDF when on) from the peak's start until the last peak response was done, divided by that time; the peak arrives faster (3.3/s) than either ceiling, so the app runs flat out all along. The Bitrix24 burst (50) is left aside: over a backlog of many minutes it adds under 1%.");
        Console.WriteLine();

        var pass = true;
        foreach (var r in results)
        {
            var synced = r.Written == r.Responses && r.DistinctLeads == r.Responses && (!r.AttachResume || r.PdfComments == r.Responses) && r.WebhookNot202 == 0;
            pass &= Verdict(synced, $"{r.Label}: all synced: {r.Written:N0} of {r.Responses:N0} responses written ({r.DistinctLeads:N0} leads by ORIGIN_ID{(r.AttachResume ? $", {r.PdfComments:N0} PDF comments" : string.Empty)}); callbacks not answered 202: {r.WebhookNot202}.");
            pass &= Verdict(r.Duplicates == 0, $"{r.Label}: duplicates {r.Duplicates} (goal 0).");
            pass &= Verdict(r.RequestsPerResponse <= r.RequestsGoal, string.Create(CultureInfo.InvariantCulture, $"{r.Label}: Bitrix24 HTTP requests per response {r.RequestsPerResponse:0.000} (goal <= {r.RequestsGoal:0.0})."));
            pass &= Verdict(r.Ratio >= ThroughputGoal, string.Create(CultureInfo.InvariantCulture, $"{r.Label}: peak throughput {r.PeakThroughput:0.000} responses/s = {r.Ratio:0.000} of the {r.Ceiling:0.00}/s ceiling (goal >= {ThroughputGoal:0.0}); the peak backlog drained {Minutes(r.DrainFromPeakStart)} after the peak began."));
        }

        return pass;
    }

    internal static bool Verdict(bool pass, string text)
    {
        Console.WriteLine((pass ? "PASS: " : "FAIL: ") + text);
        return pass;
    }

    private static string Minutes(TimeSpan t) => t == TimeSpan.MaxValue ? "never" : t.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture) + " min";

    internal static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
