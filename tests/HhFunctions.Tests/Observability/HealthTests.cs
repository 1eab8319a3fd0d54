using System.Net;
using System.Text.Json;
using HhFunctions.Recruiting;
using HhFunctions.State;
using HhFunctions.Tests.Bumping;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Recruiting;
using HhFunctions.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moq;

namespace HhFunctions.Tests.Observability;

/// <summary>GET /api/health: 200 healthy, and each failing check alone turns it to 503 naming that check.</summary>
public sealed class HealthTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(AppFactory app)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static List<string> Failing(JsonElement body) => body.GetProperty("failing").EnumerateArray().Select(e => e.GetString()!).ToList();

    [Fact]
    public async Task Health_ConnectedAndRecent_200Healthy_WithEveryCheckAndNoSecret()
    {
        await using var app = BumpTestExtensions.CreateApp(new Dictionary<string, string?> { ["Bump:StandaloneScheduler"] = "true" });
        var tokens = await app.ConnectAsync();
        await app.RunAsync();

        var (status, body) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Empty(Failing(body));
        var names = body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["stateStore", "tokenVault", "account", "lastRun"], names.Take(4));
        var text = body.GetRawText();
        Assert.DoesNotContain(tokens.AccessToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(AppSeed.AccountName, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_StateStoreUnreachable_503NamingIt()
    {
        var failing = new Mock<IStateStore>();
        failing.Setup(s => s.GetAccountAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new StateStoreException("down"));
        failing.Setup(s => s.GetRecentRunsAsync(It.IsAny<int>(), It.IsAny<CancellationToken>())).ThrowsAsync(new StateStoreException("down"));
        await using var app = BumpTestExtensions.CreateApp().WithServices(s => s.Replace(ServiceDescriptor.Singleton(failing.Object)));

        var (status, body) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Contains("stateStore", Failing(body));
    }

    [Fact]
    public async Task Health_TokenVaultUnreadable_503NamingOnlyIt()
    {
        var vault = new Mock<ITokenVault>();
        vault.Setup(v => v.ReadAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new TokenVaultException("forbidden"));
        vault.SetupGet(v => v.Description).Returns("test vault");
        await using var app = BumpTestExtensions.CreateApp().WithServices(s => s.Replace(ServiceDescriptor.Singleton(vault.Object)));

        var (status, body) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(["tokenVault"], Failing(body));
    }

    [Fact]
    public async Task Health_ConnectionLost_503NamingTheAccount()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        await app.Services.GetRequiredService<IStateStore>().UpdateAccountAsync(a => a with { Status = AccountStatus.NeedsReconnect }, CancellationToken.None);

        var (status, body) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(["account"], Failing(body));
    }

    [Fact]
    public async Task Health_AScheduledRunMissed_503NamingTheLastRun()
    {
        await using var app = BumpTestExtensions.CreateApp(new Dictionary<string, string?> { ["Bump:StandaloneScheduler"] = "true", ["Bump:Schedule"] = "0 1 */4 * * *" });
        await app.ConnectAsync();
        var now = app.Time.GetUtcNow();
        await app.Services.GetRequiredService<IStateStore>().AddRunAsync(new RunRecord("old", "timer", now.AddHours(-9), now.AddHours(-9), RunStatus.Succeeded, "0 raised", []), CancellationToken.None);

        var (status, body) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(["lastRun"], Failing(body));
    }

    [Fact]
    public async Task Health_FailedResponsesPileUp_503NamingTheBacklog()
    {
        using var kit = RecruitingKit.Create();
        await kit.ConnectEmployerAccountAsync();
        var store = kit.Services.GetRequiredService<IRecruitingStore>();
        var now = kit.App.Time.GetUtcNow();
        for (var i = 0; i < FailedEventsProbe.Backlog; i++)
        {
            await store.UpdateTopicAsync("t" + i, _ => new TopicRecord("t" + i, TopicStatus.Failed, now, now) { Problem = "hh.ru refused" }, CancellationToken.None);
        }

        var (status, body) = await HealthAsync(kit.App);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(["failedEvents"], Failing(body));
    }
}
