using System.Net;
using System.Text.RegularExpressions;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;

namespace HhFunctions.Tests.Recruiting.Invitations;

/// <summary>The invite form at /api/recruiting/invite: antiforgery as the status page's forms (good, wrong, reused, cross-site).</summary>
public sealed partial class InviteFormTests
{
    private static readonly Uri Page = new("/api/recruiting/invite?code=k%2By", UriKind.Relative);

    private static async Task<string> TokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync(Page);
        Assert.Contains("action=\"invite?code=k%2By\"", page, StringComparison.Ordinal); // posts back keeping the function key
        var token = WebUtility.HtmlDecode(FormToken().Match(page).Groups[1].Value);
        Assert.NotEmpty(token);
        return token;
    }

    private static FormUrlEncodedContent Form(string token, string vacancy = InvitationKit.VacancyId) => new(new Dictionary<string, string>
    {
        ["af"] = token,
        ["resume"] = InvitationKit.ResumeLink,
        ["vacancy"] = vacancy,
        ["message"] = "Добрый день",
    });

    [Fact]
    public async Task Form_WithThePagesToken_InvitesOnce_AndTheCandidateLands()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        using var client = kit.App.CreateClient();

        using var response = await kit.App.Time.RunAsync(client.PostAsync(Page, Form(await TokenAsync(client))), TimeSpan.FromMilliseconds(50));
        await kit.SyncAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Invited", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, kit.Employer.InvitationsMadeFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
        Assert.Single(kit.Leads());
    }

    [Fact]
    public async Task Desk_ShowsTheInviteForm_ItsTokenInvitesOnce_AndTheCandidateLands()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        await kit.ReconcileAsync(); // the desk lists the active vacancy, so it shows its forms
        using var client = kit.App.CreateClient();

        var desk = await client.GetStringAsync(new Uri("/api/recruiting?code=k%2By", UriKind.Relative));
        Assert.Contains("id=\"invite-form\"", desk, StringComparison.Ordinal);
        Assert.Contains("action=\"recruiting/invite?code=k%2By\"", desk, StringComparison.Ordinal); // resolves to /api/recruiting/invite, key kept
        var token = WebUtility.HtmlDecode(FormToken().Match(desk).Groups[1].Value);
        Assert.NotEmpty(token);

        using var first = await kit.App.Time.RunAsync(client.PostAsync(Page, Form(token)), TimeSpan.FromMilliseconds(50));
        using var again = await kit.App.Time.RunAsync(client.PostAsync(Page, Form(token)), TimeSpan.FromMilliseconds(50));
        await kit.SyncAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode); // the page's value is single-use
        Assert.Equal(1, kit.Employer.InvitationPostsFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
        Assert.Single(kit.Leads());
    }

    [Fact]
    public async Task Form_SentTwice_TheSecondIsRefused_OneInvitation()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        using var client = kit.App.CreateClient();
        var token = await TokenAsync(client);

        using var first = await kit.App.Time.RunAsync(client.PostAsync(Page, Form(token)), TimeSpan.FromMilliseconds(50));
        using var second = await kit.App.Time.RunAsync(client.PostAsync(Page, Form(token)), TimeSpan.FromMilliseconds(50));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Contains("already sent", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, kit.Employer.InvitationPostsFor(InvitationKit.ResumeId, InvitationKit.VacancyId));
    }

    [Fact]
    public async Task Form_WithAWrongToken_Refused_NothingSent()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        using var client = kit.App.CreateClient();
        await TokenAsync(client);

        using var response = await client.PostAsync(Page, Form("not-the-pages-token"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("antiforgery", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(kit.Employer.InvitationPosts);
    }

    [Fact]
    public async Task Form_CrossSite_Refused_AndItsTokenIsNotSpent()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        using var client = kit.App.CreateClient();
        var token = await TokenAsync(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, Page) { Content = Form(token) };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(kit.Employer.InvitationPosts);
    }

    [Fact]
    public async Task Form_RefusedByHh_SaysWhich_AsJsonProblemToo()
    {
        using var kit = await InvitationKit.ConnectedAsync();
        kit.Employer.PaidAccessRequired = true;
        using var client = kit.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Page) { Content = Form(await TokenAsync(client)) };
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await kit.App.Time.RunAsync(client.SendAsync(request), TimeSpan.FromMilliseconds(50));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no paid access to resumes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(kit.Employer.Negotiations);
    }

    [GeneratedRegex("name=\"af\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
