using HhFunctions.Recruiting;
using HhFunctions.Recruiting.Invitations;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;

namespace HhFunctions.Tests.Recruiting.Invitations;

/// <summary>
/// /invite from the owner's chat against the fake hh.ru and the fake portal: an invitation makes one topic, one CRM
/// record and is sent once, whatever is repeated or lost; each refusal is said plainly and makes nothing.
/// </summary>
public sealed class InviteByLinkTests
{
    [Fact]
    public async Task Invite_MakesOneTopic_QueuesIt_AndOneLeadLands()
    {
        using var kit = await InvitationKit.ConnectedAsync();

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId} Здравствуйте, Анна!");

        Assert.StartsWith("✅", reply, StringComparison.Ordinal);
        Assert.Equal(1, kit.Employer.InvitationsMadeFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
        Assert.Equal("Здравствуйте, Анна!", Assert.Single(kit.Employer.InvitationMessages));
        var topic = Assert.Single(kit.Employer.Negotiations);
        Assert.True(topic.Invitation);
        var queued = Assert.Single(kit.Events.SentQueue);
        Assert.Equal(topic.Id, queued.Message.TopicId);
        Assert.Equal(InvitationService.FromInvite, queued.Message.Source);

        await kit.SyncAsync();

        var lead = Assert.Single(kit.Leads());
        Assert.Equal(topic.Id, lead["originId"]?.ToString());
        Assert.Equal(TopicStatus.Written, (await kit.TopicAsync(topic.Id))!.Status);
    }

    [Fact]
    public async Task Invite_SentTwice_OneInvitation_TheSecondSaysSo()
    {
        using var kit = await InvitationKit.ConnectedAsync();

        await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");
        var second = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} https://hh.ru/vacancy/{InvitationKit.VacancyId}");
        await kit.SyncAsync();

        Assert.Contains("already invited", second, StringComparison.Ordinal);
        Assert.Equal(1, kit.Employer.InvitationPostsFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
        Assert.Single(kit.Leads());
    }

    [Fact]
    public async Task Invite_FromTwoInstancesAtOnce_OnePost()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        using var other = kit.Sibling();

        var results = await Task.WhenAll(kit.InviteAsync(), other.InviteAsync());

        Assert.Equal(1, kit.Employer.InvitationPostsFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
        Assert.Single(results, r => r.Outcome == InviteOutcome.Invited);
        Assert.Single(kit.Employer.Negotiations);
    }

    [Fact]
    public async Task Invite_AnswerLostAfterHhMadeIt_LooksItUp_NeverSendsAgain()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.App.Hh.FailAfterHandling("negotiations/phone_interview", () => FakeHhApi.Html(System.Net.HttpStatusCode.BadGateway));

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");
        var again = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");
        await kit.SyncAsync();

        Assert.Contains("answer was lost", reply, StringComparison.Ordinal);
        Assert.Contains("already invited", again, StringComparison.Ordinal);
        Assert.Equal(1, kit.Employer.InvitationPostsFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
        var topic = Assert.Single(kit.Employer.Negotiations);
        Assert.Equal(topic.Id, Assert.Single(kit.Leads())["originId"]?.ToString());
    }

    [Fact]
    public async Task Invite_AnswerLost_AndHhCannotBeChecked_SaysUnknown_ThenSettlesByLookingNotSending()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.App.Hh.FailAfterHandling("negotiations/phone_interview", () =>
        {
            kit.App.Hh.Fail("employers/", () => FakeHhApi.Html(System.Net.HttpStatusCode.ServiceUnavailable));
            return FakeHhApi.Html(System.Net.HttpStatusCode.GatewayTimeout);
        });

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");

        Assert.Contains("unknown whether the candidate was invited", reply, StringComparison.Ordinal);
        Assert.Empty(kit.Events.SentQueue);
        Assert.Equal(0, kit.App.Hh.FaultsLeft);

        var again = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");
        await kit.SyncAsync();

        Assert.Contains("sent earlier", again, StringComparison.Ordinal);
        Assert.Equal(1, kit.Employer.InvitationPostsFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
        Assert.Single(kit.Leads());
    }

    [Fact]
    public async Task Invite_LostBeforeHhMadeIt_SaysSo_AndTheNextCommandLooksThenSends()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.App.Hh.Fail("negotiations/phone_interview", () => FakeHhApi.Html(System.Net.HttpStatusCode.BadGateway));

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");
        var again = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");
        await kit.SyncAsync();

        Assert.Contains("does not show it now", reply, StringComparison.Ordinal);
        Assert.StartsWith("✅", again, StringComparison.Ordinal);
        Assert.Equal(1, kit.Employer.InvitationsMadeFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
        Assert.Single(kit.Leads());
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "paid", "no paid access to resumes" },
        { "database", "no paid access to resumes" },
        { "view-limit", "daily resume-view limit is spent" },
        { "hidden", "hidden or deleted" },
        { "archived", "archived" },
        { "already", "already has a topic" },
        { "unknown-vacancy", "not one of the company's active vacancies" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Invite_Refused_SaysWhichPlainly_AndMakesNothing(string refusal, string said)
    {
        using var kit = await InvitationKit.ConnectedAsync();
        var vacancy = InvitationKit.VacancyId;
        var existing = 0;
        switch (refusal)
        {
            case "paid": kit.Employer.PaidAccessRequired = true; break;
            case "database": kit.Employer.ResumeDatabaseRefusal = "no_available_service"; break;
            case "view-limit": kit.Employer.DailyViewLimit = 0; break;
            case "hidden": kit.Employer.Resumes.Single().Removed = true; break;
            case "archived": kit.Employer.Vacancies.Single().Archived = true; break;
            case "already": kit.Employer.AddInvitation(vacancy, InvitationKit.ResumeId); existing = 1; break;
            case "unknown-vacancy": vacancy = "999999"; break;
        }

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {vacancy}");
        await kit.SyncAsync();

        Assert.StartsWith("⛔", reply, StringComparison.Ordinal);
        Assert.Contains(said, reply, StringComparison.Ordinal);
        Assert.Equal(0, kit.Employer.InvitationsMadeFor(InvitationKit.ResumeId, vacancy));
        Assert.Equal(existing, kit.Employer.Negotiations.Count);
        Assert.Empty(kit.Events.SentQueue);
        Assert.Empty(kit.Leads());
    }

    [Fact]
    public async Task Invite_WhenHhIsUnreachableBeforeThePost_SaysSo_SendsNothing_AndMayBeTriedAgain()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.App.Hh.Throw("employers/", () => new HttpRequestException("connection refused"));

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");
        var again = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");

        Assert.Contains("could not be asked", reply, StringComparison.Ordinal);
        Assert.StartsWith("✅", again, StringComparison.Ordinal);
        Assert.Equal(1, kit.Employer.InvitationPostsFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
    }

    [Fact]
    public async Task Invite_AfterARefusalIsFixed_ANewCommandMayTryAgain()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.Employer.PaidAccessRequired = true;
        await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");
        kit.Employer.PaidAccessRequired = false;

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");

        Assert.StartsWith("✅", reply, StringComparison.Ordinal);
        Assert.Equal(1, kit.Employer.InvitationsMadeFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
    }

    [Fact]
    public async Task Invite_WithoutAMessage_UsesRecruitingInviteMessage()
    {
        using var kit = await InvitationKit.ConnectedAsync(new Dictionary<string, string?> { ["Recruiting:InviteMessage"] = "Приглашаем на собеседование" });

        await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");

        Assert.Equal("Приглашаем на собеседование", Assert.Single(kit.Employer.InvitationMessages));
    }

    [Fact]
    public async Task Invite_MessageRequiredByHh_AndNoneGiven_AsksForOne_SendsNothing()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.Employer.InviteMessageRequired = true;

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");

        Assert.Contains("needs a message", reply, StringComparison.Ordinal);
        Assert.Equal(0, kit.Employer.InvitationPostsFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
    }

    [Theory]
    [InlineData(true, "invitation")]
    [InlineData(false, "phone_interview")]
    public async Task Invite_UsesTheListedAction_OrTheDocumentedDefault(bool listed, string path)
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.Employer.ListInvitationActions = listed;
        kit.Employer.InvitationActionPath = "invitation";

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");

        Assert.StartsWith("✅", reply, StringComparison.Ordinal);
        var post = Assert.Single(kit.App.Hh.Requests, r => r.Method == "POST" && r.Uri.AbsolutePath.StartsWith("/negotiations/", StringComparison.Ordinal));
        Assert.Equal("/negotiations/" + path, post.Uri.AbsolutePath);
        Assert.Contains("resume_id=" + InvitationKit.ResumeId, post.Body, StringComparison.Ordinal);
        Assert.Contains("vacancy_id=" + InvitationKit.VacancyId, post.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invite_WithoutLocation_FindsTheTopicOnHh()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.Employer.InviteLocation = false;

        await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");

        Assert.Equal(kit.Employer.Negotiations.Single().Id, Assert.Single(kit.Events.SentQueue).Message.TopicId);
    }

    [Fact]
    public async Task Invite_OnAnApplicantsAccount_SaysItIsNotAnEmployers()
    {
        using var kit = RecruitingKit.Create();
        await kit.App.ConnectAsync();

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");

        Assert.Contains("not an employer's", reply, StringComparison.Ordinal);
        Assert.DoesNotContain(kit.App.Hh.Requests, r => r.Method == "POST" && r.Uri.AbsolutePath.StartsWith("/negotiations", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/invite")]
    [InlineData("/invite https://hh.ru/resume/a1b2c3d4e5f60718293a4b5c6d7e8f9012ab")]
    [InlineData("/invite not-a-link 700100")]
    [InlineData("/invite https://example.com/resume/a1b2c3d4e5f60718293a4b5c6d7e8f9012ab 700100")]
    [InlineData("/invite https://hh.ru/resume/a1b2c3d4e5f60718293a4b5c6d7e8f9012ab https://hh.ru/employer/1455")]
    [InlineData("/invite https://hh.ru/resume/a1b2c3d4e5f60718293a4b5c6d7e8f9012ab <script>1</script>")]
    public async Task Invite_BadInput_ClearAnswer_NothingSent(string text)
    {
        using var kit = await InvitationKit.ConnectedAsync();

        var reply = await kit.SayAsync(text);

        Assert.Contains("/invite", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", reply, StringComparison.Ordinal);
        Assert.DoesNotContain(kit.App.Hh.Requests, r => r.Method == "POST" && r.Uri.AbsolutePath.StartsWith("/negotiations", StringComparison.Ordinal));
        Assert.Empty(kit.Employer.Negotiations);
    }

    [Fact]
    public async Task Invite_NoPersonalDataOrSecretInLogsOrAnswers()
    {
        using var kit = await InvitationKit.ConnectedAsync();

        var reply = await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId} Привет");
        await kit.SyncAsync();

        var logs = kit.AllLogs();
        foreach (var personal in new[] { "Petrova", "Anna", "candidate@example.com", "123-45-67", "+79261234567" })
        {
            Assert.DoesNotContain(personal, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(personal, reply, StringComparison.Ordinal);
        }

        kit.App.AssertNoSecretLeaked(FakeBitrix24Portal.WebhookUrl.AbsoluteUri);
    }
}
