using System.Net;
using HhFunctions.Composition;
using HhFunctions.Telegram;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace HhFunctions.OAuth;

/// <summary>
/// The bot's ways in: <c>/code &lt;code or redirected address&gt;</c> and <c>/tokens &lt;access&gt; &lt;refresh&gt;</c>.
/// The message that carried a code or a token is deleted from the chat once it has been used, whatever the outcome.
/// Replies never repeat what was sent.
/// </summary>
public sealed partial class AccessCommands(
    AccountConnector connector,
    Deferred<ITelegramBotClient> bot,
    IOptions<TelegramOptions> options,
    ILogger<AccessCommands> logger)
{
    public const string CodeUsage = "Send <code>/code</code> followed by the code hh.ru sent, or by the whole address hh.ru redirected you to, e.g. <code>/code https://hh.ru/?code=…</code>. Use it when the redirect URI registered for your application is not this app's callback.";

    public const string TokensUsage = "Send <code>/tokens &lt;access token&gt; &lt;refresh token&gt;</code>: the two tokens of a pair you already have, separated by a space. The message is deleted once it is used.";

    /// <summary>/code: exchanges a pasted code (or the code in a pasted address) and answers with the outcome.</summary>
    public async Task<string?> CodeAsync(string text, int messageId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(text);
        var argument = Argument(text);
        if (argument.Length == 0)
        {
            return CodeUsage;
        }

        var result = await connector.ConnectWithPastedAsync(argument, ct);
        return await AnswerAsync(result, messageId, "code", ct);
    }

    /// <summary>/tokens: imports an existing pair and answers with the outcome.</summary>
    public async Task<string?> TokensAsync(string text, int messageId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(text);
        var argument = Argument(text);
        if (argument.Length == 0)
        {
            return TokensUsage;
        }

        var parts = argument.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var result = parts.Length == 2
            ? await connector.ImportAsync(parts[0], parts[1], null, ImportSource.Telegram, ct)
            : new CallbackResult(CallbackError.InvalidInput, $"/tokens takes exactly two values, the access token and then the refresh token, separated by a space; this message had {parts.Length}. A token never contains a space or a line break.", null, []);
        return await AnswerAsync(result, messageId, "tokens", ct);
    }

    private async Task<string?> AnswerAsync(CallbackResult result, int messageId, string what, CancellationToken ct)
    {
        var deleted = await DeleteAsync(messageId, ct);
        var cleanup = deleted
            ? $"🧹 Your message with the {what} was deleted from this chat."
            : $"⚠️ Your message with the {what} could not be deleted: delete it yourself, it should not stay in the chat.";
        if (result.Succeeded)
        {
            // The connector has already told the account, its resumes and what hh.ru allows.
            return cleanup;
        }

        return $"⛔ {WebUtility.HtmlEncode(result.Message)}\n{cleanup}";
    }

    private async Task<bool> DeleteAsync(int messageId, CancellationToken ct)
    {
        try
        {
            await bot.Value.DeleteMessage(options.Value.ChatId!, messageId, ct);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (ApiRequestException ex)
        {
            Log.DeleteRefused(logger, ex.ErrorCode, ex.Message);
            return false;
        }
        catch (Exception ex) when (TelegramFailures.IsUnreachable(ex))
        {
            Log.DeleteFailed(logger, ex.GetType().Name);
            return false;
        }
    }

    /// <summary>The text after the command word ("/code@MyBot  abc" → "abc").</summary>
    private static string Argument(string text)
    {
        var trimmed = text.Trim();
        var space = trimmed.IndexOfAny([' ', '\n', '\r', '\t']);
        return space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();
    }

    private static partial class Log
    {
        [LoggerMessage(2401, LogLevel.Warning, "Telegram refused to delete the message that carried a code or token: {Code} {Description}")]
        public static partial void DeleteRefused(ILogger logger, int code, string description);

        [LoggerMessage(2402, LogLevel.Warning, "The message that carried a code or token could not be deleted ({Error}).")]
        public static partial void DeleteFailed(ILogger logger, string error);
    }
}
