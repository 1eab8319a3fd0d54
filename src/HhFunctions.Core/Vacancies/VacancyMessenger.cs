using HhFunctions.Composition;
using HhFunctions.Telegram;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace HhFunctions.Vacancies;

/// <summary>Sends digest messages with inline buttons and answers button presses. Never throws for Telegram trouble.</summary>
public interface IVacancyMessenger
{
    Task<bool> SendAsync(DigestMessage message, CancellationToken ct);

    Task AnswerButtonAsync(string callbackQueryId, string text, CancellationToken ct);
}

public sealed partial class TelegramVacancyMessenger(Deferred<ITelegramBotClient> bot, IOptions<TelegramOptions> options, ILogger<TelegramVacancyMessenger> logger) : IVacancyMessenger
{
    /// <summary>Buttons per keyboard row.</summary>
    public const int ButtonsPerRow = 5;

    public async Task<bool> SendAsync(DigestMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;
        if (!o.IsConfigured)
        {
            Log.NotConfigured(logger);
            return false;
        }

        var keyboard = message.Buttons.Count == 0
            ? null
            : new InlineKeyboardMarkup(message.Buttons.Chunk(ButtonsPerRow).Select(row => row.Select(b => InlineKeyboardButton.WithCallbackData(b.Text, b.CallbackData))));
        return await TryAsync(bot => bot.SendMessage(o.ChatId!, message.Html, parseMode: ParseMode.Html, linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true }, replyMarkup: keyboard, cancellationToken: ct), ct);
    }

    public async Task AnswerButtonAsync(string callbackQueryId, string text, CancellationToken ct)
    {
        if (options.Value.IsConfigured)
        {
            await TryAsync(bot => bot.AnswerCallbackQuery(callbackQueryId, text, cancellationToken: ct), ct);
        }
    }

    private Task<bool> TryAsync(Func<ITelegramBotClient, Task> call, CancellationToken ct) =>
        TelegramFailures.TryAsync(
            () => call(bot.Value),
            (code, description) => Log.Rejected(logger, code, description),
            error => Log.Unreachable(logger, error),
            ct);

    private static partial class Log
    {
        [LoggerMessage(8101, LogLevel.Information, "Telegram is not configured (Telegram__BotToken, Telegram__ChatId); the vacancy digest is only logged.")]
        public static partial void NotConfigured(ILogger logger);

        [LoggerMessage(8102, LogLevel.Warning, "Telegram rejected the vacancy digest: {Code} {Description}")]
        public static partial void Rejected(ILogger logger, int code, string description);

        [LoggerMessage(8103, LogLevel.Warning, "Telegram could not be reached ({Error}); the vacancy digest is dropped (the vacancies stay stored).")]
        public static partial void Unreachable(ILogger logger, string error);
    }
}
