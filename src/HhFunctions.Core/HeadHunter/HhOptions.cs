using System.ComponentModel.DataAnnotations;

namespace HhFunctions.HeadHunter;

public sealed class HhOptions
{
    public const string SectionName = "HeadHunter";

    /// <summary>Client id of the hh.ru application (dev.hh.ru).</summary>
    public string? ClientId { get; set; }

    /// <summary>Client secret of the hh.ru application. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>OAuth redirect URI registered at dev.hh.ru; defaults to {App__PublicBaseUrl}/api/oauth/callback.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>Sent as User-Agent and HH-User-Agent: "AppName/1.0 (you@example.com)".</summary>
    [Required(ErrorMessage = "HeadHunter__UserAgent must be set, e.g. \"HhFunctions/1.0 (you@example.com)\".")]
    [MinLength(3, ErrorMessage = "HeadHunter__UserAgent is too short.")]
    public string UserAgent { get; set; } = "HhFunctions/1.0";

    [Required(ErrorMessage = "HeadHunter__ApiBaseUrl must be an absolute URL.")]
    public Uri ApiBaseUrl { get; set; } = new("https://api.hh.ru");

    [Required(ErrorMessage = "HeadHunter__OAuthBaseUrl must be an absolute URL.")]
    public Uri OAuthBaseUrl { get; set; } = new("https://hh.ru");

    /// <summary>Timeout of one hh.ru request attempt: 1 second to 5 minutes (checked by ConfigurationValidator).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// An existing access token to import at start when no pair is stored (with <see cref="RefreshToken"/>).
    /// Never logged; remove both settings once the status page says they were imported.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>The refresh token of that pair. A refresh needs no client credentials.</summary>
    public string? RefreshToken { get; set; }

    /// <summary>Optional expiry of the imported access token; unknown: it is used until hh.ru says token_expired.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; set; }

    public bool HasImportSettings => !string.IsNullOrWhiteSpace(AccessToken) || !string.IsNullOrWhiteSpace(RefreshToken);

    public bool HasCredentials => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}
