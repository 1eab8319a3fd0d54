using System.Security.Cryptography;
using HhFunctions.Configuration;
using HhFunctions.State;

namespace HhFunctions.OAuth;

/// <summary>
/// One-time setup links: a random value stored for 24 hours that starts the hh.ru authorization once.
/// They let Telegram carry a "reconnect" link without carrying the function key.
/// </summary>
public sealed class SetupLinks(IStateStore state, PublicUrls urls, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public async Task<Uri> CreateAsync(CancellationToken ct)
    {
        var (token, link) = New();
        await state.SaveOneTimeTokensAsync([token], ct);
        return link;
    }

    /// <summary>A new link and the token to store before it is shown (see <see cref="CreateAsync"/>).</summary>
    public (OneTimeToken Token, Uri Link) New()
    {
        var value = NewRandomValue();
        return (new OneTimeToken(OneTimePurpose.SetupLink, value, time.GetUtcNow() + Lifetime, null), urls.SetupLink(value));
    }

    /// <summary>The link to show, or the plain status page when the state store cannot mint one.</summary>
    public async Task<Uri> CreateOrFallbackAsync(CancellationToken ct)
    {
        try
        {
            return await CreateAsync(ct);
        }
        catch (StateStoreException)
        {
            return urls.StatusPage;
        }
    }

    internal static string NewRandomValue() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
