using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HhFunctions.Tokens;

/// <summary>
/// The application's own hh.ru token (client_credentials, docs/tokens.md): it never expires, and hh.ru issues a new
/// one (revoking this one) at most once per 5 minutes. Kept in the token vault beside the user's pair, with the
/// earliest moment a new one may be asked for. <see cref="AccessToken"/> is null after hh.ru rejected the last one
/// and refused a new one as too early. <see cref="ToString"/> never shows the token.
/// </summary>
public sealed record AppToken(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("obtained_at")] DateTimeOffset? ObtainedAt,
    [property: JsonPropertyName("next_request_at")] DateTimeOffset NextRequestAt)
{
    /// <summary>A short, non-reversible tag of the token, to tell tokens apart without showing them.</summary>
    [JsonIgnore]
    public string Fingerprint => AccessToken is null ? "none" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(AccessToken)))[..12];

    public override string ToString() => $"AppToken(fingerprint {Fingerprint}, next request {NextRequestAt:O})";

    internal static string Serialize(AppToken token) => JsonSerializer.Serialize(token);

    internal static AppToken Deserialize(string json, string where)
    {
        try
        {
            return JsonSerializer.Deserialize<AppToken>(json)
                ?? throw new TokenVaultException($"The application token in {where} is empty; it is asked for again.");
        }
        catch (JsonException ex)
        {
            // The message names the place, never the content.
            throw new TokenVaultException($"The application token in {where} is not valid JSON; it is asked for again.", ex);
        }
    }
}

/// <summary>Where the application token lives: beside the user's pair (Key Vault, or the encrypted file standalone).</summary>
public interface IAppTokenVault
{
    string Description { get; }

    Task<AppToken?> ReadAsync(CancellationToken ct);

    Task WriteAsync(AppToken token, CancellationToken ct);
}
