using System.Net;
using System.Text.RegularExpressions;
using HhFunctions.Jobs;
using HhFunctions.Tests.Infrastructure;

namespace HhFunctions.Tests.Functions;

/// <summary>The status page's "Raise now" form: antiforgery-checked, queued, run once by the queue's consumer.</summary>
public sealed partial class StatusRaiseNowTests
{
    [Fact]
    public async Task RaiseNow_FromThePagesForm_QueuesOneRunRecordedAsStatusPage()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Senior C# developer");
        using var client = app.CreateClient(); // keeps the antiforgery cookie, as a browser does
        var page = await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));
        var token = FormToken().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__hh_form"] = System.Net.WebUtility.HtmlDecode(token), ["action"] = "bump" });
        using var response = await client.PostAsync(new Uri("/api/status", UriKind.Relative), form);
        await app.BotIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("Raise queued", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(app.Hh.Resumes[0].Raises);
        var run = Assert.Single(await app.State().GetRecentRunsAsync(5, default));
        Assert.Equal(BumpRequestHandler.StatusPageTrigger, run.Trigger);
    }

    [Fact]
    public async Task RaiseNow_TokenFromAnotherBrowser_400AndNothingQueued()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Senior C# developer");
        using var owner = app.CreateClient();
        var token = FormToken().Match(await owner.GetStringAsync(new Uri("/api/status", UriKind.Relative))).Groups[1].Value;
        using var stranger = app.CreateClient(); // a cross-site form: the token without the owner's cookie

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__hh_form"] = System.Net.WebUtility.HtmlDecode(token), ["action"] = "bump" });
        using var response = await stranger.PostAsync(new Uri("/api/status", UriKind.Relative), form);
        await app.BotIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Hh.Resumes[0].Raises);
        Assert.Empty(await app.State().GetRecentRunsAsync(5, default));
    }

    [Fact]
    public async Task StatusPage_NotConnected_OffersNoRaiseNowButton()
    {
        using var app = new AppFactory();
        using var client = app.CreateClient();

        var page = await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));

        Assert.DoesNotContain("raise-now", page, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__hh_form\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
