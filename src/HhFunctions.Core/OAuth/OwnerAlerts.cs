using System.Net;
using HhFunctions.Telegram;

namespace HhFunctions.OAuth;

/// <summary>The owner's urgent messages, in Telegram, with a one-time link to reconnect when hh.ru needs it.</summary>
public sealed class OwnerAlerts(ITelegramNotifier telegram, SetupLinks links) : IOwnerAlerts
{
    public async Task ReconnectNeededAsync(string reason, CancellationToken ct)
    {
        var link = await links.CreateOrFallbackAsync(ct);
        await telegram.SendAsync(
            $"🔑 <b>hh.ru needs you to reconnect</b>\n{WebUtility.HtmlEncode(reason)}\n\nResumes are not raised until then. <a href=\"{WebUtility.HtmlEncode(link.AbsoluteUri)}\">Reconnect hh.ru</a> (link works once, for 24 hours).",
            ct);
    }

    public Task TokenNotSavedAsync(string vault, bool rescued, CancellationToken ct) =>
        telegram.SendAsync(
            $"⚠️ <b>New hh.ru token pair not saved</b>\nhh.ru issued a new token pair but {WebUtility.HtmlEncode(vault)} refused to store it after several attempts. "
            + (rescued ? "It is kept in memory and in a local encrypted rescue file, " : "It is kept in memory only, ")
            + "and saving is retried on every use. Check the vault's access (role 'Key Vault Secrets Officer') soon; do not restart the app before it is saved.",
            ct);

    public async Task ConfigurationProblemAsync(string message, CancellationToken ct) =>
        await telegram.SendAsync($"⚙️ <b>HhFunctions configuration problem</b>\n{WebUtility.HtmlEncode(message)}", ct);
}
