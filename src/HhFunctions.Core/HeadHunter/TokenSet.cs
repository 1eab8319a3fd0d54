using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace HhFunctions.HeadHunter;

/// <summary>
/// The hh.ru token pair with its expiry, always stored and moved together as one value so a rotation
/// can never leave a mismatched pair behind. <see cref="ToString"/> never shows a token.
/// </summary>
public sealed record TokenSet(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("obtained_at")] DateTimeOffset ObtainedAt)
{
    /// <summary>A short, non-reversible tag of the refresh token, to tell pairs apart without showing them.</summary>
    [JsonIgnore]
    public string Fingerprint => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RefreshToken)))[..12];

    /// <summary>The expiry of an imported pair whose expiry nobody knows: used until hh.ru says token_expired.</summary>
    public static readonly DateTimeOffset UnknownExpiry = DateTimeOffset.MaxValue;

    [JsonIgnore]
    public bool ExpiryKnown => ExpiresAt != UnknownExpiry;

    /// <summary>The expiry to show and store in the account record; null when unknown.</summary>
    [JsonIgnore]
    public DateTimeOffset? KnownExpiry => ExpiryKnown ? ExpiresAt : null;

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    public override string ToString() => $"TokenSet(fingerprint {Fingerprint}, expires {ExpiresAt:O})";
}
