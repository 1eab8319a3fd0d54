using System.Net;
using HhFunctions.Recruiting;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;

namespace HhFunctions.Tests.Recruiting;

/// <summary>
/// Stages both ways between the fake hh.ru employer side and the fake Bitrix24 portal, through the whole app: hh.ru's
/// state changes move the CRM record (re-read, so repeats and out-of-order callbacks settle on hh.ru's state now), and
/// with Recruiting__SyncBack a move in Bitrix24 performs the negotiation's action on hh.ru once, whatever is
/// redelivered, retried, lost or run on two instances.
/// </summary>
public sealed class StageSyncTests
{
    private const int Lead = CrmRecords.LeadType;

    /// <summary>Action calls that reached hh.ru (PUT /negotiations/{collection}/{id}), whatever the answer.</summary>
    private static int Puts(StageKit kit) => kit.Kit.App.Hh.Requests.Count(r => r.Method == "PUT" && r.Uri.AbsolutePath.StartsWith("/negotiations/", StringComparison.Ordinal));

    private static string Comments(StageKit kit, long id) => string.Join('\n', kit.Portal.Comments.Where(c => c.EntityId == id).Select(c => c.Comment));

    [Fact]
    public async Task HhStateChange_MovesTheLeadToTheMappedStage_WithACommentSayingWhatChanged()
    {
        using var kit = StageKit.Create(syncBack: false);
        await kit.Kit.ConnectEmployerAccountAsync();
        var (topic, lead) = await kit.WrittenResponseAsync(1);
        Assert.Equal("NEW", kit.Portal.StageOf(Lead, lead));

        kit.Employer.ChangeEmployerState(topic, "interview");
        await kit.RunHhSideAsync();

        Assert.Equal("IN_PROCESS", kit.Portal.StageOf(Lead, lead));
        var comment = Comments(kit, lead);
        Assert.Contains("«interview»", comment, StringComparison.Ordinal);
        Assert.Contains(StageWriter.Marker(topic), comment, StringComparison.Ordinal);
        Assert.DoesNotContain("Petrova", comment, StringComparison.Ordinal);
        var record = await kit.Kit.TopicAsync(topic);
        Assert.Equal("interview", record!.HhStage);
        Assert.Equal("IN_PROCESS", record.CrmStage);
        Assert.False(record.StageDue);
    }

    [Fact]
    public async Task RepeatedAndOutOfOrderStateChanges_SettleOnHhRuCurrentState_DealPipelineWithPrefix()
    {
        using var kit = StageKit.Create(new Dictionary<string, string?> { ["Bitrix24:Entity"] = "deal", ["Bitrix24:DealCategoryId"] = "3" }, syncBack: false);
        await kit.Kit.ConnectEmployerAccountAsync();
        var (topic, deal) = await kit.WrittenResponseAsync(1);
        Assert.Equal("C3:NEW", kit.Portal.StageOf(CrmRecords.DealType, deal));
        kit.Employer.DuplicateCallbacks = true;
        kit.Employer.DeliverNewestFirst = true;

        kit.Employer.ChangeEmployerState(topic, "interview");
        kit.Employer.ChangeEmployerState(topic, "offer");
        await kit.RunHhSideAsync();
        await kit.RunHhSideAsync();

        Assert.Equal("C3:FINAL_INVOICE", kit.Portal.StageOf(CrmRecords.DealType, deal));
        Assert.Equal("offer", (await kit.Kit.TopicAsync(topic))!.HhStage);
        // One move, one comment: the older "interview" callback, after hh.ru was re-read, changed nothing.
        Assert.Single(kit.Portal.Comments, c => c.EntityId == deal && c.Comment.Contains(StageWriter.Marker(topic), StringComparison.Ordinal));
    }

    [Fact]
    public async Task StateChangeBeforeTheRecordIsWritten_StageAppliedOnceItIsWritten()
    {
        using var kit = StageKit.Create(syncBack: false);
        await kit.Kit.ConnectEmployerAccountAsync();
        kit.Employer.AddResume("r1", "Anna", "Petrova", "owner-1");
        var topic = kit.Employer.AddResponse("v1", "r1");
        kit.Employer.ChangeEmployerState(topic.Id, "discard");
        kit.Employer.DeliverNewestFirst = true; // the state change comes before the response

        await kit.RunHhSideAsync();

        var lead = Assert.Single(kit.Portal.Items(Lead));
        Assert.Equal("JUNK", lead["stageId"]?.ToString());
    }

    [Fact]
    public async Task UnmappedState_LeavesTheStageAlone_AndIsToldOnce()
    {
        using var kit = StageKit.Create(new Dictionary<string, string?> { ["Recruiting:StageMap"] = "response=NEW; interview=IN_PROCESS" }, syncBack: false);
        await kit.Kit.ConnectEmployerAccountAsync();
        var (first, lead1) = await kit.WrittenResponseAsync(1);
        var (second, lead2) = await kit.WrittenResponseAsync(2);

        kit.Employer.ChangeEmployerState(first, "offer");
        kit.Employer.ChangeEmployerState(second, "offer");
        await kit.RunHhSideAsync();

        Assert.Equal("NEW", kit.Portal.StageOf(Lead, lead1));
        Assert.Equal("NEW", kit.Portal.StageOf(Lead, lead2));
        Assert.Single(kit.Kit.App.Telegram.Messages, m => m.Text.Contains("offer&#39; is not in Recruiting__StageMap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReconcileRun_BringsAStateChangeWhoseCallbackWasLost()
    {
        using var kit = StageKit.Create(syncBack: false);
        await kit.Kit.ConnectEmployerAccountAsync();
        var (topic, lead) = await kit.WrittenResponseAsync(1);
        kit.Employer.DropCallbacks = true;

        kit.Employer.ChangeEmployerState(topic, "consider");
        await kit.RunHhSideAsync();
        Assert.Equal("NEW", kit.Portal.StageOf(Lead, lead));
        await kit.Kit.ReconcileAsync();
        await kit.Kit.DrainAsync();

        Assert.Equal("IN_PROCESS", kit.Portal.StageOf(Lead, lead));
    }

    [Fact]
    public async Task ReconcileRun_FindsAnOldResponseMovedBehindManyNewerOnes_WhoseCallbackWasLost()
    {
        using var kit = StageKit.Create(syncBack: false);
        await kit.Kit.ConnectEmployerAccountAsync();
        var (old, oldLead) = await kit.WrittenResponseAsync(1);
        var newer = new List<string>();
        for (var n = 2; n <= 2 + ReconcileJob.SafetyMargin + 1; n++)
        {
            var (topic, _) = await kit.WrittenResponseAsync(n);
            kit.Employer.ChangeEmployerState(topic, "consider");
            newer.Add(topic);
        }

        await kit.RunHhSideAsync();
        await kit.Kit.ReconcileAsync(); // every collection's size noted

        // The oldest response joins "consider" behind more newer ones than the run reads past the known; its callback is lost.
        kit.Employer.DropCallbacks = true;
        kit.Employer.ChangeEmployerState(old, "consider");
        await kit.RunHhSideAsync();
        Assert.Equal("NEW", kit.Portal.StageOf(Lead, oldLead));

        await kit.Kit.ReconcileAsync(); // "consider" grew: walked whole
        await kit.Kit.DrainAsync();

        Assert.Equal("IN_PROCESS", kit.Portal.StageOf(Lead, oldLead));
        Assert.Equal("consider", (await kit.Kit.TopicAsync(old))!.HhStage);

        // Nothing changed since: the next run reads each collection's first page only.
        var pages = kit.Employer.CallsTo("GET /negotiations/{collection}");
        await kit.Kit.ReconcileAsync();
        Assert.InRange(kit.Employer.CallsTo("GET /negotiations/{collection}") - pages, 1, FakeHhEmployer.CollectionNames.Count);
    }

    [Fact]
    public async Task MoveInBitrix24_PerformsTheHhRuActionOnce_AcrossRedeliveries_AndTheEchoesChangeNothing()
    {
        using var kit = StageKit.Create(new Dictionary<string, string?> { ["Recruiting:SyncBackMessage"] = "Thank you for your interest." });
        await kit.Kit.ConnectEmployerAccountAsync();
        var (topic, lead) = await kit.WrittenResponseAsync(1);

        kit.Portal.MoveStage(Lead, lead, "JUNK");
        var answers = await kit.DeliverCrmEventsAsync(times: 3); // Bitrix24's event, and two redeliveries of it
        await kit.ProcessCrmEventsAsync();
        await kit.RunHhSideAsync(); // hh.ru's own callback for the change comes back
        await kit.DeliverCrmEventsAsync();
        await kit.ProcessCrmEventsAsync();

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a));
        var action = Assert.Single(kit.Employer.ActionsPerformed);
        Assert.Equal(("discard", "Thank you for your interest."), (action.ActionId, action.Message));
        Assert.Equal("discard", kit.Employer.Negotiations.Single(n => n.Id == topic).EmployerState);
        Assert.Equal("JUNK", kit.Portal.StageOf(Lead, lead));
        var record = await kit.Kit.TopicAsync(topic);
        Assert.Equal(HhActionStatus.Sent, Assert.Single(record!.HhActions).Status);
        Assert.Equal(1, (await kit.Kit.Store.GetStateAsync(CancellationToken.None)).HhActionsSent);
    }

    [Fact]
    public async Task StageTheAppSetFromHhRu_IsNotSentBack()
    {
        using var kit = StageKit.Create();
        await kit.Kit.ConnectEmployerAccountAsync();
        var (topic, lead) = await kit.WrittenResponseAsync(1);

        kit.Employer.ChangeEmployerState(topic, "interview");
        await kit.RunHhSideAsync();
        var echoes = await kit.DeliverCrmEventsAsync(); // Bitrix24 fires ONCRMLEADUPDATE for the app's own update
        await kit.ProcessCrmEventsAsync();

        Assert.Single(echoes);
        Assert.Equal("IN_PROCESS", kit.Portal.StageOf(Lead, lead));
        Assert.Empty(kit.Employer.ActionsPerformed);
        Assert.Equal(0, Puts(kit));
    }

    [Fact]
    public async Task MoveHhRuRefuses_CommentOnTheRecord_KeptForTheDesk_HhRuStageUnchanged()
    {
        using var kit = StageKit.Create();
        await kit.Kit.ConnectEmployerAccountAsync();
        var (topic, lead) = await kit.WrittenResponseAsync(1);
        kit.Kit.App.Hh.Fail("negotiations/offer/", () => FakeHhApi.Errors(HttpStatusCode.Forbidden, "negotiations", "wrong_state"));

        kit.Portal.MoveStage(Lead, lead, "PROCESSED"); // → offer on hh.ru, which refuses it
        await kit.DeliverCrmEventsAsync();
        await kit.ProcessCrmEventsAsync();

        Assert.Equal("response", kit.Employer.Negotiations.Single(n => n.Id == topic).EmployerState);
        Assert.Empty(kit.Employer.ActionsPerformed);
        Assert.Contains("hh.ru did not take this move to 'PROCESSED'", Comments(kit, lead), StringComparison.Ordinal);
        Assert.Contains("negotiations/wrong_state", Comments(kit, lead), StringComparison.Ordinal);
        var refused = Assert.Single((await kit.Kit.Store.GetStateAsync(CancellationToken.None)).RefusedMoves);
        Assert.Equal((topic, "lead", lead, "PROCESSED", "offer", "response"), (refused.TopicId, refused.CrmKind, refused.CrmId, refused.CrmStage, refused.TargetState, refused.HhState));
        var record = await kit.Kit.TopicAsync(topic);
        Assert.Contains("wrong_state", record!.SyncBackRefusal, StringComparison.Ordinal);
        Assert.Equal("response", record.HhStage);

        // The desk shows it with the pipeline's state.
        using var client = kit.Kit.App.CreateClient();
        using var desk = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/recruiting", UriKind.Relative));
        desk.Headers.Accept.ParseAdd("application/json");
        using var answer = await kit.Kit.App.Time.RunAsync(client.SendAsync(desk), TimeSpan.FromMilliseconds(50));
        var deskJson = await answer.Content.ReadAsStringAsync();
        Assert.Contains($"hh.ru refused a move made in Bitrix24", deskJson, StringComparison.Ordinal);
        Assert.Contains($"response {topic}, lead {lead}", deskJson, StringComparison.Ordinal);

        // The same event again: not tried again, not commented twice.
        kit.Portal.PendingEvents.Enqueue(new FakeOutgoingEvent("ONCRMLEADUPDATE", lead, kit.Kit.App.Time.GetUtcNow()));
        await kit.DeliverCrmEventsAsync();
        await kit.ProcessCrmEventsAsync();
        Assert.Single(kit.Portal.Comments, c => c.EntityId == lead && c.Comment.Contains("did not take", StringComparison.Ordinal));
        Assert.Equal(1, Puts(kit));
    }

    [Fact]
    public async Task MoveToAStateHhRuDoesNotOfferFromTheCurrentOne_RefusedWithoutCallingTheAction()
    {
        using var kit = StageKit.Create();
        await kit.Kit.ConnectEmployerAccountAsync();
        var (topic, lead) = await kit.WrittenResponseAsync(1);
        kit.Employer.ChangeEmployerState(topic, "discard");
        await kit.RunHhSideAsync();
        Assert.Equal("JUNK", kit.Portal.StageOf(Lead, lead));
        await kit.DeliverCrmEventsAsync(); // the echo of the app's own move
        await kit.ProcessCrmEventsAsync();

        kit.Portal.MoveStage(Lead, lead, "IN_PROCESS"); // a rejected candidate cannot be reconsidered on hh.ru
        await kit.DeliverCrmEventsAsync();
        await kit.ProcessCrmEventsAsync();

        Assert.Equal("discard", kit.Employer.Negotiations.Single(n => n.Id == topic).EmployerState);
        Assert.Equal(0, Puts(kit));
        Assert.Contains("hh.ru offers no move to 'consider' from 'discard'", Comments(kit, lead), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActionNeedingAMessage_WithoutSyncBackMessage_RefusedLocally()
    {
        using var kit = StageKit.Create();
        await kit.Kit.ConnectEmployerAccountAsync();
        kit.Employer.MessageRequiredFor.Add("discard");
        var (topic, lead) = await kit.WrittenResponseAsync(1);

        kit.Portal.MoveStage(Lead, lead, "JUNK");
        await kit.DeliverCrmEventsAsync();
        await kit.ProcessCrmEventsAsync();

        Assert.Equal(0, Puts(kit));
        Assert.Contains("set Recruiting__SyncBackMessage", (await kit.Kit.TopicAsync(topic))!.SyncBackRefusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong token")]
    [InlineData("no token")]
    [InlineData("wrong key")]
    [InlineData("sync back off")]
    public async Task ForgedOrUnwantedEvent_404Or401_NothingQueuedNothingDone(string forgery)
    {
        using var kit = StageKit.Create(syncBack: forgery != "sync back off");
        await kit.Kit.ConnectEmployerAccountAsync();
        var (_, lead) = await kit.WrittenResponseAsync(1);
        kit.Portal.MoveStage(Lead, lead, "JUNK");
        kit.Portal.PendingEvents.Clear();

        var token = forgery switch
        {
            "wrong token" => "forgedTokenForgedTokenForged0000",
            "no token" => null,
            _ => FakeBitrix24Portal.OutgoingToken,
        };
        var url = forgery == "wrong key" ? new Uri("https://hhfunctions.example/api/bitrix/events/" + new string('x', 40)) : StageKit.EventsUrl;
        using var client = kit.Kit.App.CreateClient();
        using var content = new FormUrlEncodedContent(FakeBitrix24Portal.EventForm("ONCRMLEADUPDATE", lead, token, kit.Kit.App.Time.GetUtcNow()));
        using var response = await client.PostAsync(url, content);

        Assert.Equal(forgery is "wrong token" or "no token" ? HttpStatusCode.Unauthorized : HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(kit.CrmEvents.Sent);
        Assert.Empty(kit.Employer.ActionsPerformed);
        Assert.DoesNotContain(FakeBitrix24Portal.OutgoingToken, kit.Kit.AllLogs(), StringComparison.Ordinal);
        Assert.DoesNotContain(RecruitingKit.WebhookKey, kit.Kit.AllLogs(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LostOutgoingEvent_ReconcileRunFindsTheMove_PerformsItOnce()
    {
        using var kit = StageKit.Create();
        await kit.Kit.ConnectEmployerAccountAsync();
        var (topic, lead) = await kit.WrittenResponseAsync(1);
        var (other, _) = await kit.WrittenResponseAsync(2);
        kit.Portal.DropOutgoingEvents = true;

        kit.Portal.MoveStage(Lead, lead, "JUNK");
        Assert.Empty(await kit.DeliverCrmEventsAsync());
        var summary = await kit.Kit.ReconcileAsync();
        await kit.ProcessCrmEventsAsync();
        await kit.Kit.ReconcileAsync();
        await kit.ProcessCrmEventsAsync();

        Assert.Contains("1 moved without an event queued", summary, StringComparison.Ordinal);
        var action = Assert.Single(kit.Employer.ActionsPerformed);
        Assert.Equal((topic, "discard"), (action.TopicId, action.ActionId));
        Assert.Equal("response", kit.Employer.Negotiations.Single(n => n.Id == other).EmployerState);
    }

    [Fact]
    public async Task AnswerLostAfterHhRuDidIt_ReReadBeforeAnyResend_SentOnce()
    {
        using var kit = StageKit.Create();
        await kit.Kit.ConnectEmployerAccountAsync();
        var (topic, lead) = await kit.WrittenResponseAsync(1);
        kit.Kit.App.Hh.FailAfterHandling("negotiations/consider/", () => new HttpResponseMessage(HttpStatusCode.GatewayTimeout) { Content = new StringContent("<html>504</html>") });

        kit.Portal.MoveStage(Lead, lead, "IN_PROCESS");
        await kit.DeliverCrmEventsAsync(times: 2);
        var retries = await kit.ProcessCrmEventsAsync();

        Assert.True(retries >= 1, "the lost answer makes the first attempt end for the queue to retry");
        Assert.Equal(1, Puts(kit));
        Assert.Equal("consider", kit.Employer.Negotiations.Single(n => n.Id == topic).EmployerState);
        Assert.Equal(HhActionStatus.Sent, Assert.Single((await kit.Kit.TopicAsync(topic))!.HhActions).Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoInstancesOnOneStore_SameEvent_ActionSentOnce(bool answerLost)
    {
        using var kit = StageKit.Create();
        using var sibling = kit.Sibling();
        await kit.Kit.ConnectEmployerAccountAsync();
        var (topic, lead) = await kit.WrittenResponseAsync(1);
        if (answerLost)
        {
            kit.Kit.App.Hh.ThrowAfterHandling("negotiations/discard/", () => new HttpRequestException("connection reset (test)"));
        }

        kit.Portal.MoveStage(Lead, lead, "JUNK");
        var message = new CrmStageEvent("lead", lead, CrmStageEvent.FromEvent, kit.Kit.App.Time.GetUtcNow());
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(kit.TryHandleAsync(message), sibling.TryHandleAsync(message));
        }

        Assert.Equal(1, Puts(kit));
        Assert.Equal(0, kit.Employer.ActionsSentTwice);
        Assert.Equal("discard", kit.Employer.Negotiations.Single(n => n.Id == topic).EmployerState);
    }
}
