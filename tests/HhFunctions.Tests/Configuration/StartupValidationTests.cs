using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Configuration;

public sealed class StartupValidationTests
{
    public static TheoryData<string, string?, string> BrokenSettings => new()
    {
        { "Bump:Schedule", "every four hours", "Bump__Schedule" },
        { "Bump:Schedule", "1 */4 * * *", "Bump__Schedule" },
        { "Bump:MaxWait", "01:00:00", "Bump__MaxWait" },
        { "HeadHunter:ApiBaseUrl", "/relative", "HeadHunter__ApiBaseUrl" },
        { "HeadHunter:OAuthBaseUrl", "ftp://hh.ru", "HeadHunter__OAuthBaseUrl" },
        { "HeadHunter:ClientSecret", null, "HeadHunter__ClientId and HeadHunter__ClientSecret must be set together" },
        { "HeadHunter:UserAgent", "", "HeadHunter__UserAgent" },
        { "Telegram:ChatId", "@my_channel", "Telegram__ChatId" },
        { "Telegram:ChatId", null, "Telegram__ChatId" },
        { "Telegram:BotToken", "not-a-token", "Telegram__BotToken" },
        { "Storage:TablePrefix", "1-bad", "Storage__TablePrefix" },
        { "App:PublicBaseUrl", "mailto:me@example.com", "App__PublicBaseUrl" },
        { "HeadHunter:AttemptTimeout", "00:30:00", "HeadHunter__AttemptTimeout" },
        { "Telegram:PollTimeoutSeconds", "99", "Telegram__PollTimeoutSeconds" },
        { "KeyVault:TokenSecretName", "hh token!", "KeyVault__TokenSecretName" },
        { "Search:Schedule", "", "Search__Schedule" },
        { "Apply:DailyLimit", "500", "Apply__DailyLimit" },
        { "Apply:Llm:Timeout", "00:10:00", "Apply__Llm__Timeout" }, // a nested section's rules are checked too
        { "Telegram:WebhookSecret", "has spaces", "Telegram__WebhookSecret" },
        { "Storage:ConnectionString", "not-a-connection-string", "Storage__ConnectionString is not a storage connection string" },
    };

    [Theory]
    [MemberData(nameof(BrokenSettings))]
    public async Task Start_BrokenSetting_FailsNamingTheSetting(string key, string? value, string expected)
    {
        var ex = await StartUp.FailsAsync(new Dictionary<string, string?> { [key] = value });

        Assert.Contains(expected, ex.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, HhFunctions.Configuration.StartupGuard.Describe(ex), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_HttpsAddressWithACertificate_Starts()
    {
        // The standalone host's slim builder leaves HTTPS out unless an https:// address asks for it.
        var folder = Directory.CreateTempSubdirectory("hhfunctions-cert-");
        try
        {
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
            var pfx = Path.Combine(folder.FullName, "localhost.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "test"));

            var failure = await StartUp.TryStartAsync(new Dictionary<string, string?>
            {
                ["urls"] = "https://127.0.0.1:0",
                ["Kestrel:Certificates:Default:Path"] = pfx,
                ["Kestrel:Certificates:Default:Password"] = "test",
            });

            Assert.Null(failure);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_BrokenStorageConnectionString_FailsWithOneLineAndDoesNotEchoTheValue()
    {
        const string broken = "AccountName=me;AccountKey=secret-key-value-that-must-not-be-echoed;NotAKeyword";

        var ex = await StartUp.FailsAsync(new Dictionary<string, string?> { ["Storage:ConnectionString"] = broken });

        Assert.Contains("Storage__ConnectionString", HhFunctions.Configuration.StartupGuard.Describe(ex), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key-value", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BrokenBotToken_DoesNotEchoTheValue()
    {
        const string secretish = "secret-value-that-must-not-be-echoed";

        var ex = await StartUp.FailsAsync(new Dictionary<string, string?> { ["Telegram:BotToken"] = secretish });

        Assert.DoesNotContain(secretish, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoHhOrTelegramSettings_StartsAndSaysWhatIsMissing()
    {
        // Embedded defaults: the app must start on a fresh machine with nothing configured.
        using var app = AppFactory.With(new Dictionary<string, string?>
        {
            ["HeadHunter:ClientId"] = null,
            ["HeadHunter:ClientSecret"] = null,
            ["Telegram:BotToken"] = null,
            ["Telegram:ChatId"] = null,
            ["App:PublicBaseUrl"] = null,
        });
        using var client = app.CreateClient();

        var status = await client.GetAsync(new Uri("/api/status", UriKind.Relative));
        var start = await client.GetAsync(new Uri("/api/oauth/start", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, status.StatusCode);
        Assert.Contains("HeadHunter__ClientId", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, start.StatusCode);
        Assert.Contains("HeadHunter__ClientId", await start.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Message.Contains("HeadHunter__ClientId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_KeyVaultUriNotHttps_FailsWithClearMessage()
    {
        var ex = await StartUp.FailsAsync(new Dictionary<string, string?> { ["KeyVault:Uri"] = "http://vault.example" });

        Assert.Contains("KeyVault__Uri", ex.ToString(), StringComparison.Ordinal);
    }
}
