using System.Globalization;
using System.Net;
using HhFunctions.Recruiting;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Recruiting;
using Microsoft.Extensions.Logging.Testing;
using Xunit.Abstractions;

namespace HhFunctions.Tests.Reliability;

/// <summary>
/// The recruiting fault matrix: the whole app (webhook route, events handler, CRM writer, reconcile run) between the
/// fake hh.ru employer side and the fake Bitrix24 portal, with one fault injected per case: Bitrix24 503 bursts and a
/// full bucket, 500, a hang past the attempt timeout, an answer lost after the add; hh.ru 500 / 403 / 429 on the
/// negotiation and resume reads; duplicate, out-of-order and lost callbacks; two app instances on one portal. Each case
/// runs the app as it runs for real (callbacks delivered and re-sent, events handled with the queue's retries, the
/// drain retried every minute, a reconcile run now and then) until the fault is over, then checks: duplicates 0 (no
/// origin carried by two leads, deals or contacts) and responses lost 0 (every response on hh.ru is in the CRM), and
/// that no log holds a secret (the Bitrix24 webhook, the callback key, hh.ru tokens) or a candidate's name, phone or
/// e-mail.
/// </summary>
public sealed class RecruitingFaultMatrixTests(ITestOutputHelper output)
{
    private const int Responses = 6;

    /// <summary>Rounds of one fake minute each; a reconcile run every <see cref="ReconcileEvery"/>th.</summary>
    private const int MaxRounds = 40;

    private const int ReconcileEvery = 5;

    private static readonly string[] FirstNames = ["Yevdokia", "Agrafena", "Feoktist", "Akulina", "Prokhor", "Glafira", "Ermolai", "Vassilissa"];
    private static readonly string[] LastNames = ["Zabolotskaya", "Kudryavtseva", "Podberyozkin", "Shchukina", "Tarakanov", "Vyazemskaya", "Ostapchuk", "Rumyantseva"];

    public static TheoryData<string> Cases => new()
    {
        "Bitrix24 503 burst within the client's retries",
        "Bitrix24 503 burst longer than the client's retries",
        "Bitrix24 bucket filled by other apps",
        "Bitrix24 500 on the write batch",
        "Bitrix24 500 on every call for 10 minutes",
        "Bitrix24 hangs past the attempt timeout",
        "Bitrix24 answer lost after the add",
        "Bitrix24 answer lost after the add, twice in a row",
        "Bitrix24 answer lost after the add (deal mode)",
        "hh.ru 500 on the negotiation read",
        "hh.ru 500 on the negotiation read, longer than every retry",
        "hh.ru 500 on the resume read, longer than every retry",
        "hh.ru HTML 403 on the negotiation read",
        "hh.ru 403 captcha on the resume read",
        "hh.ru 429 on the negotiation read",
        "hh.ru 429 on the resume read",
        "duplicate callbacks",
        "out-of-order callbacks (newest first, a stage change before its response)",
        "lost callbacks (webhooks off; the reconcile run)",
        "two app instances on one portal",
        "two app instances on one portal (Table storage)",
        "two app instances on one portal, an answer lost after the add",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fault_NoResponseWrittenTwice_NoneLost_LogsClean(string fault)
    {
        // Arrange
        var settings = new Dictionary<string, string?>();
        if (fault.Contains("deal mode", StringComparison.Ordinal))
        {
            settings["Bitrix24:Entity"] = "deal";
        }

        if (fault.Contains("Table storage", StringComparison.Ordinal))
        {
            settings["Storage:ConnectionString"] = Azurite.ConnectionString;
            settings["Storage:TablePrefix"] = Azurite.NewPrefix();
        }

        using var kit = RecruitingKit.Create(settings);
        using var sibling = fault.StartsWith("two app instances", StringComparison.Ordinal) ? kit.Sibling() : null;
        RecruitingKit[] instances = sibling is null ? [kit] : [kit, sibling];
        await kit.ConnectEmployerAccountAsync();
        kit.Employer.AddVacancy("v1", "C# developer");
        Inject(kit, fault, before: true);
        var people = Enumerable.Range(0, Responses).Select(i => AddResponse(kit, i)).ToList();
        if (fault.StartsWith("out-of-order", StringComparison.Ordinal))
        {
            kit.Employer.ChangeEmployerState(people[0].TopicId, "interview");
        }

        Inject(kit, fault, before: false);

        // Act: the app runs until everything has settled (the faults are scripted to end).
        var pages = new List<string>();
        var rounds = await RunUntilSettledAsync(instances, people, twiceOnQueue: sibling is not null, pages);

        // Assert
        var entity = fault.Contains("deal mode", StringComparison.Ordinal) ? CrmRecords.DealType : CrmRecords.LeadType;
        var duplicates = kit.Portal.DuplicateOrigins(CrmRecords.LeadType).Count + kit.Portal.DuplicateOrigins(CrmRecords.DealType).Count
            + kit.Portal.DuplicateOrigins(CrmRecords.ContactType).Count;
        var lost = 0;
        foreach (var person in people)
        {
            var topic = await kit.TopicAsync(person.TopicId);
            if (kit.Portal.CountByOrigin(entity, person.TopicId) == 0 || topic?.Status != TopicStatus.Written)
            {
                lost++;
            }
        }

        var records = kit.Portal.Count(entity);
        var extra = fault.StartsWith("out-of-order", StringComparison.Ordinal) && (await kit.TopicAsync(people[0].TopicId))?.HhStage != "interview"
            ? "; the stage change was lost"
            : string.Empty;
        var survived = duplicates == 0 && lost == 0 && records == Responses && extra.Length == 0;
        var seen = FaultSeen(kit, fault);
        var detail = $"responses {Responses}, written {records}, duplicates {duplicates}, lost {lost}, rounds {rounds}, Bitrix24 requests {kit.Portal.HttpRequests}, hh.ru requests {kit.App.Hh.Requests.Count}{extra}";
        output.WriteLine($"{fault}: {detail}");
        ReliabilityLedger.Record(LedgerKind.Recruiting, "recruiting: " + fault, survived, 0, detail);

        var leaks = Leaks(instances, people, pages);
        ReliabilityLedger.Record(LedgerKind.Secrets, "recruiting logs: " + fault, leaks.Count == 0, 0,
            leaks.Count == 0 ? $"no secret or candidate data in {pages.Count} status pages, the Telegram messages or the logs" : "leaks: " + string.Join(", ", leaks));

        Assert.True(seen, $"{fault}: the fault never happened (faults left: hh.ru {kit.App.Hh.FaultsLeft}, Bitrix24 {kit.Portal.FaultsLeft})");
        Assert.Equal(0, duplicates);
        Assert.Equal(0, lost);
        Assert.Equal(Responses, records);
        Assert.Equal(string.Empty, extra);
        Assert.Contains(pages, p => p.Contains("Recruiting (hh.ru", StringComparison.Ordinal)); // the pages checked are the real ones
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    /// <summary>A candidate with a name, phone and e-mail of their own (so no two responses are "the same person").</summary>
    private static Candidate AddResponse(RecruitingKit kit, int i)
    {
        var resume = kit.Employer.AddResume("r" + i.ToString(CultureInfo.InvariantCulture), FirstNames[i], LastNames[i], "owner-" + i.ToString(CultureInfo.InvariantCulture));
        resume.Phone = new FakePhone("7", "903", $"76{i}-43-2{i}");
        resume.Email = $"{FirstNames[i].ToLowerInvariant()}.{i}@example.net";
        var topic = kit.Employer.AddResponse("v1", resume.Id);
        return RecruitingKit.Person(topic.Id, FirstNames[i], LastNames[i], $"+790376{i}432{i}", resume.Email);
    }

    private static void Inject(RecruitingKit kit, string fault, bool before)
    {
        var portal = kit.Portal;
        var hh = kit.App.Hh;
        static HttpResponseMessage Hh500() => FakeHhApi.Json(HttpStatusCode.InternalServerError, """{"errors":[{"type":"internal_error"}]}""");
        static HttpResponseMessage Hh429() => FakeHhApi.Errors(HttpStatusCode.TooManyRequests, "too_many_requests");
        if (before)
        {
            // hh.ru's delivery switches apply when a callback is made.
            switch (fault)
            {
                case "duplicate callbacks":
                    kit.Employer.DuplicateCallbacks = true;
                    break;
                case not null when fault.StartsWith("two app instances", StringComparison.Ordinal):
                    kit.Employer.DuplicateCallbacks = true; // the two copies reach different instances
                    break;
                case "lost callbacks (webhooks off; the reconcile run)":
                    kit.Employer.DropCallbacks = true;
                    break;
                case "out-of-order callbacks (newest first, a stage change before its response)":
                    kit.Employer.DeliverNewestFirst = true;
                    break;
            }

            return;
        }

        switch (fault)
        {
            case "Bitrix24 503 burst within the client's retries":
                portal.Fail("*", Bitrix24Fault.QueryLimit, 3);
                break;
            case "Bitrix24 503 burst longer than the client's retries":
                portal.Fail("*", Bitrix24Fault.QueryLimit, 12);
                break;
            case "Bitrix24 bucket filled by other apps":
                portal.FillBucket(portal.Burst + 150);
                break;
            case "Bitrix24 500 on the write batch":
                portal.Fail("batch", Bitrix24Fault.ServerError);
                break;
            case "Bitrix24 500 on every call for 10 minutes":
                portal.Fail("*", Bitrix24Fault.ServerError, 10); // each drain stops at its first failure, one drain a minute
                break;
            case "Bitrix24 hangs past the attempt timeout":
                portal.Fail("batch", Bitrix24Fault.Hang, 2);
                break;
            case "Bitrix24 answer lost after the add":
            case "Bitrix24 answer lost after the add (deal mode)":
            case "two app instances on one portal, an answer lost after the add":
                portal.Fail("batch", Bitrix24Fault.AnswerLostAfterDone);
                break;
            case "Bitrix24 answer lost after the add, twice in a row":
                portal.Fail("batch", Bitrix24Fault.AnswerLostAfterDone, 2); // the second: the look-up's answer
                break;
            case "hh.ru 500 on the negotiation read":
                hh.Fail("negotiations/", Hh500, 2);
                break;
            case "hh.ru 500 on the negotiation read, longer than every retry":
                hh.Fail("negotiations/", Hh500, 20);
                break;
            case "hh.ru 500 on the resume read, longer than every retry":
                hh.Fail("resumes/", Hh500, 20);
                break;
            case "hh.ru HTML 403 on the negotiation read":
                hh.Fail("negotiations/", () => FakeHhApi.Html(HttpStatusCode.Forbidden), 4);
                break;
            case "hh.ru 403 captcha on the resume read":
                hh.Fail("resumes/", FakeHhEmployer.Captcha, 4);
                break;
            case "hh.ru 429 on the negotiation read":
                hh.Fail("negotiations/", Hh429, 4);
                break;
            case "hh.ru 429 on the resume read":
                hh.Fail("resumes/", Hh429, 4);
                break;
        }
    }

    /// <summary>The injected fault really happened (so the case tests something), and every scripted one was used up.</summary>
    private static bool FaultSeen(RecruitingKit kit, string fault)
    {
        var used = kit.App.Hh.FaultsLeft == 0 && kit.Portal.FaultsLeft == 0;
        var attempts = kit.Employer.DeliveryAttempts.ToList();
        return used && fault switch
        {
            "Bitrix24 bucket filled by other apps" => kit.Portal.RateLimitedRequests > 0,
            "duplicate callbacks" => attempts.Any(a => a.Outcome == FakeDeliveryOutcome.Duplicate),
            "lost callbacks (webhooks off; the reconcile run)" => kit.Employer.Callbacks.All(c => c.Status == FakeCallbackStatus.Lost),
            _ when fault.StartsWith("out-of-order", StringComparison.Ordinal) => attempts.Count > 0 && attempts[0].ActionType == FakeHhEmployer.EmployerStateChange,
            _ when fault.StartsWith("two app instances", StringComparison.Ordinal) => attempts.Any(a => a.Outcome == FakeDeliveryOutcome.Duplicate),
            _ => true,
        };
    }

    /// <summary>
    /// One round a fake minute: hh.ru delivers what is due (through a round-robin over the instances), every instance
    /// handles its queued events and drains the outbox at the same time, and every <see cref="ReconcileEvery"/>th round
    /// one instance runs the reconcile. With <paramref name="twiceOnQueue"/> every event is handed to every instance
    /// (the queue delivers at least once). Returns the rounds it took.
    /// </summary>
    private static async Task<int> RunUntilSettledAsync(RecruitingKit[] instances, IReadOnlyList<Candidate> people, bool twiceOnQueue, List<string> pages)
    {
        var first = instances[0];
        using var balancer = new RoundRobin(instances.Select(i => i.App.Server.CreateHandler()).ToList());
        for (var round = 1; round <= MaxRounds; round++)
        {
            await first.Employer.DeliverPendingAsync(balancer, CancellationToken.None);
            if (round % ReconcileEvery == 0)
            {
                await instances[round / ReconcileEvery % instances.Length].ReconcileAsync();
            }

            if (twiceOnQueue)
            {
                var all = instances.SelectMany(i => i.Events.Drain()).ToList();
                foreach (var instance in instances)
                {
                    foreach (var item in all)
                    {
                        instance.Events.SentQueue.Enqueue(item);
                    }
                }
            }

            await Task.WhenAll(instances.Select(i => i.ProcessEventsAsync()));
            await Task.WhenAll(instances.Select(i => i.DrainAsync()));
            pages.Add(await StatusPageAsync(first, "text/html"));
            pages.Add(await StatusPageAsync(first, "application/json"));
            if (await SettledAsync(instances, people))
            {
                return round;
            }

            first.App.Time.Advance(TimeSpan.FromMinutes(1));
            foreach (var instance in instances)
            {
                instance.ReleaseDelayedEvents();
            }
        }

        return MaxRounds;
    }

    /// <summary>The status page as the owner sees it mid-fault (failed responses are listed with their reasons).</summary>
    private static async Task<string> StatusPageAsync(RecruitingKit kit, string accept)
    {
        using var client = kit.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/status", UriKind.Relative));
        request.Headers.Accept.ParseAdd(accept);
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<bool> SettledAsync(RecruitingKit[] instances, IReadOnlyList<Candidate> people)
    {
        if (instances.Any(i => !i.Events.SentQueue.IsEmpty) || instances[0].Employer.Pending.Count > 0)
        {
            return false;
        }

        foreach (var person in people)
        {
            if ((await instances[0].TopicAsync(person.TopicId))?.Status != TopicStatus.Written)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Where a secret (Bitrix24 webhook, callback key, hh.ru tokens) or a candidate's data shows up: logs, Telegram, status pages.</summary>
    private static List<string> Leaks(RecruitingKit[] instances, IReadOnlyList<Candidate> people, List<string> pages)
    {
        var app = instances[0].App;
        var secrets = FakeBitrix24Portal.Secrets.Concat([RecruitingKit.WebhookKey]).Concat(app.Hh.Secrets).Distinct().ToList();
        var personal = people.SelectMany(p => new[] { p.FirstName!, p.LastName! }.Concat(p.Phones).Concat(p.Phones.Select(ph => ph[2..])).Concat(p.Emails))
            .Concat(instances[0].Employer.Resumes.Where(r => r.Phone is not null).Select(r => r.Phone!.Number))
            .ToList();
        var logs = new List<(string Where, string Text)>();
        foreach (var instance in instances)
        {
            foreach (var r in instance.App.Logs.GetSnapshot())
            {
                logs.Add(($"log {r.Category}/{r.Id}", Describe(r)));
            }
        }

        var shown = logs.Concat(app.Telegram.Messages.Select(m => (Where: "telegram", Text: m.Text))).Concat(pages.Select(p => (Where: "status page", Text: p))).ToList();
        return secrets.SelectMany(s => shown.Where(t => t.Text.Contains(s, StringComparison.Ordinal)).Select(t => t.Where + " holds a secret: " + t.Text))
            .Concat(personal.SelectMany(p => shown.Where(t => t.Text.Contains(p, StringComparison.OrdinalIgnoreCase)).Select(t => t.Where + " holds candidate data: " + t.Text)))
            .Distinct()
            .ToList();
    }

    private static string Describe(FakeLogRecord r) =>
        string.Join(" | ", r.Message, string.Join(";", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? []), string.Join(";", r.Scopes.Select(s => s?.ToString())), r.Exception?.ToString());

    /// <summary>hh.ru's callbacks spread over the instances, as a load balancer in front of them would.</summary>
    private sealed class RoundRobin(IReadOnlyList<HttpMessageHandler> targets) : HttpMessageHandler
    {
        private int _next = -1;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var invoker = new HttpMessageInvoker(targets[(int)((uint)Interlocked.Increment(ref _next) % (uint)targets.Count)], disposeHandler: false);
            return await invoker.SendAsync(request, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var target in targets)
                {
                    target.Dispose();
                }
            }

            base.Dispose(disposing);
        }
    }
}
