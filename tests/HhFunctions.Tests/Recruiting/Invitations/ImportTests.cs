using HhFunctions.Recruiting.Invitations;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;

namespace HhFunctions.Tests.Recruiting.Invitations;

/// <summary>/import never imports a resume on its own: it says hh.ru's rule, and syncs a topic the resume already has at once.</summary>
public sealed class ImportTests
{
    [Fact]
    public async Task Import_OfAResumeWithAResponse_SyncsItAtOnce_WithoutACallback()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.Employer.DropCallbacks = true; // the webhook never brings it
        var topic = kit.Employer.AddResponse(InvitationKit.VacancyId, InvitationKit.ResumeId);

        var reply = await kit.SayAsync("/import https://spb.hh.ru/resume/" + InvitationKit.ResumeId + "?query=dev");
        await kit.SyncAsync();

        Assert.StartsWith("🔄", reply, StringComparison.Ordinal);
        Assert.Contains(topic.Id, reply, StringComparison.Ordinal);
        Assert.Contains(InvitationKit.VacancyName, reply, StringComparison.Ordinal);
        Assert.Equal(topic.Id, Assert.Single(kit.Leads())["originId"]?.ToString());
        Assert.Empty(kit.Employer.InvitationPosts); // nothing is sent to the candidate
    }

    [Fact]
    public async Task Import_Twice_OneRecord_TheSecondSaysItIsThere()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.Employer.DropCallbacks = true;
        kit.Employer.AddResponse(InvitationKit.VacancyId, InvitationKit.ResumeId);

        await kit.SayAsync("/import " + InvitationKit.ResumeLink);
        await kit.SyncAsync();
        var second = await kit.SayAsync("/import " + InvitationKit.ResumeLink);
        await kit.SyncAsync();

        Assert.Contains("already in Bitrix24", second, StringComparison.Ordinal);
        Assert.Single(kit.Leads());
    }

    [Fact]
    public async Task Import_OfAResumeWithoutATopic_SaysTheRuleAndHowToInvite_ImportsNothing()
    {
        using var kit = await InvitationKit.ConnectedAsync();

        var reply = await kit.SayAsync("/import " + InvitationKit.ResumeLink);
        await kit.SyncAsync();

        Assert.Contains("only candidates who responded to a vacancy or were invited", reply, StringComparison.Ordinal);
        Assert.Contains("/invite https://hh.ru/resume/" + InvitationKit.ResumeId, reply, StringComparison.Ordinal);
        Assert.Empty(kit.Events.SentQueue);
        Assert.Empty(kit.Leads());
        Assert.Empty(kit.Employer.InvitationPosts);
        Assert.Equal(0, kit.Employer.ResumeViews); // the resume itself is never read for an /import
    }

    [Theory]
    [InlineData("/import")]
    [InlineData("/import https://hh.ru/vacancy/123")]
    [InlineData("/import <b>x</b>")]
    public async Task Import_BadInput_SaysHowToUseIt(string text)
    {
        using var kit = await InvitationKit.ConnectedAsync();

        var reply = await kit.SayAsync(text);

        Assert.Contains("/import", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>x", reply, StringComparison.Ordinal);
        Assert.Empty(kit.Events.SentQueue);
    }

    [Fact]
    public async Task Import_WhenHhRefusesWithAnHtmlPage_SaysSo_AndLosesNothing()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.Employer.DropCallbacks = true;
        kit.Employer.AddResponse(InvitationKit.VacancyId, InvitationKit.ResumeId);
        kit.App.Hh.Fail("employers/", () => HhFunctions.Testing.FakeHhApi.Html(System.Net.HttpStatusCode.Forbidden));

        var reply = await kit.SayAsync("/import " + InvitationKit.ResumeLink);

        Assert.StartsWith("⛔", reply, StringComparison.Ordinal);
        Assert.Contains("not its API", reply, StringComparison.Ordinal);
        Assert.Empty(kit.Events.SentQueue);
        Assert.Equal(InviteOutcome.Synced, (await ImportAgainAsync(kit)).Outcome); // the reconcile run or a later /import brings it in

        static async Task<InviteResult> ImportAgainAsync(RecruitingKit kit)
        {
            Assert.Equal(0, kit.App.Hh.FaultsLeft);
            using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.DependencyInjection.IServiceScopeFactory>(kit.Services).CreateScope();
            var service = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<InvitationService>(scope.ServiceProvider);
            return await kit.App.Time.RunAsync(service.ImportAsync(InvitationKit.ResumeLink, CancellationToken.None), TimeSpan.FromMilliseconds(50));
        }
    }
}
