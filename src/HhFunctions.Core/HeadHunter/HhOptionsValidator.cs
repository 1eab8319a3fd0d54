using HhFunctions.Configuration;
using Microsoft.Extensions.Options;

namespace HhFunctions.HeadHunter;

[OptionsValidator]
internal sealed partial class HhOptionsAttributes : IValidateOptions<HhOptions>;

/// <summary>HeadHunter__* beyond the attributes: addresses, the client id/secret pair, one-line User-Agent, the attempt timeout.</summary>
public sealed class HhOptionsValidator : IValidateOptions<HhOptions>
{
    public ValidateOptionsResult Validate(string? name, HhOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pairMessage = string.IsNullOrWhiteSpace(options.ClientId) != string.IsNullOrWhiteSpace(options.ClientSecret)
            ? "HeadHunter__ClientId and HeadHunter__ClientSecret must be set together (both from the app page at dev.hh.ru)."
            : null;
        var agent = options.UserAgent is { } ua && (ua.Contains('\n', StringComparison.Ordinal) || ua.Contains('\r', StringComparison.Ordinal))
            ? "HeadHunter__UserAgent must be one line."
            : null;
        return ConfigurationValidator.Collect(
            ConfigurationValidator.HttpUrl(options.ApiBaseUrl, "HeadHunter__ApiBaseUrl", required: true),
            ConfigurationValidator.HttpUrl(options.OAuthBaseUrl, "HeadHunter__OAuthBaseUrl", required: true),
            ConfigurationValidator.HttpUrl(options.RedirectUri, "HeadHunter__RedirectUri", required: false),
            pairMessage,
            agent,
            ConfigurationValidator.Within(options.AttemptTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), "HeadHunter__AttemptTimeout must be between 1 second and 5 minutes."));
    }
}
