using HhFunctions.Composition;
using HhFunctions.Telegram;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace HhFunctions.Applying;

/// <summary>
/// The bot's side of applying: <c>/apply &lt;vacancy id or hh.ru address&gt;</c>, the inline buttons
/// (<see cref="ApplyPrompts"/>'s callback data) and the owner's next message after "Edit", which becomes the letter.
/// </summary>
public sealed partial class ApplyCommands(
    ApplyService apply,
    IApplicationStore store,
    IApplyPrompts prompts,
    Deferred<ITelegramBotClient> bot,
    IOptions<TelegramOptions> options,
    ILogger<ApplyCommands> logger)
{
    public const string Usage = "Send <code>/apply</code> followed by a vacancy id or its hh.ru address, e.g. <code>/apply https://hh.ru/vacancy/123456</code>.";

    /// <summary>
    /// /apply: the checks and the letter, shown with Send / Edit / Skip (auto mode: applied at once); answers with the
    /// outcome, or nothing more when the letter is shown.
    /// </summary>
    public async Task<string?> ApplyAsync(string text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var space = trimmed.IndexOfAny([' ', '\n', '\t']);
        var argument = space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();
        if (argument.Length == 0)
        {
            return Usage;
        }

        if (VacancyRef.Parse(argument) is not { } vacancyId)
        {
            return $"⛔ That is not a vacancy id or an hh.ru vacancy address.\n{Usage}";
        }

        return Reply(await apply.ApplyOrAskAsync(vacancyId, ct));
    }

    /// <summary>
    /// A tap on one of applying's buttons, answered (answerCallbackQuery) at once; false when the callback data is not
    /// one of <see cref="ApplyPrompts"/>'s (the bot then answers "Unknown button.").
    /// </summary>
    public async Task<bool> HandleCallbackAsync(BotButton tap, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tap);
        if (ApplyPrompts.ParseCallback(tap.Data) is not { } button)
        {
            return false;
        }

        await AnswerAsync(tap.CallbackQueryId, "Working on it…", ct);

        Log.Button(logger, button.Action, button.VacancyId);
        string? reply;
        switch (button.Action)
        {
            case ApplyPrompts.ApplyAction:
                reply = Reply(await apply.ApplyOrAskAsync(button.VacancyId, ct));
                break;
            case ApplyPrompts.SendAction:
                reply = ApplyPrompts.ResultLine(await apply.ApplyAsync(button.VacancyId, ApplyService.TelegramSource, letterOverride: null, ct));
                break;
            case ApplyPrompts.EditAction:
                var waiting = await store.GetAsync(button.VacancyId, ct);
                if (waiting is not { Status: ApplicationStatus.AwaitingConfirmation })
                {
                    reply = "This application is no longer waiting for a letter.";
                    break;
                }

                await store.UpdateStateAsync(s => s with { EditingVacancyId = button.VacancyId }, ct);
                reply = $"✏️ Send the new letter for {ApplyPrompts.Vacancy(waiting)} as your next message (at most 10,000 characters).";
                break;
            default:
                reply = await apply.SkipAsync(button.VacancyId, ct) is { } skipped
                    ? $"⏭ Skipped {ApplyPrompts.Vacancy(skipped)}."
                    : "This application is no longer waiting; nothing changed.";
                break;
        }

        if (reply is not null)
        {
            await prompts.TellAsync(reply, ct);
        }

        return true;
    }

    /// <summary>What became of /apply or "Apply": nothing more when the letter is shown with its buttons (that is the answer).</summary>
    private static string? Reply(ApplyResult result) =>
        result.Outcome == ApplyOutcome.AwaitingConfirmation ? null : ApplyPrompts.ResultLine(result);

    /// <summary>A plain text message: the new letter when the owner tapped "Edit"; null when none was asked for.</summary>
    public async Task<string?> TextAsync(string text, CancellationToken ct)
    {
        var state = await store.GetStateAsync(ct);
        if (state.EditingVacancyId is not { } vacancyId)
        {
            return null;
        }

        await store.UpdateStateAsync(s => s with { EditingVacancyId = null }, ct);
        var record = await apply.ReplaceLetterAsync(vacancyId, text, ct);
        if (record is null)
        {
            return "That application is no longer waiting; the text was not used.";
        }

        await prompts.AskAsync(record, null, ct);
        return "✏️ Letter replaced: tap Send above to apply with it.";
    }

    private async Task AnswerAsync(string callbackQueryId, string text, CancellationToken ct)
    {
        try
        {
            if (options.Value.IsConfigured)
            {
                await bot.Value.AnswerCallbackQuery(callbackQueryId, text, cancellationToken: ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is ApiRequestException || TelegramFailures.IsUnreachable(ex))
        {
            Log.AnswerFailed(logger, ex.GetType().Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(7301, LogLevel.Information, "Telegram button {Action} for vacancy {VacancyId}.")]
        public static partial void Button(ILogger logger, string action, string vacancyId);

        [LoggerMessage(7302, LogLevel.Warning, "answerCallbackQuery failed ({Error}); the button is handled anyway.")]
        public static partial void AnswerFailed(ILogger logger, string error);
    }
}
