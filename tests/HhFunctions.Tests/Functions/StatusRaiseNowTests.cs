using System.Net;
using System.Text.RegularExpressions;
using HhFunctions.Bumping;
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

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["af"] = System.Net.WebUtility.HtmlDecode(token), ["form"] = "bump" });
        using var response = await client.PostAsync(new Uri("/api/status", UriKind.Relative), form);
        await app.BotIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("Raise queued", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(app.Hh.Resumes[0].Raises);
        var run = Assert.Single(await app.State().GetRecentRunsAsync(5, default));
        Assert.Equal(BumpRequestHandler.StatusPageTrigger, run.Trigger);
    }

    [Fact]
    public async Task RaiseNow_SameFormSentTwice_SecondRefusedAndOnlyOneRun()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Senior C# developer");
        using var client = app.CreateClient();
        var token = System.Net.WebUtility.HtmlDecode(FormToken().Match(await client.GetStringAsync(new Uri("/api/status", UriKind.Relative))).Groups[1].Value);

        using var first = await client.PostAsync(new Uri("/api/status", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["af"] = token, ["form"] = "bump" }));
        using var second = await client.PostAsync(new Uri("/api/status", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["af"] = token, ["form"] = "bump" }));
        await app.BotIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Single(await app.State().GetRecentRunsAsync(5, default));
    }

    [Fact]
    public async Task RaiseNow_CrossSitePost_403AndNothingQueued()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Senior C# developer");
        using var client = app.CreateClient();
        var token = System.Net.WebUtility.HtmlDecode(FormToken().Match(await client.GetStringAsync(new Uri("/api/status", UriKind.Relative))).Groups[1].Value);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/status", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["af"] = token, ["form"] = "bump" }),
        };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await client.SendAsync(request);
        await app.BotIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
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

    [Theory]
    [InlineData("/api/status", "href=\"vacancies\"", "href=\"applications\"")]
    [InlineData("/api/status?code=k%2By", "href=\"vacancies?code=k%2By\"", "href=\"applications?code=k%2By\"")]
    public async Task StatusPage_LinksTheOtherPages_KeepingTheFunctionKey(string url, string vacancies, string applications)
    {
        using var app = new AppFactory();
        using var client = app.CreateClient();

        var page = await client.GetStringAsync(new Uri(url, UriKind.Relative));

        Assert.Contains(vacancies, page, StringComparison.Ordinal);
        Assert.Contains(applications, page, StringComparison.Ordinal);
    }

    [GeneratedRegex("id=\"raise-now\"><input type=\"hidden\" name=\"form\" value=\"bump\"><input type=\"hidden\" name=\"af\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
