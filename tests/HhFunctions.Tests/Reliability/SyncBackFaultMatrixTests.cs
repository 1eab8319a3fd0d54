using System.Net;
using HhFunctions.Recruiting;
using HhFunctions.Testing;
using HhFunctions.Tests.Recruiting;
using Xunit.Abstractions;

namespace HhFunctions.Tests.Reliability;

/// <summary>
/// Sync back's fault matrix: recruiters move records in Bitrix24 (two rejections, two to "in process" = consider),
/// and each case injects one fault on the way to hh.ru: outgoing events redelivered, lost (the reconcile run's
/// fallback), hh.ru's answer lost after it did the action (a 504, a dropped connection), hh.ru 500 on the re-read, 429
/// on the action, Bitrix24 500 on the record read, two app instances handling the same events. The app runs as the
/// queue runs it (3 attempts a message; a reconcile run every 3rd fake minute) until every move is on hh.ru. Measured:
/// hh.ru actions sent twice (the same action performed twice on one negotiation: a candidate rejected or invited
/// twice) and moves lost; both must be 0.
/// </summary>
public sealed class SyncBackFaultMatrixTests(ITestOutputHelper output)
{
    private const int MaxRounds = 12;

    public static TheoryData<string> Cases => new()
    {
        "outgoing events redelivered three times",
        "outgoing events lost (the reconcile run's fallback)",
        "outgoing events and the reconcile run both bring each move",
        "hh.ru 504 after doing the action",
        "hh.ru drops the connection after doing the action",
        "hh.ru 500 on the negotiation re-read",
        "hh.ru 429 on the action",
        "Bitrix24 500 on the record read",
        "two app instances, each event on both",
        "two app instances, each event on both, hh.ru's answer lost",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fault_NoHhRuActionSentTwice_NoMoveLost(string fault)
    {
        // Arrange: four written responses, the owner's sync back on.
        using var kit = StageKit.Create(new Dictionary<string, string?> { ["Recruiting:SyncBackMessage"] = "Thank you." });
        using var sibling = fault.StartsWith("two app instances", StringComparison.Ordinal) ? kit.Sibling() : null;
        await kit.Kit.ConnectEmployerAccountAsync();
        var moves = new List<(string TopicId, long Lead, string Stage, string Expected)>();
        for (var i = 1; i <= 4; i++)
        {
            var (topic, lead) = await kit.WrittenResponseAsync(i);
            moves.Add(i % 2 == 0 ? (topic, lead, "JUNK", "discard") : (topic, lead, "IN_PROCESS", "consider"));
        }

        Inject(kit, fault);

        // Act: recruiters move the records; the app runs until each move is on hh.ru.
        foreach (var (_, lead, stage, _) in moves)
        {
            kit.Portal.MoveStage(CrmRecords.LeadType, lead, stage);
        }

        var rounds = 0;
        while (rounds < MaxRounds && !moves.All(m => State(kit, m.TopicId) == m.Expected))
        {
            rounds++;
            await DeliverAsync(kit, sibling, fault);
            if (rounds % 3 == 0)
            {
                await kit.Kit.ReconcileAsync();
            }

            await kit.ProcessCrmEventsAsync();
            if (sibling is not null)
            {
                await sibling.ProcessCrmEventsAsync();
            }

            await kit.RunHhSideAsync(); // hh.ru's callbacks for the changes come back; their echoes change nothing
            kit.Kit.App.Time.Advance(TimeSpan.FromMinutes(1));
        }

        // One more pass of everything: nothing may be sent again.
        await DeliverAsync(kit, sibling, fault);
        await kit.Kit.ReconcileAsync();
        await kit.ProcessCrmEventsAsync();

        // Assert
        var sentTwice = kit.Employer.ActionsSentTwice;
        var lost = moves.Count(m => State(kit, m.TopicId) != m.Expected);
        var performed = kit.Employer.ActionsPerformed.Count;
        var detail = $"moves {moves.Count}, performed {performed}, sent twice {sentTwice}, lost {lost}, rounds {rounds}, hh.ru action calls {ActionCalls(kit)}";
        output.WriteLine($"{fault}: {detail}");
        ReliabilityLedger.Record(LedgerKind.SyncBack, "sync back: " + fault, sentTwice == 0 && lost == 0 && performed == moves.Count, 0, detail);

        Assert.Equal(0, kit.Kit.App.Hh.FaultsLeft + kit.Portal.FaultsLeft);
        Assert.Equal(0, sentTwice);
        Assert.Equal(0, lost);
        Assert.Equal(moves.Count, performed);
        Assert.All(moves, m => Assert.Equal(m.Stage, kit.Portal.StageOf(CrmRecords.LeadType, m.Lead)));
    }

    private static string State(StageKit kit, string topicId) => kit.Employer.Negotiations.Single(n => n.Id == topicId).EmployerState;

    private static int ActionCalls(StageKit kit) => kit.Kit.App.Hh.Requests.Count(r => r.Method == "PUT" && r.Uri.AbsolutePath.StartsWith("/negotiations/", StringComparison.Ordinal));

    private static void Inject(StageKit kit, string fault)
    {
        var hh = kit.Kit.App.Hh;
        switch (fault)
        {
            case "outgoing events lost (the reconcile run's fallback)":
                kit.Portal.DropOutgoingEvents = true;
                break;
            case "hh.ru 504 after doing the action":
            case "two app instances, each event on both, hh.ru's answer lost":
                hh.FailAfterHandling("negotiations/discard/", () => new HttpResponseMessage(HttpStatusCode.GatewayTimeout) { Content = new StringContent("<html><body>504 Gateway Time-out</body></html>") });
                hh.FailAfterHandling("negotiations/consider/", () => new HttpResponseMessage(HttpStatusCode.GatewayTimeout) { Content = new StringContent("<html><body>504 Gateway Time-out</body></html>") });
                break;
            case "hh.ru drops the connection after doing the action":
                hh.ThrowAfterHandling("negotiations/discard/", () => new HttpRequestException("connection reset (test)"));
                hh.ThrowAfterHandling("negotiations/consider/", () => new HttpRequestException("connection reset (test)"));
                break;
            case "hh.ru 500 on the negotiation re-read":
                foreach (var n in kit.Employer.Negotiations)
                {
                    hh.Fail("negotiations/" + n.Id, () => FakeHhApi.Errors(HttpStatusCode.InternalServerError, "server_error"), times: 4);
                }

                break;
            case "hh.ru 429 on the action":
                hh.Fail("negotiations/discard/", () => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("""{"errors":[{"type":"too_many_requests"}]}""", System.Text.Encoding.UTF8, "application/json") }, times: 2);
                break;
            case "Bitrix24 500 on the record read":
                kit.Portal.Fail("crm.item.get", Bitrix24Fault.ServerError, times: 3);
                break;
        }
    }

    /// <summary>The portal's outgoing events posted to the app (redelivered, or also to the sibling, as the case says).</summary>
    private static async Task DeliverAsync(StageKit kit, StageKit? sibling, string fault)
    {
        var pending = kit.Portal.PendingEvents.ToList();
        var times = fault.StartsWith("outgoing events redelivered", StringComparison.Ordinal) ? 3 : 1;
        await kit.DeliverCrmEventsAsync(times);
        if (sibling is not null)
        {
            foreach (var e in pending)
            {
                kit.Portal.PendingEvents.Enqueue(e);
            }

            await sibling.Portal.DeliverOutgoingEventsAsync(sibling.Kit.App.Server.CreateHandler());
        }

        if (fault.StartsWith("outgoing events and the reconcile run", StringComparison.Ordinal))
        {
            await kit.Kit.ReconcileAsync();
        }
    }
}
