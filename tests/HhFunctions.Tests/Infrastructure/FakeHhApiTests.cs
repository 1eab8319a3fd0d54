using System.Net;
using HhFunctions.HeadHunter;
using HhFunctions.Testing;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>The fake hh.ru's scripted faults behave as documented: per path, in order.</summary>
public sealed class FakeHhApiTests
{
    [Fact]
    public async Task Fail_FaultsForTwoPaths_EachRequestGetsTheFaultOfItsOwnPath()
    {
        // Arrange
        var time = FakeClock.Create();
        var hh = new FakeHhApi(time);
        using var http = new HttpClient(new FakeNetwork(hh, new FakeTelegramApi()));
        HhTokenClient.ConfigureHttpClient(http, new HhOptions { UserAgent = "HhFunctionsTests/1.0 (tests@example.com)" });
        var client = new HhClient(http);
        var (access, _, _) = hh.SeedTokens();
        hh.Fail("token", () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        hh.Fail("me", () => FakeHhApi.Errors(HttpStatusCode.Forbidden, "oauth", "token_expired"));

        // Act: "me" is asked first although the "token" fault was queued first
        var ex = await Assert.ThrowsAsync<HhApiException>(() => client.GetMeAsync(access, CancellationToken.None));
        var second = await client.GetMeAsync(access, CancellationToken.None);

        // Assert
        Assert.Equal(HhErrorKind.TokenExpired, ex.Error.Kind);
        Assert.Equal("Ivan Petrov", second.DisplayName);
    }

    [Theory]
    [InlineData("http://example.com/oauth", "http://example.com/oauth", true)]
    [InlineData("http://example.com/oauth", "http://www.example.com/oauth", true)]
    [InlineData("http://example.com/oauth", "http://example.com/oauth/sub/path", true)]
    [InlineData("http://example.com/oauth", "http://example.com/oauth?lang=RU", true)]
    [InlineData("http://example.com/oauth", "http://www.example.com/oauth/sub/path?lang=RU", true)]
    [InlineData("http://example.com/oauth", "https://example.com/oauth", false)]
    [InlineData("http://example.com/oauth", "http://wwwexample.com/oauth", false)]
    [InlineData("http://example.com/oauth", "http://example.com/", false)]
    [InlineData("http://example.com/oauth", "http://example.com/oauths", false)]
    [InlineData("http://example.com/oauth", "http://example.com:80/oauth", false)]
    public void RedirectMatches_HhRules(string registered, string given, bool expected) =>
        Assert.Equal(expected, FakeHhApi.RedirectMatches(registered, given));

    [Fact]
    public async Task Codes_WorkOnceForTenMinutesForTheirApplicationAndRedirectOnly()
    {
        var time = FakeClock.Create();
        var hh = new FakeHhApi(time) { RegisteredRedirectUri = "https://hh.ru/" };
        using var http = new HttpClient(new FakeNetwork(hh, new FakeTelegramApi()));
        HhTokenClient.ConfigureHttpClient(http, new HhOptions { UserAgent = "HhFunctionsTests/1.0 (tests@example.com)" });
        var options = Microsoft.Extensions.Options.Options.Create(new HhOptions { ClientId = FakeHhApi.ClientId, ClientSecret = FakeHhApi.ClientSecret });
        var tokens = new HhTokenClient(http, options, time);
        var registered = new Uri("https://hh.ru/");
        var landed = hh.Authorize(new Uri("https://hh.ru/oauth/authorize?response_type=code&client_id=" + FakeHhApi.ClientId + "&state=s1"));
        var code = System.Web.HttpUtility.ParseQueryString(landed.Query)["code"]!;

        var first = await tokens.ExchangeCodeAsync(code, registered, CancellationToken.None);
        var again = await tokens.ExchangeCodeAsync(code, registered, CancellationToken.None);
        var late = hh.IssueCode("https://hh.ru/");
        time.Advance(FakeHhApi.CodeLifetime + TimeSpan.FromSeconds(1));
        var expired = await tokens.ExchangeCodeAsync(late, registered, CancellationToken.None);
        var foreign = await tokens.ExchangeCodeAsync(hh.IssueCode("https://hh.ru/", FakeHhApi.OtherClientId), registered, CancellationToken.None);
        var otherRedirect = await tokens.ExchangeCodeAsync(hh.IssueCode("https://hh.ru/"), new Uri("https://hhfunctions.example/api/oauth/callback"), CancellationToken.None);

        Assert.Equal("https://hh.ru/?code=" + code + "&state=s1", landed.AbsoluteUri);
        Assert.NotNull(first.Tokens);
        Assert.Equal("code has already been used", again.Error!.Description);
        Assert.Equal("code expired", expired.Error!.Description);
        Assert.Equal("code not found", foreign.Error!.Description);
        Assert.Equal("bad redirect url", otherRedirect.Error!.Description);
        Assert.Throws<InvalidOperationException>(() => hh.Authorize(new Uri("https://hh.ru/oauth/authorize?client_id=" + FakeHhApi.ClientId + "&redirect_uri=" + Uri.EscapeDataString("http://hh.ru/"))));
    }

    [Fact]
    public async Task NoApplicantAccess_MeAnswersApplicantCallsGet403Forbidden()
    {
        var time = FakeClock.Create();
        var hh = new FakeHhApi(time) { NoApplicantAccess = true };
        using var http = new HttpClient(new FakeNetwork(hh, new FakeTelegramApi()));
        HhTokenClient.ConfigureHttpClient(http, new HhOptions { UserAgent = "HhFunctionsTests/1.0 (tests@example.com)" });
        var client = new HhClient(http);
        var (access, _, _) = hh.SeedTokens();

        var me = await client.GetMeAsync(access, CancellationToken.None);
        var list = await Assert.ThrowsAsync<HhApiException>(() => client.GetMyResumesAsync(access, CancellationToken.None));
        var publish = await Assert.ThrowsAsync<HhApiException>(() => client.PublishAsync(access, "r1", CancellationToken.None));

        Assert.Equal("42", me.Id);
        Assert.True(list.Error.RefusesApplicantAccess);
        Assert.Equal(HhErrorKind.Forbidden, publish.Error.Kind);
    }
}
