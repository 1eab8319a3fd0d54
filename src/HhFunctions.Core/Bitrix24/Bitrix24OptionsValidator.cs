using System.Net;
using HhFunctions.Configuration;
using Microsoft.Extensions.Options;

namespace HhFunctions.Bitrix24;

/// <summary>
/// Bitrix24__*: the webhook's shape (https://{portal}/rest/{user}/{secret}/; plain http only on this machine, for the
/// fakes), the rate settings, the entity and the pipeline. The webhook address is a secret: no message echoes it.
/// Empty Bitrix24__WebhookUrl is fine: recruiting then writes nothing.
/// </summary>
public sealed class Bitrix24OptionsValidator : IValidateOptions<Bitrix24Options>
{
    public const string WebhookShape = "https://{your-portal}.bitrix24.ru/rest/{user id}/{secret}/ (the address Bitrix24 shows for the incoming webhook, without a method name)";

    public ValidateOptionsResult Validate(string? name, Bitrix24Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ConfigurationValidator.Collect(
            Webhook(options.WebhookUrl),
            options.RatePerSecond is > 0 and <= 50 ? null : "Bitrix24__RatePerSecond must be more than 0 and at most 50 (2 on most plans, 5 on Enterprise).",
            options.Burst >= 1 ? null : "Bitrix24__Burst must be at least 1 (50 on most plans, 250 on Enterprise).",
            ConfigurationValidator.Within(options.AttemptTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), "Bitrix24__AttemptTimeout must be between 1 second and 5 minutes."),
            string.Equals(options.Entity, "lead", StringComparison.OrdinalIgnoreCase) || string.Equals(options.Entity, "deal", StringComparison.OrdinalIgnoreCase)
                ? null
                : "Bitrix24__Entity must be lead or deal.",
            options.DealCategoryId >= 0 ? null : "Bitrix24__DealCategoryId must be 0 (the default pipeline) or a pipeline id above 0.",
            options.DefaultAssigneeId is null or > 0 ? null : "Bitrix24__DefaultAssigneeId must be a Bitrix24 user id (a whole number above 0), or empty for the webhook's user.");
    }

    /// <summary>Null when <paramref name="value"/> is empty or a webhook address; otherwise what is wrong, without the value.</summary>
    public static string? Webhook(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "Bitrix24__WebhookUrl must be an absolute https URL like " + WebhookShape + " (its value is not shown).";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            return "Bitrix24__WebhookUrl must use https (Bitrix24 refuses plain http); http is accepted only for 127.0.0.1, ::1 or localhost (its value is not shown).";
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Bitrix24__WebhookUrl must have no query, fragment or user name: " + WebhookShape + " (its value is not shown).";
        }

        var segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length != 3 || segments[0] != "rest" || !segments[1].All(char.IsAsciiDigit) || segments[1].Length == 0
            || segments[2].Length == 0 || !segments[2].All(char.IsAsciiLetterOrDigit))
        {
            return segments.Length > 3 && segments[0] == "rest"
                ? "Bitrix24__WebhookUrl must end at the webhook's secret, without a method name (such as crm.lead.add.json): " + WebhookShape + " (its value is not shown)."
                : "Bitrix24__WebhookUrl must have the form " + WebhookShape + " (its value is not shown).";
        }

        return null;
    }

    private static bool IsLoopback(Uri uri) =>
        string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
