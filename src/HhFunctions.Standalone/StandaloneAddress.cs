using HhFunctions.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HhFunctions.Standalone;

/// <summary>
/// Where the standalone host answers, for links in pages, Telegram messages and the start-up line when
/// App__PublicBaseUrl is not set: the first http(s) address Kestrel listens on (its real port, also when port 0 was
/// asked for, once it is bound), else the first one configured (--urls / ASPNETCORE_URLS), else none (then http://localhost:7071).
/// A host given as a wildcard (*, +, 0.0.0.0, [::]) becomes localhost, which the browser on this computer can open.
/// </summary>
public sealed class StandaloneAddress(IServer server, IConfiguration configuration) : ILocalAddress
{
    public Uri? BaseUrl =>
        First(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        ?? First((configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// The first of <paramref name="addresses"/> a browser can open, as a base URL: http or https with a known port
    /// (port 0 means "any free port", not yet bound); pipes and other schemes are skipped.
    /// </summary>
    internal static Uri? First(IEnumerable<string> addresses)
    {
        foreach (var address in addresses)
        {
            BindingAddress parsed;
            try
            {
                parsed = BindingAddress.Parse(address);
            }
            catch (FormatException)
            {
                continue;
            }

            var scheme = parsed.Scheme.ToLowerInvariant();
            if (parsed.IsNamedPipe || parsed.IsUnixPipe || scheme is not ("http" or "https") || parsed.Port == 0)
            {
                continue;
            }

            var host = parsed.Host is "*" or "+" or "0.0.0.0" or "[::]" or "::" ? "localhost" : parsed.Host;
            if (Uri.TryCreate($"{scheme}://{host}:{parsed.Port}{parsed.PathBase}", UriKind.Absolute, out var uri))
            {
                return uri;
            }
        }

        return null;
    }
}
