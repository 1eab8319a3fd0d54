using HhFunctions.State;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Telegram;

/// <summary>
/// "Say it once": a notice about a standing condition (no account connected, no applicant access) is sent when
/// its key differs from the last one sent, so a condition that lasts is told once and again only when it changes.
/// Connecting or importing an account clears the last key (<see cref="AccountState.LastNotice"/>).
/// </summary>
public sealed partial class OwnerNotices(IStateStore state, ITelegramNotifier telegram, ILogger<OwnerNotices> logger)
{
    /// <summary>Sends <paramref name="html"/> unless the last notice had the same <paramref name="key"/>. Returns whether it was sent.</summary>
    public async Task<bool> TellOnceAsync(string key, string html, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var previous = (await state.GetAccountAsync(ct)).LastNotice;
            if (previous == key)
            {
                Log.AlreadyTold(logger, key);
                return false;
            }

            if (!await telegram.SendAsync(html, ct))
            {
                return false; // Not delivered (Telegram down or not configured): try again next time.
            }

            await state.UpdateAccountAsync(a => a with { LastNotice = key }, ct);
            return true;
        }
        catch (StateStoreException ex)
        {
            // Without state the notice cannot be deduplicated: better to repeat it than to stay silent.
            Log.StateUnavailable(logger, ex.Message);
            return await telegram.SendAsync(html, ct);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2501, LogLevel.Information, "Owner notice '{Key}' was sent before and nothing changed; not repeated.")]
        public static partial void AlreadyTold(ILogger logger, string key);

        [LoggerMessage(2502, LogLevel.Warning, "State storage unavailable while deduplicating a notice: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string reason);
    }
}
