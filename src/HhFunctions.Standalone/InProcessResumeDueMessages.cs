using System.Threading.Channels;
using HhFunctions.Bumping;

namespace HhFunctions.Standalone;

/// <summary>
/// The standalone host's due-time queue: the same contract as the Storage queue the ResumeDue function reads
/// (a serialized <see cref="ResumeDueMessage"/> becomes visible after its delay, one raise per message), with
/// delays on <see cref="TimeProvider"/>. Messages live in memory: after a restart the schedule (the safety net)
/// raises the resumes and plans new messages.
/// </summary>
public sealed partial class InProcessResumeDueMessages(IServiceScopeFactory scopes, TimeProvider time, ILogger<InProcessResumeDueMessages> logger) : BackgroundService, IResumeDueMessages
{
    private readonly Channel<string> _visible = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private int _pending;
    private int _disposed;

    public bool Enabled => true;

    /// <summary>Messages sent and not yet handled (waiting for their time, or being handled).</summary>
    public int Pending => Volatile.Read(ref _pending);

    public Task SendAsync(ResumeDueMessage message, TimeSpan delay, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var json = message.ToJson();
        Interlocked.Increment(ref _pending);
        _ = DeliverAsync(json, ResumeDueQueues.Clamp(delay));
        return Task.CompletedTask;
    }

    private async Task DeliverAsync(string json, TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, _stopping.Token);
            }

            await _visible.Writer.WriteAsync(json, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = stoppingToken.Register(_stopping.Cancel);
        try
        {
            await foreach (var json in _visible.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<BumpResumesJob>().RaiseDueAsync(ResumeDueMessage.Parse(json), stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // One failed raise must not stop the queue; the schedule catches up.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.RaiseFailed(logger, ex);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // registered both as itself and as a hosted service: disposed once per registration
        }

        _stopping.Cancel();
        _stopping.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(5211, LogLevel.Error, "Due-time raise failed unexpectedly; the schedule catches up.")]
        public static partial void RaiseFailed(ILogger logger, Exception exception);
    }
}
