using Telegram.Bot.Exceptions;

namespace HhFunctions.Telegram;

/// <summary>How a call to Telegram fails when Telegram cannot be reached (as opposed to Telegram refusing it).</summary>
public static class TelegramFailures
{
    /// <summary>Network errors, timeouts (the client's or the resilience pipeline's) and an open circuit.</summary>
    public static bool IsUnreachable(Exception ex) =>
        ex is HttpRequestException or RequestException or TaskCanceledException or TimeoutException
            or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException;
}
