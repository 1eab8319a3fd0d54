using System.Text.RegularExpressions;
using HhFunctions.Configuration;
using Microsoft.Extensions.Options;

namespace HhFunctions.Telegram;

[OptionsValidator]
internal sealed partial class TelegramOptionsAttributes : IValidateOptions<TelegramOptions>;

/// <summary>Telegram__* beyond the attributes: the token's and chat id's shapes, the webhook secret, the poll timeout. Never echoes the token.</summary>
public sealed partial class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var token = !string.IsNullOrEmpty(options.BotToken) && !BotTokenShape().IsMatch(options.BotToken)
            ? "Telegram__BotToken does not look like a bot token from @BotFather (digits, a colon, then letters)."
            : null;
        var chat = !string.IsNullOrEmpty(options.BotToken) && string.IsNullOrEmpty(options.ChatId)
            ? "Telegram__BotToken is set but Telegram__ChatId is not: reports need a chat to go to."
            : null;
        return ConfigurationValidator.Collect(
            ConfigurationValidator.HttpUrl(options.ApiBaseUrl, "Telegram__ApiBaseUrl", required: true),
            token,
            chat,
            ConfigurationValidator.Matches(options.ChatId, ChatIdShape(), "Telegram__ChatId must be a numeric chat id (e.g. 123456789 or -1001234567890)."),
            ConfigurationValidator.Matches(options.WebhookSecret, WebhookSecretShape(), "Telegram__WebhookSecret may hold only letters, digits, '_' and '-', at most 256 characters (Telegram's rule for secret_token)."),
            ConfigurationValidator.Within(options.PollTimeoutSeconds, 1, 50, "Telegram__PollTimeoutSeconds must be between 1 and 50."));
    }

    [GeneratedRegex("^[0-9]{3,20}:[A-Za-z0-9_-]{20,}$")]
    private static partial Regex BotTokenShape();

    [GeneratedRegex("^-?[0-9]{1,20}$")]
    private static partial Regex ChatIdShape();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex WebhookSecretShape();
}
