using Microsoft.Extensions.Options;

namespace HhFunctions.OwnDatabase;

/// <summary>Wakes the pump when something was added to the outbox.</summary>
public sealed class MirrorSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    /// <summary>Waits for a wake-up, or <paramref name="timeout"/> on <paramref name="time"/>; true when woken.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var idle = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token);
        try
        {
            await _signal.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _signal.Dispose();
}

/// <summary>
/// Runs the pump at start (so a wrong connection string or a refused login is named in the log at once), after each
/// outbox write, and every few minutes; after a failure it waits Sql__RetryDelay, doubling up to Sql__MaxRetryDelay.
/// </summary>
public sealed partial class MirrorBackground(MirrorPump pump, MirrorSignal signal, IOptions<SqlOptions> options, TimeProvider time, ILogger<MirrorBackground> logger) : BackgroundService
{
    public static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = options.Value.RetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            MirrorPass pass;
            try
            {
                pass = await pump.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A bug in one pass must not end the mirror for the life of the process.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.Unexpected(logger, ex);
                pass = new MirrorPass(false, 0, 0, 0, [], "unexpected");
            }

            try
            {
                if (pass.Ok)
                {
                    delay = options.Value.RetryDelay;
                    await signal.WaitAsync(Idle, time, stoppingToken);
                }
                else
                {
                    // Back-off: new writes wait in the outbox meanwhile.
                    await Task.Delay(delay, time, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxRetryDelay.Ticks));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(9110, LogLevel.Error, "Own database: the mirror's pass failed unexpectedly; it is tried again later.")]
        public static partial void Unexpected(ILogger logger, Exception exception);
    }
}
