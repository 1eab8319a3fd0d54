using HhFunctions.HeadHunter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace HhFunctions.Configuration;

/// <summary>
/// The address a host answers on when no public address is configured (neither App__PublicBaseUrl nor Azure's
/// WEBSITE_HOSTNAME): the standalone host registers one that reads the addresses it listens on.
/// </summary>
public interface ILocalAddress
{
    /// <summary>The base the owner's browser can use, or null when it is not known.</summary>
    Uri? BaseUrl { get; }
}

/// <summary>Addresses the owner's browser uses: the app's base, the OAuth redirect URI, setup links.</summary>
public sealed class PublicUrls(IOptions<AppOptions> app, IOptions<HhOptions> hh, IConfiguration configuration, ILocalAddress? local = null)
{
    /// <summary>The Functions host's port under Core Tools and the standalone host's default port.</summary>
    public static readonly Uri DefaultLocalBaseUrl = new($"http://localhost:{HhFunctionsBuilder.StandalonePort}");

    public Uri BaseUrl =>
        app.Value.PublicBaseUrl
        ?? (configuration["WEBSITE_HOSTNAME"] is { Length: > 0 } host ? new Uri($"https://{host}") : local?.BaseUrl ?? DefaultLocalBaseUrl);

    public Uri RedirectUri => hh.Value.RedirectUri ?? Combine("api/oauth/callback");

    public Uri StatusPage => Combine("api/status");

    public Uri SetupLink(string token) => Combine("api/oauth/link?t=" + Uri.EscapeDataString(token));

    private Uri Combine(string relative)
    {
        var b = BaseUrl.AbsoluteUri;
        return new Uri(b.EndsWith('/') ? b + relative : b + "/" + relative);
    }
}
