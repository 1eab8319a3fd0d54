using HhFunctions.Recruiting;
using HhFunctions.Testing;

namespace HhFunctions.Tests.Recruiting;

/// <summary>
/// The CRM writer against the fake portal: each response lands exactly once (one lead, or a contact and a deal), a
/// person seen before gets a comment or a deal on their record, several responses share one batch, a lost answer is
/// looked up before any re-send, and a portal that refuses or pauses loses nothing.
/// </summary>
public sealed class CrmWriterTests : IDisposable
{
    private readonly RecruitingKit _kit = RecruitingKit.Create();

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task ThreeResponses_OneLeadEach_InOneWriteBatch_AndTheirDataDropped()
    {
        await _kit.SeedAsync(
            RecruitingKit.Person("1001", "Anna", "Petrova", "+79161110001"),
            RecruitingKit.Person("1002", "Boris", "Ivanov", "+79161110002"),
            RecruitingKit.Person("1003", "Vera", "Sidorova", "+79161110003"));

        var result = await _kit.DrainAsync();

        Assert.Equal(3, result.Written);
        Assert.Equal(3, _kit.Portal.Count(CrmRecords.LeadType));
        Assert.Single(_kit.Portal.Requests, r => r.Method == "batch" && r.Body.Contains("crm.item.add", StringComparison.Ordinal));
        foreach (var topic in new[] { "1001", "1002", "1003" })
        {
            Assert.Equal(1, _kit.Portal.CountByOrigin(CrmRecords.LeadType, topic));
            var record = await _kit.TopicAsync(topic);
            Assert.Equal(TopicStatus.Written, record!.Status);
            Assert.Equal("lead", record.CrmKind);
            Assert.NotNull(record.CrmId);
            Assert.Null(record.Candidate); // personal data is not kept once written
        }

        var lead = _kit.Portal.Items(CrmRecords.LeadType).Single(i => i["originId"]?.ToString() == "1002");
        Assert.Equal("C# developer - Ivanov Boris", lead["title"]?.ToString());
        Assert.Equal("hh.ru", lead["originatorId"]?.ToString());
    }

    [Fact]
    public async Task DrainedAgain_NothingWrittenTwice()
    {
        await _kit.SeedAsync(RecruitingKit.Person("2001"), RecruitingKit.Person("2002", "Oleg", "Smirnov", "+79160000002"));
        await _kit.DrainAsync();
        var requests = _kit.Portal.HttpRequests;

        var again = await _kit.DrainAsync();
        await _kit.SeedAsync(); // nothing new

        Assert.Equal(0, again.Written);
        Assert.Equal(2, _kit.Portal.Count(CrmRecords.LeadType));
        Assert.Empty(_kit.Portal.DuplicateOrigins(CrmRecords.LeadType));
        Assert.Equal(requests, _kit.Portal.HttpRequests); // an empty outbox costs no request
    }

    [Fact]
    public async Task SamePersonTwice_OneLead_TheSecondResponseIsACommentOnIt()
    {
        await _kit.SeedAsync(
            RecruitingKit.Person("3001", phone: "+79165550000", vacancy: "C# developer"),
            RecruitingKit.Person("3002", phone: "+79165550000", vacancy: "Team lead"));

        await _kit.DrainAsync();

        Assert.Equal(1, _kit.Portal.Count(CrmRecords.LeadType));
        var first = await _kit.TopicAsync("3001");
        var second = await _kit.TopicAsync("3002");
        Assert.Equal("lead", first!.CrmKind);
        Assert.Equal("comment", second!.CrmKind);
        Assert.Equal(first.CrmId, second.CrmId);
        var comment = Assert.Single(_kit.Portal.Comments);
        Assert.Equal(first.CrmId, comment.EntityId);
        Assert.Contains(CrmRecords.ResponseMarker("3002"), comment.Comment, StringComparison.Ordinal);
        Assert.Contains("Team lead", comment.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonFromAnEarlierDay_ByEmailOnly_GetsACommentNotASecondLead()
    {
        await _kit.SeedAsync(RecruitingKit.Person("3101", phone: null, email: "Anna@Example.com"));
        await _kit.DrainAsync();
        await _kit.SeedAsync(RecruitingKit.Person("3102", phone: "+79169999999", email: "anna@example.com"));

        await _kit.DrainAsync();

        Assert.Equal(1, _kit.Portal.Count(CrmRecords.LeadType));
        Assert.Equal("comment", (await _kit.TopicAsync("3102"))!.CrmKind);
    }

    [Fact]
    public async Task AnswerLostAfterTheBatchWasDone_LookedUpNotWrittenAgain()
    {
        await _kit.SeedAsync(RecruitingKit.Person("4001"), RecruitingKit.Person("4002", "Ivan", "Orlov", "+79160004002"));
        await _kit.DrainAsync(); // makes the hh.ru source first, so the next batch is the write
        await _kit.SeedAsync(RecruitingKit.Person("4003", "Maria", "Kuznetsova", "+79160004003"));
        _kit.Portal.Fail("batch", Bitrix24Fault.AnswerLostAfterDone);

        var lost = await _kit.DrainAsync();
        var claimed = await _kit.TopicAsync("4003");
        var retried = await _kit.DrainAsync();

        Assert.Equal(0, lost.Written);
        Assert.Equal(TopicStatus.Claimed, claimed!.Status);
        Assert.NotEmpty(_kit.Drains.Sent); // a retry is booked
        Assert.Equal(1, retried.Written);
        Assert.Equal(TopicStatus.Written, (await _kit.TopicAsync("4003"))!.Status);
        Assert.Equal(1, _kit.Portal.CountByOrigin(CrmRecords.LeadType, "4003"));
        Assert.Empty(_kit.Portal.DuplicateOrigins(CrmRecords.LeadType));
        Assert.Contains(_kit.App.Logs.GetSnapshot(), r => r.Id.Id == 9203);
    }

    [Fact]
    public async Task AnswerLostBeforeAnythingWasDone_LookedUpThenWrittenOnce()
    {
        await _kit.SeedAsync(RecruitingKit.Person("4101"));
        await _kit.DrainAsync();
        await _kit.SeedAsync(RecruitingKit.Person("4102", "Pavel", "Volkov", "+79160004102"));
        _kit.Portal.Fail("batch", Bitrix24Fault.ServerError);

        await _kit.DrainAsync();
        await _kit.DrainAsync();

        Assert.Equal(1, _kit.Portal.CountByOrigin(CrmRecords.LeadType, "4102"));
        Assert.Equal(TopicStatus.Written, (await _kit.TopicAsync("4102"))!.Status);
    }

    [Fact]
    public async Task WebhookRevoked_StoppedToldOnce_NothingLost_WrittenAfterTheFix()
    {
        _kit.Portal.Revoked = true;
        await _kit.SeedAsync(RecruitingKit.Person("5001"), RecruitingKit.Person("5002", "Gleb", "Popov", "+79160005002"));

        var first = await _kit.DrainAsync();
        var second = await _kit.DrainAsync();
        var told = _kit.App.Telegram.Messages.Count(m => m.Text.Contains("Bitrix24 refuses", StringComparison.Ordinal));
        _kit.Portal.Revoked = false;
        var fixedRun = await _kit.DrainAsync();

        Assert.NotNull(first.Stopped);
        Assert.NotNull(second.Stopped);
        Assert.Equal(1, told);
        Assert.Equal(2, fixedRun.Written);
        Assert.Equal(2, _kit.Portal.Count(CrmRecords.LeadType));
        Assert.Contains(_kit.App.Telegram.Messages, m => m.Text.Contains("accepts writes again", StringComparison.Ordinal));
        Assert.DoesNotContain(_kit.App.Telegram.Messages, m => m.Text.Contains(FakeBitrix24Portal.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TimeLimit_PausedUntilThePortalSays_NoWriteBefore()
    {
        await _kit.SeedAsync(RecruitingKit.Person("6001"));
        _kit.Portal.Fail("*", Bitrix24Fault.TimeLimitWithoutTime);

        var paused = await _kit.DrainAsync();
        var requests = _kit.Portal.HttpRequests;
        var early = await _kit.DrainAsync();
        var afterEarly = _kit.Portal.HttpRequests;
        var booked = _kit.Drains.Sent.Max(d => d.Delay);
        _kit.App.Time.Advance(TimeSpan.FromMinutes(11));
        var later = await _kit.DrainAsync();

        Assert.Equal(0, paused.Written);
        Assert.Equal(0, early.Written);
        Assert.Equal(requests, afterEarly); // the paused drain made no request
        Assert.True(booked >= TimeSpan.FromMinutes(9), $"the drain after a time limit was booked {booked} ahead");
        Assert.Equal(1, later.Written);
    }

    [Fact]
    public async Task QueryLimit503_BackedOffAndWritten()
    {
        await _kit.SeedAsync(RecruitingKit.Person("6101"));
        _kit.Portal.Fail("batch", Bitrix24Fault.QueryLimit);

        var result = await _kit.DrainAsync();

        Assert.Equal(1, result.Written);
        Assert.Equal(1, _kit.Portal.CountByOrigin(CrmRecords.LeadType, "6101"));
    }

    [Fact]
    public async Task NotConfigured_ToldOnce_ResponsesWait()
    {
        using var kit = RecruitingKit.Create(new Dictionary<string, string?> { ["Bitrix24:WebhookUrl"] = null });
        await kit.SeedAsync(RecruitingKit.Person("7001"));

        await kit.DrainAsync();
        await kit.DrainAsync();

        Assert.Single(kit.App.Telegram.Messages, m => m.Text.Contains("Bitrix24__WebhookUrl is not set", StringComparison.Ordinal));
        Assert.Equal(TopicStatus.Pending, (await kit.TopicAsync("7001"))!.Status);
        Assert.Equal(0, kit.Portal.HttpRequests);
    }

    [Fact]
    public async Task TwoInstancesDrainAtOnce_EachResponseOnce()
    {
        using var other = _kit.Sibling();
        var people = Enumerable.Range(0, 40).Select(i => RecruitingKit.Person((8000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), "P" + i, "L" + i, "+7916800" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        await _kit.SeedAsync(people);

        var results = await Task.WhenAll(_kit.DrainAsync(), other.DrainAsync());
        await _kit.DrainAsync();

        Assert.Equal(40, _kit.Portal.Count(CrmRecords.LeadType));
        Assert.Empty(_kit.Portal.DuplicateOrigins(CrmRecords.LeadType));
        Assert.All(await Task.WhenAll(people.Select(p => _kit.TopicAsync(p.TopicId))), t => Assert.Equal(TopicStatus.Written, t!.Status));
        Assert.Contains(results, r => r.Written > 0);
    }

    [Fact]
    public async Task Logs_HoldNoPersonalDataAndNoWebhookSecret()
    {
        await _kit.SeedAsync(RecruitingKit.Person("9001", "Zinaida", "Kolesnikova", "+79163334455", "zina@example.org"));
        _kit.Portal.Fail("batch", Bitrix24Fault.AnswerLostAfterDone);
        await _kit.DrainAsync();
        await _kit.DrainAsync();

        var logs = _kit.AllLogs();
        foreach (var secret in FakeBitrix24Portal.Secrets.Concat(["Zinaida", "Kolesnikova", "79163334455", "zina@example.org"]))
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }
}

/// <summary>Deal mode: a contact per person, a deal per response in the configured pipeline.</summary>
public sealed class CrmWriterDealModeTests : IDisposable
{
    private readonly RecruitingKit _kit = RecruitingKit.Create(new Dictionary<string, string?> { ["Bitrix24:Entity"] = "deal", ["Bitrix24:DealCategoryId"] = "3" });

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task NewPerson_AContactAndADealInThePipeline_InOneBatch()
    {
        await _kit.SeedAsync(RecruitingKit.Person("1101", owner: "owner-a"));

        var result = await _kit.DrainAsync();

        Assert.Equal(1, result.Written);
        var contact = Assert.Single(_kit.Portal.Items(CrmRecords.ContactType));
        var deal = Assert.Single(_kit.Portal.Items(CrmRecords.DealType));
        Assert.Equal(contact["id"]?.ToString(), deal["contactId"]?.ToString());
        Assert.Equal("3", deal["categoryId"]?.ToString());
        Assert.Equal("1101", deal["originId"]?.ToString());
        var record = await _kit.TopicAsync("1101");
        Assert.Equal("deal", record!.CrmKind);
        Assert.NotNull(record.ContactId);
    }

    [Fact]
    public async Task SamePersonAgain_ASecondDealOnTheSameContact()
    {
        await _kit.SeedAsync(RecruitingKit.Person("1201", owner: "owner-b"));
        await _kit.DrainAsync();
        await _kit.SeedAsync(RecruitingKit.Person("1202", owner: "owner-b", vacancy: "Architect"));

        await _kit.DrainAsync();

        Assert.Single(_kit.Portal.Items(CrmRecords.ContactType));
        var deals = _kit.Portal.Items(CrmRecords.DealType);
        Assert.Equal(2, deals.Count);
        Assert.Single(deals.Select(d => d["contactId"]?.ToString()).Distinct());
    }

    [Fact]
    public async Task AnswerLost_NeitherContactNorDealMadeTwice()
    {
        await _kit.SeedAsync(RecruitingKit.Person("1301", owner: "owner-c"));
        await _kit.DrainAsync();
        await _kit.SeedAsync(RecruitingKit.Person("1302", "Lev", "Gusev", "+79161302000", owner: "owner-d"));
        _kit.Portal.Fail("batch", Bitrix24Fault.AnswerLostAfterDone);

        await _kit.DrainAsync();
        await _kit.DrainAsync();

        Assert.Equal(2, _kit.Portal.Count(CrmRecords.ContactType));
        Assert.Equal(2, _kit.Portal.Count(CrmRecords.DealType));
        Assert.Empty(_kit.Portal.DuplicateOrigins(CrmRecords.DealType));
        Assert.Empty(_kit.Portal.DuplicateOrigins(CrmRecords.ContactType));
    }
}
