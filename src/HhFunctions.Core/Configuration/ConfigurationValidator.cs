using System.Text.RegularExpressions;
using Cronos;
using HhFunctions.HeadHunter;
using HhFunctions.Bumping;
using HhFunctions.Telegram;
using Microsoft.Extensions.Options;

namespace HhFunctions.Configuration;

/// <summary>
/// Start-up checks beyond the options' [Required] attributes, each naming the setting (never a secret's value).
/// Patterns are source-generated regexes: nothing is parsed or compiled at start-up.
/// </summary>
public sealed partial class ConfigurationValidator :
    IValidateOptions<AppOptions>,
    IValidateOptions<StorageOptions>,
    IValidateOptions<KeyVaultOptions>,
    IValidateOptions<HhOptions>,
    IValidateOptions<TelegramOptions>,
    IValidateOptions<BumpOptions>
{
    public ValidateOptionsResult Validate(string? name, AppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(HttpUrl(options.PublicBaseUrl, "App__PublicBaseUrl", required: false));
    }

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(
            Matches(options.TablePrefix, TablePrefixShape(), "Storage__TablePrefix must be letters and digits, starting with a letter, at most 30 characters."),
            StorageConnectionString(options.ConnectionString));
    }

    public ValidateOptionsResult Validate(string? name, KeyVaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(Matches(options.TokenSecretName, SecretNameShape(), "KeyVault__TokenSecretName may hold only letters, digits and dashes."));
    }

    public ValidateOptionsResult Validate(string? name, HhOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pairMessage = string.IsNullOrWhiteSpace(options.ClientId) != string.IsNullOrWhiteSpace(options.ClientSecret)
            ? "HeadHunter__ClientId and HeadHunter__ClientSecret must be set together (both from the app page at dev.hh.ru)."
            : null;
        var agent = options.UserAgent is { } ua && (ua.Contains('\n', StringComparison.Ordinal) || ua.Contains('\r', StringComparison.Ordinal))
            ? "HeadHunter__UserAgent must be one line."
            : null;
        return Collect(
            HttpUrl(options.ApiBaseUrl, "HeadHunter__ApiBaseUrl", required: true),
            HttpUrl(options.OAuthBaseUrl, "HeadHunter__OAuthBaseUrl", required: true),
            HttpUrl(options.RedirectUri, "HeadHunter__RedirectUri", required: false),
            pairMessage,
            agent,
            Within(options.AttemptTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), "HeadHunter__AttemptTimeout must be between 1 second and 5 minutes."));
    }

    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var token = !string.IsNullOrEmpty(options.BotToken) && !BotTokenShape().IsMatch(options.BotToken)
            ? "Telegram__BotToken does not look like a bot token from @BotFather (digits, a colon, then letters)."
            : null;
        var chat = !string.IsNullOrEmpty(options.BotToken) && string.IsNullOrEmpty(options.ChatId)
            ? "Telegram__BotToken is set but Telegram__ChatId is not: reports need a chat to go to."
            : null;
        return Collect(
            HttpUrl(options.ApiBaseUrl, "Telegram__ApiBaseUrl", required: true),
            token,
            chat,
            Matches(options.ChatId, ChatIdShape(), "Telegram__ChatId must be a numeric chat id (e.g. 123456789 or -1001234567890)."),
            Matches(options.WebhookSecret, WebhookSecretShape(), "Telegram__WebhookSecret may hold only letters, digits, '_' and '-', at most 256 characters (Telegram's rule for secret_token)."),
            Within(options.PollTimeoutSeconds, 1, 50, "Telegram__PollTimeoutSeconds must be between 1 and 50."));
    }

    public ValidateOptionsResult Validate(string? name, BumpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(
            Cron.Problem("Bump__Schedule", options.Schedule, "0 1 */4 * * *"),
            Within(options.MaxWait, TimeSpan.Zero, TimeSpan.FromMinutes(9), "Bump__MaxWait must be between 0 and 9 minutes (the function timeout is 10)."));
    }

    private static string? HttpUrl(Uri? value, string setting, bool required) =>
        value is null
            ? required ? $"{setting} must be set to an absolute http(s) URL." : null
            : value.IsAbsoluteUri && (value.Scheme == Uri.UriSchemeHttps || value.Scheme == Uri.UriSchemeHttp)
                ? null
                : $"{setting} must be an absolute http(s) URL, not '{value.OriginalString}'.";

    /// <summary><paramref name="message"/> unless <paramref name="value"/> lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    internal static string? Within<T>(T value, T min, T max, string message)
        where T : IComparable<T> =>
        value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0 ? null : message;

    /// <summary><paramref name="message"/> when <paramref name="value"/> is set and does not match (empty passes, as with [RegularExpression]).</summary>
    private static string? Matches(string? value, Regex shape, string message) =>
        string.IsNullOrEmpty(value) || shape.IsMatch(value) ? null : message;

    /// <summary>
    /// A connection string the Table client cannot parse fails the start here, with one line, instead of at the
    /// first use with a stack trace. The value is never echoed (it holds the account key).
    /// </summary>
    private static string? StorageConnectionString(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            _ = new Azure.Data.Tables.TableServiceClient(value);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException)
        {
            return "Storage__ConnectionString is not a storage connection string: expected DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net (as the portal's Access keys page shows it), or UseDevelopmentStorage=true.";
        }
    }

    private static ValidateOptionsResult Collect(params string?[] failures)
    {
        var list = failures.Where(f => f is not null).Cast<string>().ToList();
        return list.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(list);
    }

    [GeneratedRegex("^[0-9]{3,20}:[A-Za-z0-9_-]{20,}$")]
    private static partial Regex BotTokenShape();

    [GeneratedRegex("^-?[0-9]{1,20}$")]
    private static partial Regex ChatIdShape();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex WebhookSecretShape();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,29}$")]
    private static partial Regex TablePrefixShape();

    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$")]
    private static partial Regex SecretNameShape();
}
