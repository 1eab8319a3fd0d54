using HhFunctions.State;
using HhFunctions.Telegram;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Vacancies;

/// <summary>The bot's side of the vacancy watch: /watch, and the digest's "Hide" button (<see cref="VacancyDigest.HidePrefix"/>).</summary>
public sealed partial class WatchCommands(VacancyWatchStatus status, IVacancyMessenger messenger, ILogger<WatchCommands> logger)
{
    /// <summary>/watch: the sources, each one's last run, the last run.</summary>
    public Task<string> WatchAsync(CancellationToken ct) => status.TextAsync(ct);

    /// <summary>"hide:{id}": the vacancy is never shown again; the tap is answered with what happened.</summary>
    public async Task<bool> HideAsync(BotButton button, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(button);
        var id = button.Argument;
        string answer;
        try
        {
            answer = id.Length == 0 ? "This button names no vacancy." : await status.HideAsync(id, ct);
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, ex.Message);
            answer = "State storage is unavailable right now; nothing was changed. Try again in a minute.";
        }

        await messenger.AnswerButtonAsync(button.CallbackQueryId, answer, ct);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(8104, LogLevel.Warning, "The Hide button: state storage unavailable: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string reason);
    }
}
