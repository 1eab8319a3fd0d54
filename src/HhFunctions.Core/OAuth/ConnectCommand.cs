using System.Globalization;
using System.Net;
using System.Text;
using HhFunctions.HeadHunter;
using HhFunctions.State;
using Microsoft.Extensions.Options;

namespace HhFunctions.OAuth;

/// <summary>The bot's /connect: a one-time link that opens hh.ru to approve access (or to reconnect).</summary>
public sealed class ConnectCommand(IStateStore state, SetupLinks links, IOptions<HhOptions> hh)
{
    public async Task<string> ConnectAsync(CancellationToken ct)
    {
        var account = await state.GetAccountAsync(ct);
        var link = await links.CreateAsync(ct);
        var connected = account.Status == AccountStatus.Connected;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"🔗 <a href=\"{E(link.AbsoluteUri)}\">{(account.Status == AccountStatus.NotConnected ? "Connect hh.ru" : "Reconnect hh.ru")}</a> — opens hh.ru to approve access. The link works once, for 24 hours.");
        if (connected)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\nConnected now as {E(account.DisplayName ?? "your hh.ru account")}; reconnecting replaces the stored token.");
        }

        if (!hh.Value.HasCredentials)
        {
            sb.Append("\n⚙️ HeadHunter__ClientId / HeadHunter__ClientSecret are not set: connecting fails until they are.");
        }

        return sb.ToString();
    }

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);
}
