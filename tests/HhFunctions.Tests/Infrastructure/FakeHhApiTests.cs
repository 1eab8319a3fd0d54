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
}
