using System.Net;
using HhFunctions.OAuth;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Reliability;
using HhFunctions.Tokens;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Tokens;

/// <summary>Repeated conditions must not turn into repeated requests or repeated messages.</summary>
public sealed class TokenManagerQuietTests
{
    [Fact]
    public async Task GetCurrentAsync_StoredExpiryPassedButHhSaysNotExpired_AsksHhOnceNotOnEveryCall()
    {
        using var app = new AppFactory();
        var seeded = await FaultHarness.SeedConnectedAsync(app);
        using var scope = app.Services.CreateScope();
        var vault = scope.ServiceProvider.GetRequiredService<ITokenVault>();
        // Our record says expired; hh.ru still has 14 days on the access token.
        await vault.WriteAsync(seeded with { ExpiresAt = app.Time.GetUtcNow().AddMinutes(-1) }, CancellationToken.None);
        var tokens = scope.ServiceProvider.GetRequiredService<TokenManager>();

        var first = await app.Time.RunAsync(tokens.GetCurrentAsync(CancellationToken.None));
        var second = await app.Time.RunAsync(tokens.GetCurrentAsync(CancellationToken.None));

        Assert.Equal(seeded.AccessToken, first.AccessToken);
        Assert.Equal(seeded.AccessToken, second.AccessToken);
        Assert.Equal(1, app.Hh.RefreshCalls);
        Assert.Equal(0, app.Hh.SuccessfulRefreshes);
        Assert.True((await vault.ReadAsync(CancellationToken.None))!.ExpiresAt > app.Time.GetUtcNow());
    }

    [Fact]
    public async Task RefreshAsync_InvalidClientTwice_OwnerToldOnce()
    {
        using var app = new AppFactory();
        var seeded = await FaultHarness.SeedConnectedAsync(app, TimeSpan.FromDays(1));
        app.Time.Advance(TimeSpan.FromDays(2));
        app.Hh.Fail("token", () => FakeHhApi.Json(HttpStatusCode.BadRequest, """{"error":"invalid_client","error_description":"client_id or client_secret not found"}"""), 2);
        using var scope = app.Services.CreateScope();
        var tokens = scope.ServiceProvider.GetRequiredService<TokenManager>();

        var one = await Assert.ThrowsAsync<TokenUnavailableException>(() => app.Time.RunAsync(tokens.GetCurrentAsync(CancellationToken.None)));
        var two = await Assert.ThrowsAsync<TokenUnavailableException>(() => app.Time.RunAsync(tokens.GetCurrentAsync(CancellationToken.None)));

        Assert.Equal(TokenProblem.Configuration, one.Problem);
        Assert.Equal(TokenProblem.Configuration, two.Problem);
        Assert.Single(app.Telegram.Messages, m => m.Text.Contains("configuration", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(seeded.RefreshToken, (await scope.ServiceProvider.GetRequiredService<ITokenVault>().ReadAsync(CancellationToken.None))!.RefreshToken);
    }

    [Fact]
    public async Task SetupLink_OpenedWhileCredentialsMissing_IsNotUsedUp()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["HeadHunter:ClientId"] = null, ["HeadHunter:ClientSecret"] = null });
        using var scope = app.Services.CreateScope();
        var link = await scope.ServiceProvider.GetRequiredService<SetupLinks>().CreateAsync(CancellationToken.None);
        var t = System.Web.HttpUtility.ParseQueryString(link.Query)["t"]!;
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(new Uri("/api/oauth/link?t=" + Uri.EscapeDataString(t), UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("HeadHunter__ClientId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var state = scope.ServiceProvider.GetRequiredService<IStateStore>();
        Assert.Equal(ConsumeResult.Accepted, await state.ConsumeOneTimeTokenAsync(OneTimePurpose.SetupLink, t, app.Time.GetUtcNow(), CancellationToken.None));
    }
}
