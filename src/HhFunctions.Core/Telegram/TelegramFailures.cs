using Telegram.Bot.Exceptions;

namespace HhFunctions.Telegram;

/// <summary>How a call to Telegram fails when Telegram cannot be reached (as opposed to Telegram refusing it).</summary>
public static class TelegramFailures
{
    /// <summary>Network errors, timeouts (the client's or the resilience pipeline's) and an open circuit.</summary>
    public static bool IsUnreachable(Exception ex) =>
        ex is HttpRequestException or RequestException or TaskCanceledException or TimeoutException
            or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException;

    /// <summary>
    /// Runs one call to Telegram that must never fail its caller: true when it went through; false, after
    /// <paramref name="refused"/> (Telegram's code and description) or <paramref name="unreachable"/> (the exception's
    /// type name) is told, when Telegram refused it or could not be reached, including a cancellation the caller did
    /// not ask for. Only the caller's own cancellation is thrown.
    /// </summary>
    public static async Task<bool> TryAsync(Func<Task> call, Action<int, string> refused, Action<string> unreachable, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(refused);
        ArgumentNullException.ThrowIfNull(unreachable);
        try
        {
            await call();
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (ApiRequestException ex)
        {
            refused(ex.ErrorCode, ex.Message);
            return false;
        }
        catch (Exception ex) when (ex is OperationCanceledException || IsUnreachable(ex))
        {
            unreachable(ex.GetType().Name);
            return false;
        }
    }
}
