using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>
/// The secret part of the callback route: Recruiting__WebhookKey, or one the app made once and keeps in its store
/// (the first instance to make one wins; every instance then reads that one). Never logged, shown or sent.
/// </summary>
public sealed class WebhookKeys(IOptions<RecruitingOptions> options, IRecruitingStore store)
{
    public const int MinLength = 32;
    public const int MaxLength = 128;

    private string? _key;

    public static bool IsWellFormed(string? key) =>
        key is { Length: >= MinLength and <= MaxLength } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    public async Task<string> GetAsync(CancellationToken ct)
    {
        if (_key is { } known)
        {
            return known;
        }

        if (options.Value.WebhookKey is { Length: > 0 } configured)
        {
            return _key = configured;
        }

        var state = await store.GetStateAsync(ct);
        if (state.GeneratedWebhookKey is not { } generated)
        {
            var made = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
            state = await store.UpdateStateAsync(s => s.GeneratedWebhookKey is null ? s with { GeneratedWebhookKey = made } : s, ct);
            generated = state.GeneratedWebhookKey!;
        }

        return _key = generated;
    }

    /// <summary>Constant-time comparison; hashing first hides the length too.</summary>
    public static bool Matches(string? given, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(given ?? string.Empty));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b) && given is not null;
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
