using HhFunctions.Composition;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace HhFunctions.Telegram;

/// <summary>
/// Telegram.Bot behind <see cref="ITelegramNotifier"/>. A Telegram outage or a bad chat id is logged and
/// swallowed: reports must never fail the bump. The Telegram client is built on the first send, not with the notifier.
/// </summary>
public sealed partial class TelegramNotifier(Deferred<ITelegramBotClient> bot, IOptions<TelegramOptions> options, ILogger<TelegramNotifier> logger) : ITelegramNotifier
{
    /// <summary>Telegram's limit for one message.</summary>
    public const int MaxLength = 4096;

    public async Task<bool> SendAsync(string html, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(html);
        var o = options.Value;
        if (!o.IsConfigured)
        {
            Log.NotConfigured(logger);
            return false;
        }

        var text = html.Length <= MaxLength ? html : html[..(MaxLength - 20)] + "\n…(shortened)";
        return await TelegramFailures.TryAsync(
            () => bot.Value.SendMessage(o.ChatId!, text, parseMode: ParseMode.Html, linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true }, cancellationToken: ct),
            (code, description) => Log.Rejected(logger, code, description),
            error => Log.Unreachable(logger, error),
            ct);
    }

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Information, "Telegram is not configured (Telegram__BotToken, Telegram__ChatId); the report is only logged.")]
        public static partial void NotConfigured(ILogger logger);

        [LoggerMessage(2002, LogLevel.Warning, "Telegram rejected the message: {Code} {Description}")]
        public static partial void Rejected(ILogger logger, int code, string description);

        [LoggerMessage(2003, LogLevel.Warning, "Telegram could not be reached ({Error}); the report is dropped, the run is not affected.")]
        public static partial void Unreachable(ILogger logger, string error);
    }
}
