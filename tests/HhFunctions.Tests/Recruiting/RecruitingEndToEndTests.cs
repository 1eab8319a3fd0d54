using HhFunctions.Bumping;
using HhFunctions.Recruiting;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Recruiting;

/// <summary>
/// hh.ru's employer side (the fake) to the Bitrix24 portal (the fake) through the app: callbacks into the webhook
/// route, the events handler, the CRM writer and the reconcile run. Each response ends up in the CRM exactly once,
/// whatever hh.ru's delivery does.
/// </summary>
public sealed class RecruitingEndToEndTests : IDisposable
{
    private readonly RecruitingKit _kit = RecruitingKit.Create();

    public RecruitingEndToEndTests()
    {
        _kit.Employer.AddVacancy("v1", "C# developer");
    }

    public void Dispose() => _kit.Dispose();

    private FakeHhEmployer Employer => _kit.Employer;

    private async Task RunAllAsync()
    {
        await _kit.DeliverCallbacksAsync();
        await _kit.ProcessEventsAsync();
        await _kit.DrainAsync();
    }

    [Fact]
    public async Task Connect_SubscribesTheWebhookWithTheKeyedAddressOnce()
    {
        await _kit.ConnectEmployerAccountAsync();
        await _kit.ConnectEmployerAccountAsync(); // a reconnect keeps the one subscription

        var subscription = Assert.Single(Employer.Subscriptions);
        Assert.Equal($"https://hhfunctions.example/api/hh/webhook/{RecruitingKit.WebhookKey}", subscription.Url.AbsoluteUri);
        Assert.Contains(subscription.Actions, a => a.Type == FakeHhEmployer.NewResponseOrInvitation);
        Assert.Contains(subscription.Actions, a => a.Type == FakeHhEmployer.EmployerStateChange);
    }

    [Fact]
    public async Task NewResponse_ViaTheWebhook_OneLeadWithNameContactsAndSource()
    {
        await _kit.ConnectEmployerAccountAsync();
        Employer.AddResume("r1", "Anna", "Petrova", "owner-1");
        var topic = Employer.AddResponse("v1", "r1");

        await RunAllAsync();

        var lead = Assert.Single(_kit.Portal.Items(HhFunctions.Recruiting.CrmRecords.LeadType));
        Assert.Equal(topic.Id, lead["originId"]?.ToString());
        Assert.Equal("C# developer - Petrova Anna", lead["title"]?.ToString());
        var fm = lead["fm"]!.AsArray().Select(x => x!["value"]!.ToString()).ToList();
        Assert.Contains("+79261234567", fm);
        Assert.Contains("candidate@example.com", fm);
        Assert.Equal(TopicStatus.Written, (await _kit.TopicAsync(topic.Id))!.Status);
        Assert.Equal(RecruitingEvent.FromWebhook, (await _kit.TopicAsync(topic.Id))!.Source);
    }

    [Fact]
    public async Task DuplicateAndOutOfOrderCallbacks_StillOneLeadPerResponse()
    {
        await _kit.ConnectEmployerAccountAsync();
        Employer.DuplicateCallbacks = true;
        Employer.DeliverNewestFirst = true;
        Employer.AddResume("r1", "Anna", "Petrova", "owner-1");
        Employer.AddResume("r2", "Boris", "Orlov", "owner-2");
        Employer.Resumes.Single(r => r.Id == "r2").Phone = new FakePhone("7", "916", "000-00-02");
        Employer.Resumes.Single(r => r.Id == "r2").Email = "boris@example.com";
        var first = Employer.AddResponse("v1", "r1");
        Employer.AddResponse("v1", "r2");
        Employer.ChangeEmployerState(first.Id, "interview"); // arrives before the response itself

        await RunAllAsync();
        await RunAllAsync();

        Assert.Equal(2, _kit.Portal.Count(HhFunctions.Recruiting.CrmRecords.LeadType));
        Assert.Empty(_kit.Portal.DuplicateOrigins(HhFunctions.Recruiting.CrmRecords.LeadType));
        Assert.Equal("interview", (await _kit.TopicAsync(first.Id))!.HhStage);
    }

    [Fact]
    public async Task WebhooksOff_TheReconcileRunBringsEveryResponseIn_AndASecondRunAddsNothing()
    {
        await _kit.ConnectEmployerAccountAsync();
        Employer.DropCallbacks = true;
        var topics = Enumerable.Range(1, 7).Select(i =>
        {
            var resume = Employer.AddResume("r" + i, "Name" + i, "Surname" + i, "owner-" + i);
            resume.Phone = new FakePhone("7", "916", $"100-00-{i:00}");
            resume.Email = $"c{i}@example.com";
            return Employer.AddResponse("v1", "r" + i).Id;
        }).ToList();

        await _kit.DeliverCallbacksAsync();
        await _kit.ReconcileAsync();
        var queued = _kit.Events.Sent.Count;
        await _kit.ProcessEventsAsync();
        await _kit.DrainAsync();
        await _kit.ReconcileAsync();
        await _kit.ProcessEventsAsync();
        await _kit.DrainAsync();

        Assert.Equal(7, queued);
        Assert.Equal(7, _kit.Portal.Count(HhFunctions.Recruiting.CrmRecords.LeadType));
        Assert.All(topics, t => Assert.Equal(1, _kit.Portal.CountByOrigin(HhFunctions.Recruiting.CrmRecords.LeadType, t)));
        Assert.Equal(RecruitingEvent.FromPoll, (await _kit.TopicAsync(topics[0]))!.Source);
    }

    [Fact]
    public async Task ForgedCallbackForATopicThatDoesNotExist_NothingWritten()
    {
        await _kit.ConnectEmployerAccountAsync();
        using var client = _kit.App.CreateClient();
        using var content = new StringContent(HhWebhookEndpointTests.Callback(id: "forged", topic: "999999999"), System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri($"/api/hh/webhook/{RecruitingKit.WebhookKey}", UriKind.Relative), content);

        await _kit.ProcessEventsAsync();
        await _kit.DrainAsync();

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(TopicStatus.Gone, (await _kit.TopicAsync("999999999"))!.Status);
        Assert.Equal(0, _kit.Portal.Count(HhFunctions.Recruiting.CrmRecords.LeadType));
    }

    [Fact]
    public async Task PaidAccessRequired_ToldOnce_ResponsesFailedVisibly_NoLead()
    {
        await _kit.ConnectEmployerAccountAsync();
        Employer.PaidAccessRequired = true;
        Employer.AddResume("r1", "Anna", "Petrova", "owner-1");
        Employer.AddResume("r2", "Boris", "Orlov", "owner-2");
        var a = Employer.AddResponse("v1", "r1");
        var b = Employer.AddResponse("v1", "r2");

        await RunAllAsync();

        Assert.Equal(0, _kit.Portal.Count(HhFunctions.Recruiting.CrmRecords.LeadType));
        Assert.Single(_kit.App.Telegram.Messages, m => m.Text.Contains("paid API access", StringComparison.Ordinal));
        Assert.Equal(TopicStatus.Failed, (await _kit.TopicAsync(a.Id))!.Status);
        Assert.Equal(TopicStatus.Failed, (await _kit.TopicAsync(b.Id))!.Status);
    }

    [Fact]
    public async Task DailyViewLimit_FirstWrittenWithContacts_NextFlaggedTheRestParked_NothingLost()
    {
        await _kit.ConnectEmployerAccountAsync();
        Employer.DailyViewLimit = 1;
        for (var i = 1; i <= 3; i++)
        {
            var resume = Employer.AddResume("r" + i, "Name" + i, "Surname" + i, "owner-" + i);
            resume.Phone = new FakePhone("7", "916", $"200-00-{i:00}");
            resume.Email = $"v{i}@example.com";
            Employer.AddResponse("v1", "r" + i);
        }

        await RunAllAsync();
        var writtenFirstDay = _kit.Portal.Count(HhFunctions.Recruiting.CrmRecords.LeadType);
        var parked = _kit.Events.Sent.Count(e => e.Delay > TimeSpan.Zero);
        _kit.App.Time.Advance(TimeSpan.FromDays(1));
        _kit.ReleaseDelayedEvents();
        await _kit.ProcessEventsAsync();
        await _kit.DrainAsync();

        Assert.Equal(2, writtenFirstDay); // one with contacts, one flagged "contacts not read"
        Assert.Equal(1, parked);
        Assert.Equal(3, _kit.Portal.Count(HhFunctions.Recruiting.CrmRecords.LeadType));
        Assert.Single(_kit.App.Telegram.Messages, m => m.Text.Contains("resume-view limit is reached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BitrixDownForAWhile_ResponsesKept_WrittenOnceItAnswers_OwnerToldAfterHalfAnHour()
    {
        await _kit.ConnectEmployerAccountAsync();
        Employer.AddResume("r1", "Anna", "Petrova", "owner-1");
        var topic = Employer.AddResponse("v1", "r1");
        await _kit.DeliverCallbacksAsync();
        await _kit.ProcessEventsAsync();

        for (var i = 0; i < 40; i++)
        {
            _kit.Portal.Fail("*", Bitrix24Fault.HtmlPage); // each drain stops at its first failed request
            await _kit.DrainAsync();
            _kit.App.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var told = _kit.App.Telegram.Messages.Count(m => m.Text.Contains("has not accepted writes", StringComparison.Ordinal));
        await _kit.DrainAsync();

        Assert.Equal(1, told);
        Assert.Equal(1, _kit.Portal.CountByOrigin(HhFunctions.Recruiting.CrmRecords.LeadType, topic.Id));
        Assert.Contains(_kit.App.Telegram.Messages, m => m.Text.Contains("Bitrix24 answers again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplicantAccount_CallbackChangesNothing_OwnerToldOnce()
    {
        await _kit.App.ConnectAsync();
        using var client = _kit.App.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            using var content = new StringContent(HhWebhookEndpointTests.Callback(id: "m" + i, topic: "12345"), System.Text.Encoding.UTF8, "application/json");
            using var _ = await client.PostAsync(new Uri($"/api/hh/webhook/{RecruitingKit.WebhookKey}", UriKind.Relative), content);
        }

        await _kit.ProcessEventsAsync();

        Assert.Single(_kit.App.Telegram.Messages, m => m.Text.Contains("not an employer", StringComparison.Ordinal));
        Assert.Null(await _kit.TopicAsync("12345"));
    }

    [Fact]
    public async Task EmployerAccount_TheBumpRunMakesNoHhRuCall()
    {
        await _kit.ConnectEmployerAccountAsync();
        var before = _kit.App.Hh.Requests.Count;

        using var scope = _kit.Services.CreateScope();
        var run = await scope.ServiceProvider.GetRequiredService<BumpResumesJob>().RunAsync("test", TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(HhFunctions.State.RunStatus.Skipped, run.Status);
        Assert.Contains("employer", run.Summary, StringComparison.Ordinal);
        Assert.Equal(before, _kit.App.Hh.Requests.Count);
    }

    [Fact]
    public async Task Logs_HoldNoCandidateDataNoTokensNoKeys()
    {
        await _kit.ConnectEmployerAccountAsync();
        var resume = Employer.AddResume("r1", "Yevdokia", "Zabolotskaya", "owner-1");
        resume.Phone = new FakePhone("7", "903", "765-43-21");
        resume.Email = "yevdokia.z@example.net";
        Employer.AddResponse("v1", "r1");
        _kit.Portal.Fail("batch", Bitrix24Fault.AnswerLostAfterDone);

        await RunAllAsync();
        await _kit.DrainAsync();

        var logs = _kit.AllLogs();
        foreach (var secret in FakeBitrix24Portal.Secrets.Concat([RecruitingKit.WebhookKey, "Yevdokia", "Zabolotskaya", "7654321", "765-43-21", "yevdokia.z@example.net"]))
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(1, _kit.Portal.Count(HhFunctions.Recruiting.CrmRecords.LeadType));
    }
}
