using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using HhFunctions.Composition;
using HhFunctions.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace HhFunctions.Telegram;

/// <summary>What became of one Telegram update.</summary>
public enum BotUpdateOutcome
{
    /// <summary>A message from the owner's chat: answered.</summary>
    Handled,

    /// <summary>Telegram delivered this update id before (a webhook retry): ignored.</summary>
    Duplicate,

    /// <summary>Not a new message (an edit, a button, a member change...): ignored.</summary>
    NoMessage,

    /// <summary>A message from any chat but Telegram__ChatId: ignored, never answered.</summary>
    ForeignChat,

    /// <summary>A sticker, photo or other message without text: ignored.</summary>
    NotText,

    /// <summary>Telegram__BotToken / Telegram__ChatId are not set: nothing can be answered.</summary>
    NotConfigured,
}

/// <summary>
/// The bot's dispatcher, shared by the webhook (Functions host) and long polling (standalone). The commands, buttons
/// and free-text handler are the features' registrations (<see cref="BotCommandRegistry"/>); /help lists the commands
/// in registration order. Only messages from Telegram__ChatId are answered, and every answer goes to that chat through
/// <see cref="ITelegramNotifier"/>. A failing command is answered with a short error and never thrown back to
/// Telegram, so there is no retry loop.
/// </summary>
public sealed partial class BotCommands(
    IEnumerable<BotCommand> commands,
    IEnumerable<BotButtonHandler> buttons,
    IEnumerable<BotTextHandler> texts,
    ITelegramNotifier telegram,
    Deferred<ITelegramBotClient> bot,
    IOptions<TelegramOptions> options,
    ILogger<BotCommands> logger)
{
    private const int RememberedUpdates = 512;

    private readonly ConcurrentDictionary<int, byte> _seen = new();
    private readonly ConcurrentQueue<int> _seenOrder = new();
    private readonly IReadOnlyList<BotButtonHandler> _buttons = Unique(buttons, b => b.Prefix, "button prefix");
    private readonly IReadOnlyList<BotTextHandler> _texts = [.. texts];

    /// <summary>The registered commands, in registration order (the order of /help).</summary>
    public IReadOnlyList<BotCommand> Commands { get; } = Unique(commands, c => c.Name, "command");

    /// <summary>The answer to /help and /start: every registered command with its usage, in registration order, then /help.</summary>
    public string HelpText => field ??= "🤖 <b>HhFunctions bot</b>\n" + string.Concat(Commands.Select(c => c.HelpEntry + "\n")) + "/help — this list";

    public async Task<BotUpdateOutcome> HandleAsync(Update update, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        var o = options.Value;
        if (!o.IsConfigured)
        {
            Log.NotConfigured(logger, update.Id);
            return BotUpdateOutcome.NotConfigured;
        }

        if (!Remember(update.Id))
        {
            Log.Duplicate(logger, update.Id);
            return BotUpdateOutcome.Duplicate;
        }

        if (update.CallbackQuery is { } callback)
        {
            return await CallbackAsync(callback, update.Id, o, ct);
        }

        if (update.Message is not { } message)
        {
            Log.NoMessage(logger, update.Id, update.Type.ToString());
            return BotUpdateOutcome.NoMessage;
        }

        if (!IsOwnerChat(message.Chat.Id, o.ChatId))
        {
            Log.ForeignChat(logger, update.Id, message.Chat.Id);
            return BotUpdateOutcome.ForeignChat;
        }

        if (string.IsNullOrWhiteSpace(message.Text))
        {
            Log.NotText(logger, update.Id, message.Type.ToString());
            return BotUpdateOutcome.NotText;
        }

        var command = ParseCommand(message.Text);
        var registered = Commands.FirstOrDefault(c => c.Name == command);
        var known = registered is not null || command.Length == 0 || BotCommandRegistry.BuiltInNames.Contains(command);
        Log.Command(logger, update.Id, known ? command : "(unknown)");
        var incoming = new BotMessage(update.Id, message.MessageId, command, message.Text);
        try
        {
            var reply = command switch
            {
                "" => await FreeTextAsync(incoming, ct) ?? HelpText,
                _ when registered is not null => await registered.Invoke(incoming, ct),
                "help" or "start" => HelpText,
                _ => $"Unknown command /{E(command)}.\n\n{HelpText}",
            };
            if (reply is not null)
            {
                await telegram.SendAsync(reply, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, command, ex.Message);
            await telegram.SendAsync("⚠️ State storage is unavailable right now, so nothing was changed. Try again in a minute.", ct);
        }
#pragma warning disable CA1031 // A command's failure is answered and logged; Telegram must never see an error (it would retry).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CommandFailed(logger, ex, command);
            await telegram.SendAsync($"⛔ /{E(command)} failed unexpectedly ({E(ex.GetType().Name)}). The app's log has the details.", ct);
        }

        return BotUpdateOutcome.Handled;
    }

    /// <summary>The first free-text handler that takes the text answers it; null when none does.</summary>
    private async Task<string?> FreeTextAsync(BotMessage message, CancellationToken ct)
    {
        foreach (var handler in _texts)
        {
            if (await handler.Invoke(message, ct) is { } reply)
            {
                return reply;
            }
        }

        return null;
    }

    /// <summary>
    /// A tap on an inline button, only from the owner's chat: the registered handler whose prefix the callback data
    /// starts with answers it. A button no handler knows is answered "Unknown button." and otherwise ignored (NoMessage).
    /// </summary>
    private async Task<BotUpdateOutcome> CallbackAsync(CallbackQuery callback, int updateId, TelegramOptions o, CancellationToken ct)
    {
        var chatId = callback.Message?.Chat.Id ?? callback.From.Id;
        if (!IsOwnerChat(chatId, o.ChatId))
        {
            Log.ForeignChat(logger, updateId, chatId);
            return BotUpdateOutcome.ForeignChat;
        }

        var data = callback.Data ?? string.Empty;
        var handler = _buttons.FirstOrDefault(b => data.StartsWith(b.Prefix, StringComparison.Ordinal));
        var handled = false;
        if (handler is not null)
        {
            Log.Command(logger, updateId, handler.Prefix.TrimEnd(':') + " button");
            try
            {
                handled = await handler.Invoke(new BotButton(updateId, callback.Id, data, handler.Prefix), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (StateStoreException ex)
            {
                Log.StateUnavailable(logger, "button", ex.Message);
                await telegram.SendAsync("⚠️ State storage is unavailable right now, so nothing was sent. Try again in a minute.", ct);
                return BotUpdateOutcome.Handled;
            }
#pragma warning disable CA1031 // A button's failure is answered and logged; Telegram must never see an error (it would retry).
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.CommandFailed(logger, ex, "button");
                await telegram.SendAsync($"⛔ The button failed unexpectedly ({E(ex.GetType().Name)}). The app's log has the details.", ct);
                return BotUpdateOutcome.Handled;
            }
        }

        if (handled)
        {
            return BotUpdateOutcome.Handled;
        }

        // Not a button any feature knows: stop the client's spinner, otherwise ignore it.
        await AnswerUnknownButtonAsync(callback.Id, ct);
        Log.NoMessage(logger, updateId, "unknown button");
        return BotUpdateOutcome.NoMessage;
    }

    private Task<bool> AnswerUnknownButtonAsync(string callbackQueryId, CancellationToken ct) =>
        TelegramFailures.TryAsync(
            () => bot.Value.AnswerCallbackQuery(callbackQueryId, "Unknown button.", cancellationToken: ct),
            (code, _) => Log.AnswerFailed(logger, code.ToString(CultureInfo.InvariantCulture)),
            error => Log.AnswerFailed(logger, error),
            ct);

    /// <summary>"/Status@MyBot now" → "status"; text that is not a command → "".</summary>
    public static string ParseCommand(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        if (first.Length < 2 || first[0] != '/')
        {
            return string.Empty;
        }

        var at = first.IndexOf('@', StringComparison.Ordinal);
        var name = (at > 0 ? first[1..at] : first[1..]).ToLowerInvariant();
        return name.Length > 32 ? name[..32] : name;
    }

    public static bool IsOwnerChat(long chatId, string? configuredChatId) =>
        long.TryParse(configuredChatId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var owner) && owner == chatId;

    private bool Remember(int updateId)
    {
        if (!_seen.TryAdd(updateId, 0))
        {
            return false;
        }

        _seenOrder.Enqueue(updateId);
        while (_seenOrder.Count > RememberedUpdates && _seenOrder.TryDequeue(out var old))
        {
            _seen.TryRemove(old, out _);
        }

        return true;
    }

    private static List<T> Unique<T>(IEnumerable<T> registrations, Func<T, string> key, string what)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        var list = registrations.ToList();
        if (list.GroupBy(key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidOperationException($"The bot {what} \"{twice.Key}\" is registered twice.");
        }

        return list;
    }

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);

    private static partial class Log
    {
        [LoggerMessage(2101, LogLevel.Information, "Telegram update {UpdateId}: command {Command}.")]
        public static partial void Command(ILogger logger, int updateId, string command);

        [LoggerMessage(2102, LogLevel.Warning, "Telegram update {UpdateId} ignored: it comes from chat {ChatId}, not Telegram__ChatId.")]
        public static partial void ForeignChat(ILogger logger, int updateId, long chatId);

        [LoggerMessage(2103, LogLevel.Information, "Telegram update {UpdateId} ignored: a {MessageType} message has no command text.")]
        public static partial void NotText(ILogger logger, int updateId, string messageType);

        [LoggerMessage(2104, LogLevel.Information, "Telegram update {UpdateId} ignored: a {UpdateType} update is not a new message.")]
        public static partial void NoMessage(ILogger logger, int updateId, string updateType);

        [LoggerMessage(2105, LogLevel.Information, "Telegram update {UpdateId} ignored: already handled.")]
        public static partial void Duplicate(ILogger logger, int updateId);

        [LoggerMessage(2106, LogLevel.Warning, "Telegram update {UpdateId} ignored: Telegram__BotToken / Telegram__ChatId are not set.")]
        public static partial void NotConfigured(ILogger logger, int updateId);

        [LoggerMessage(2107, LogLevel.Warning, "Bot command {Command}: state storage unavailable: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string command, string reason);

        [LoggerMessage(2108, LogLevel.Error, "Bot command {Command} failed unexpectedly.")]
        public static partial void CommandFailed(ILogger logger, Exception exception, string command);

        [LoggerMessage(2113, LogLevel.Warning, "answerCallbackQuery for an unknown button failed ({Error}); the button is ignored anyway.")]
        public static partial void AnswerFailed(ILogger logger, string error);
    }
}
