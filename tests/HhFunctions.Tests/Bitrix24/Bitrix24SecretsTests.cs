using System.Text.Json.Nodes;
using Azure;
using Azure.Security.KeyVault.Secrets;
using HhFunctions.Bitrix24;
using HhFunctions.Configuration;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace HhFunctions.Tests.Bitrix24;

/// <summary>
/// The webhook address is a secret (its path holds the key): it comes from Key Vault as Bitrix24--WebhookUrl, and no
/// log line, exception or start-up message ever shows it.
/// </summary>
public sealed class Bitrix24SecretsTests
{
    private static readonly string Url = FakeBitrix24Portal.WebhookUrl.AbsoluteUri;

    /// <summary>The client as the app registers it (AddBitrix24), over the fake portal, logging everything at Trace.</summary>
    private static IHost BuildHost(FakeTimeProvider time, FakeBitrix24Portal portal, Action<IConfigurationBuilder> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        configure(builder.Configuration);
        builder.Logging.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IHttpMessageHandlerBuilderFilter>(new FakeNetworkFilter(new FakeNetwork(new FakeHhApi(time), new FakeTelegramApi()) { Bitrix24 = portal }));
        builder.AddBitrix24();
        return builder.Build();
    }

    [Fact]
    public async Task AddBitrix24_EveryOutcomeAtTraceLevel_NoLogOrExceptionShowsTheWebhook()
    {
        var time = FakeClock.Create();
        var portal = new FakeBitrix24Portal(time);
        using var host = BuildHost(time, portal, c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bitrix24:WebhookUrl"] = Url,
            ["Bitrix24:AttemptTimeout"] = "00:00:20",
        }));
        var client = host.Services.GetRequiredService<IBitrix24Client>();
        var texts = new List<string>();

        async Task Attempt(Func<Task> call)
        {
            try
            {
                await time.RunAsync(call(), TimeSpan.FromSeconds(0.1));
            }
            catch (Bitrix24Exception ex)
            {
                texts.Add(ex.ToString());
            }
        }

        var lead = Bitrix24Kit.Lead();
        await Attempt(() => client.CallAsync("crm.item.add", lead, CancellationToken.None));
        await Attempt(() => client.BatchAsync([new("a", "crm.item.list", new JsonObject { ["entityTypeId"] = 1 })], CancellationToken.None));
        portal.Fail("crm.item.add", Bitrix24Fault.QueryLimit, times: 2);
        await Attempt(() => client.CallAsync("crm.item.add", lead, CancellationToken.None));
        foreach (var fault in new[] { Bitrix24Fault.HtmlPage, Bitrix24Fault.ServerError, Bitrix24Fault.Hang, Bitrix24Fault.AnswerLostAfterDone, Bitrix24Fault.PortalDeleted })
        {
            portal.Fail("crm.item.add", fault);
            await Attempt(() => client.CallAsync("crm.item.add", lead, CancellationToken.None));
        }

        portal.MissingCrmScope = true;
        await Attempt(() => client.CallAsync("crm.item.add", lead, CancellationToken.None));
        portal.MissingCrmScope = false;
        portal.Revoked = true;
        await Attempt(() => client.CallAsync("crm.item.add", lead, CancellationToken.None));
        portal.Revoked = false;
        portal.Fail("crm.item.list", Bitrix24Fault.TimeLimitWithoutTime);
        await Attempt(() => client.CallAsync("crm.item.list", new JsonObject { ["entityTypeId"] = 1 }, CancellationToken.None));

        var logs = host.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Equal(8, texts.Count);
        Assert.Contains(logs, r => r.Category == typeof(Bitrix24Client).FullName); // the log was on
        Assert.DoesNotContain(logs, r => r.Category?.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) == true); // its loggers write the URL
        var logged = logs.Select(r => r.Category + " " + r.Message + " " + r.Exception + " " + string.Join(" ", r.StructuredState?.Select(kv => kv.Value) ?? []));
        foreach (var text in texts.Concat(logged))
        {
            foreach (var secret in FakeBitrix24Portal.Secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task KeyVaultSecret_Bitrix24WebhookUrl_BecomesTheWebhookSetting()
    {
        var vault = new Mock<SecretClient>(MockBehavior.Strict);
        SecretProperties[] names = [new("Bitrix24--WebhookUrl") { Enabled = true }, new("hh-oauth-token") { Enabled = true }, new("Telegram--BotToken") { Enabled = false }];
        vault.Setup(c => c.GetPropertiesOfSecrets(It.IsAny<CancellationToken>()))
            .Returns(Pageable<SecretProperties>.FromPages([Page<SecretProperties>.FromValues(names, null, Mock.Of<Response>())]));
        var secret = Response.FromValue(SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(name: "Bitrix24--WebhookUrl"), Url), Mock.Of<Response>());
        vault.Setup(c => c.GetSecret("Bitrix24--WebhookUrl", null, It.IsAny<CancellationToken>())).Returns(secret);
        vault.Setup(c => c.GetSecret("Bitrix24--WebhookUrl", null, null, It.IsAny<CancellationToken>())).Returns(secret);
        var time = FakeClock.Create();
        var portal = new FakeBitrix24Portal(time);

        using var host = BuildHost(time, portal, c => c.Add(new KeyVaultConfigurationSource(vault.Object, "hh-oauth-token")));
        var client = host.Services.GetRequiredService<IBitrix24Client>();
        var sources = await client.CallAsync("crm.status.list", new JsonObject { ["filter"] = new JsonObject { ["ENTITY_ID"] = "SOURCE" } }, CancellationToken.None);

        Assert.Equal(Url, host.Services.GetRequiredService<IConfiguration>()["Bitrix24:WebhookUrl"]);
        Assert.True(client.IsConfigured);
        Assert.NotEmpty(sources!.AsArray()); // the portal accepted the webhook's user and secret
        Assert.Equal(1, portal.HttpRequests);
    }

    [Theory]
    [InlineData("https://portal.invalid/rest/1/k3yFromTheVault9x/crm.lead.add.json")]
    [InlineData("http://portal.invalid/rest/1/k3yFromTheVault9x/")]
    [InlineData("https://portal.invalid/rest/k3yFromTheVault9x/")]
    [InlineData("portal.invalid/rest/1/k3yFromTheVault9x/")]
    public async Task Start_BadWebhookAddress_FailsNamingTheSettingNotItsValue(string url)
    {
        var ex = await StartUp.FailsAsync(new Dictionary<string, string?> { ["Bitrix24:WebhookUrl"] = url });

        var message = StartupGuard.Describe(ex);
        Assert.NotNull(message);
        Assert.Contains("Bitrix24__WebhookUrl", message, StringComparison.Ordinal);
        Assert.DoesNotContain("k3yFromTheVault9x", message, StringComparison.Ordinal);
        Assert.DoesNotContain("k3yFromTheVault9x", ex.ToString(), StringComparison.Ordinal);
    }
}
