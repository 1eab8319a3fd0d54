using System.Globalization;
using System.Net;
using System.Text;
using HhFunctions.Composition;
using HhFunctions.Telegram;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace HhFunctions.Applying;

/// <summary>
/// Applying's Telegram messages and the callback-data format of its inline buttons: <c>apply:&lt;vacancy id&gt;</c>
/// (the watch digest's "Apply" button), <c>send:</c>, <c>edit:</c> and <c>skip:</c> (under a letter waiting for Send). Each fits
/// Telegram's 64-byte limit. <see cref="ApplyCommands"/> handles the taps.
/// </summary>
public sealed partial class ApplyPrompts(Deferred<ITelegramBotClient> bot, ITelegramNotifier notifier, IOptions<TelegramOptions> options, ILogger<ApplyPrompts> logger) : IApplyPrompts
{
    public const string ApplyAction = "apply";
    public const string SendAction = "send";
    public const string EditAction = "edit";
    public const string SkipAction = "skip";

    /// <summary>The watch digest's button under a vacancy: tapping it shows the letter with Send / Edit / Skip (auto mode: applies).</summary>
    public static InlineKeyboardButton ApplyButton(string vacancyId) => InlineKeyboardButton.WithCallbackData("Apply", CallbackData(ApplyAction, vacancyId));

    public static string CallbackData(string action, string vacancyId) => action + ":" + vacancyId;

    /// <summary>"send:123" → ("send", "123"); anything else → null.</summary>
    public static (string Action, string VacancyId)? ParseCallback(string? data)
    {
        if (string.IsNullOrEmpty(data) || data.Length > 64)
        {
            return null;
        }

        var colon = data.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var action = data[..colon];
        var id = VacancyRef.Parse(data[(colon + 1)..]);
        return action is ApplyAction or SendAction or EditAction or SkipAction && id is not null ? (action, id) : null;
    }

    public async Task AskAsync(ApplicationRecord record, string? letterProblem, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"✉️ <b>Apply to {Vacancy(record)}</b>?\n");
        if (letterProblem is not null)
        {
            sb.Append("⚠️ ").Append(E(letterProblem)).Append('\n');
        }

        sb.Append(record.PendingLetter is null
            ? "No cover letter (the vacancy does not require one)."
            : $"Letter ({Kind(record.Letter)}):\n<blockquote>{E(Clip(record.PendingLetter, 3000))}</blockquote>");
        var keyboard = new InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton.WithCallbackData("Send", CallbackData(SendAction, record.VacancyId)),
                InlineKeyboardButton.WithCallbackData("Edit", CallbackData(EditAction, record.VacancyId)),
                InlineKeyboardButton.WithCallbackData("Skip", CallbackData(SkipAction, record.VacancyId)),
            ],
        ]);
        await SendWithButtonsAsync(sb.ToString(), keyboard, ct);
    }

    public Task TellAsync(string html, CancellationToken ct) => notifier.SendAsync(html, ct);

    public Task ReportAsync(IReadOnlyList<ApplyResult> results, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder("🤖 <b>Auto-apply</b>\n");
        foreach (var r in results)
        {
            sb.Append(ResultLine(r)).Append('\n');
        }

        return notifier.SendAsync(sb.ToString().TrimEnd(), ct);
    }

    /// <summary>One result as a line: icon, vacancy, what happened and why.</summary>
    public static string ResultLine(ApplyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var icon = result.Outcome switch
        {
            ApplyOutcome.Sent => "✅",
            ApplyOutcome.AwaitingConfirmation => "✉️",
            ApplyOutcome.Skipped => "⏭",
            ApplyOutcome.Unconfirmed => "❓",
            _ => "⛔",
        };
        var what = result.Outcome switch
        {
            ApplyOutcome.Sent => "applied",
            ApplyOutcome.AwaitingConfirmation => "waiting for Send / Edit / Skip",
            ApplyOutcome.Skipped => "skipped",
            ApplyOutcome.Unconfirmed => "not confirmed",
            ApplyOutcome.Refused => "refused by hh.ru",
            _ => "not sent",
        };
        var name = result.Record is { } r ? Vacancy(r) : E("vacancy " + result.VacancyId);
        var letter = result.Outcome == ApplyOutcome.Sent && result.Record is { } rec ? $" — letter: {Kind(rec.Letter)}" : string.Empty;
        var extra = result.LetterProblem is { } p ? $"\n⚠️ {E(p)}" : string.Empty;
        return $"{icon} {name}: {what}{letter} ({E(result.Reason)}: {E(result.Message)}){extra}";
    }

    internal static string Vacancy(ApplicationRecord r)
    {
        var title = r.VacancyName ?? "vacancy " + r.VacancyId;
        var employer = r.Employer is { Length: > 0 } e ? " — " + E(e) : string.Empty;
        var url = r.VacancyUrl ?? "https://hh.ru/vacancy/" + r.VacancyId;
        return $"<a href=\"{E(url)}\">{E(title)}</a>{employer}";
    }

    internal static string Kind(LetterKind kind) => kind switch
    {
        LetterKind.Generated => "generated",
        LetterKind.Template => "template",
        LetterKind.Edited => "edited by you",
        _ => "none",
    };

    private async Task SendWithButtonsAsync(string html, InlineKeyboardMarkup keyboard, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.IsConfigured)
        {
            return;
        }

        try
        {
            await bot.Value.SendMessage(o.ChatId!, html, parseMode: ParseMode.Html, replyMarkup: keyboard, linkPreviewOptions: new global::Telegram.Bot.Types.LinkPreviewOptions { IsDisabled = true }, cancellationToken: ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (ApiRequestException ex)
        {
            Log.Rejected(logger, ex.ErrorCode, ex.Message);
        }
        catch (Exception ex) when (TelegramFailures.IsUnreachable(ex))
        {
            Log.Unreachable(logger, ex.GetType().Name);
        }
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);

    private static partial class Log
    {
        [LoggerMessage(7201, LogLevel.Warning, "Telegram rejected the apply prompt: {Code} {Description}")]
        public static partial void Rejected(ILogger logger, int code, string description);

        [LoggerMessage(7202, LogLevel.Warning, "Telegram could not be reached for the apply prompt ({Error}).")]
        public static partial void Unreachable(ILogger logger, string error);
    }
}
