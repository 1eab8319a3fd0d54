using System.Net;
using HhFunctions.Recruiting.Invitations;
using HhFunctions.Testing;
using HhFunctions.Tests.Recruiting;
using HhFunctions.Tests.Recruiting.Invitations;
using Xunit.Abstractions;

namespace HhFunctions.Tests.Reliability;

/// <summary>
/// Invite by link's fault matrix: a recruiter invites one candidate found on hh.ru, and each case injects one fault on
/// the way (the command repeated, hh.ru's answer lost after it made the invitation, lost before, lost with hh.ru
/// unreachable for the look-up, two app instances at once, with and without a lost answer). The recruiter repeats the
/// command until the app says the candidate is invited, as a person would. Measured: invitations sent twice (hh.ru made
/// more than one) and invitations lost (none made, or no record in Bitrix24); both must be 0.
/// </summary>
public sealed class InvitationFaultMatrixTests(ITestOutputHelper output)
{
    private const int MaxTries = 4;

    public static TheoryData<string> Cases => new()
    {
        "the command sent three times",
        "hh.ru 502 after making the invitation",
        "hh.ru drops the connection after making the invitation",
        "hh.ru 504 after making it, and unreachable for the look-up",
        "hh.ru 502 before making it",
        "two app instances at once",
        "two app instances at once, hh.ru's answer lost",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fault_NoInvitationSentTwice_NoneLost(string fault)
    {
        using var kit = await InvitationKit.ConnectedAsync();
        using var sibling = fault.StartsWith("two app instances", StringComparison.Ordinal) ? kit.Sibling() : null;
        Inject(kit, fault);

        // The recruiter sends /invite again until the app says the candidate is invited (or already was).
        var tries = 0;
        while (tries < MaxTries)
        {
            tries++;
            var results = sibling is null || tries > 1
                ? [await kit.InviteAsync()]
                : await Task.WhenAll(kit.InviteAsync(), sibling.InviteAsync());
            var settled = results.Any(r => r.Outcome is InviteOutcome.Invited or InviteOutcome.Refused);
            if (settled && (fault != "the command sent three times" || tries >= 3))
            {
                break;
            }
        }

        await kit.SyncAsync();

        var made = kit.Employer.InvitationsMadeFor(InvitationKit.ResumeId, InvitationKit.VacancyId);
        var posts = kit.Employer.InvitationPostsFor(InvitationKit.ResumeId, InvitationKit.VacancyId);
        var sentTwice = Math.Max(0, made - 1);
        var leads = kit.Leads().Count;
        var lost = made == 0 || leads == 0 ? 1 : 0;
        var detail = $"invitations {made}, posts {posts}, sent twice {sentTwice}, lost {lost}, leads {leads}, commands {tries + (sibling is null ? 0 : 1)}";
        output.WriteLine($"{fault}: {detail}");
        ReliabilityLedger.Record(LedgerKind.Invitation, "invitation: " + fault, sentTwice == 0 && lost == 0 && leads == 1, 0, detail);

        Assert.Equal(0, kit.App.Hh.FaultsLeft);
        Assert.Equal(0, sentTwice);
        Assert.Equal(0, lost);
        Assert.Equal(1, leads);
    }

    private static void Inject(RecruitingKit kit, string fault)
    {
        switch (fault)
        {
            case "hh.ru 502 after making the invitation":
            case "two app instances at once, hh.ru's answer lost":
                kit.App.Hh.FailAfterHandling("negotiations/phone_interview", () => FakeHhApi.Html(HttpStatusCode.BadGateway));
                break;
            case "hh.ru drops the connection after making the invitation":
                kit.App.Hh.FailAfterHandling("negotiations/phone_interview", () => throw new HttpRequestException("connection reset"));
                break;
            case "hh.ru 504 after making it, and unreachable for the look-up":
                kit.App.Hh.FailAfterHandling("negotiations/phone_interview", () =>
                {
                    kit.App.Hh.Fail("employers/", () => FakeHhApi.Html(HttpStatusCode.ServiceUnavailable));
                    return FakeHhApi.Html(HttpStatusCode.GatewayTimeout);
                });
                break;
            case "hh.ru 502 before making it":
                kit.App.Hh.Fail("negotiations/phone_interview", () => FakeHhApi.Html(HttpStatusCode.BadGateway));
                break;
        }
    }
}
