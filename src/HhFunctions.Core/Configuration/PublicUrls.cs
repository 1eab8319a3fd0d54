using HhFunctions.HeadHunter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace HhFunctions.Configuration;

/// <summary>Addresses the owner's browser uses: the app's base, the OAuth redirect URI, setup links.</summary>
public sealed class PublicUrls(IOptions<AppOptions> app, IOptions<HhOptions> hh, IConfiguration configuration)
{
    public Uri BaseUrl =>
        app.Value.PublicBaseUrl
        ?? (configuration["WEBSITE_HOSTNAME"] is { Length: > 0 } host ? new Uri($"https://{host}") : new Uri("http://localhost:7071"));

    public Uri RedirectUri => hh.Value.RedirectUri ?? Combine("api/oauth/callback");

    public Uri StatusPage => Combine("api/status");

    public Uri SetupLink(string token) => Combine("api/oauth/link?t=" + Uri.EscapeDataString(token));

    private Uri Combine(string relative)
    {
        var b = BaseUrl.AbsoluteUri;
        return new Uri(b.EndsWith('/') ? b + relative : b + "/" + relative);
    }
}
