using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Telegram;

public sealed class TelegramOptionsTests
{
    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("semicolon;secret")]
    [InlineData("ünïcode-secret")]
    public void Start_WebhookSecretWithCharactersTelegramRefuses_FailsNamingTheSettingNotTheValue(string secret)
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Telegram:WebhookSecret"] = secret });

        var ex = Assert.Throws<OptionsValidationException>(() => app.Services);

        Assert.Contains("Telegram__WebhookSecret", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WebhookSecretLongerThan256_Fails()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Telegram:WebhookSecret"] = new string('a', 257) });

        Assert.Contains("Telegram__WebhookSecret", Assert.Throws<OptionsValidationException>(() => app.Services).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("51")]
    public void Start_PollTimeoutOutOfRange_Fails(string seconds)
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Telegram:PollTimeoutSeconds"] = seconds });

        Assert.Contains("Telegram__PollTimeoutSeconds", Assert.Throws<OptionsValidationException>(() => app.Services).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_ValidWebhookSecret_Starts()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Telegram:WebhookSecret"] = "Abc_123-" + new string('z', 248) });

        Assert.NotNull(app.Services);
    }
}
