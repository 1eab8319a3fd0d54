using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Telegram;

public sealed class TelegramOptionsTests
{
    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("semicolon;secret")]
    [InlineData("ünïcode-secret")]
    public async Task Start_WebhookSecretWithCharactersTelegramRefuses_FailsNamingTheSettingNotTheValue(string secret)
    {
        var ex = await StartUp.FailsAsync(new Dictionary<string, string?> { ["Telegram:WebhookSecret"] = secret });

        Assert.IsType<OptionsValidationException>(ex);
        Assert.Contains("Telegram__WebhookSecret", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WebhookSecretLongerThan256_Fails()
    {
        var ex = await StartUp.FailsAsync(new Dictionary<string, string?> { ["Telegram:WebhookSecret"] = new string('a', 257) });

        Assert.IsType<OptionsValidationException>(ex);
        Assert.Contains("Telegram__WebhookSecret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("51")]
    public async Task Start_PollTimeoutOutOfRange_Fails(string seconds)
    {
        var ex = await StartUp.FailsAsync(new Dictionary<string, string?> { ["Telegram:PollTimeoutSeconds"] = seconds });

        Assert.IsType<OptionsValidationException>(ex);
        Assert.Contains("Telegram__PollTimeoutSeconds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_ValidWebhookSecret_Starts()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Telegram:WebhookSecret"] = "Abc_123-" + new string('z', 248) });

        Assert.NotNull(app.Services);
    }
}
