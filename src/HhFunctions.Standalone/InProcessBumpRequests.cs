using System.Threading.Channels;
using HhFunctions.Bumping;

namespace HhFunctions.Standalone;

/// <summary>
/// The standalone host's queue of on-demand runs: same contract as the Storage queue the BumpOnDemand function
/// reads in Azure (a serialized <see cref="BumpRequest"/> in, one run per message, in order).
/// </summary>
public sealed partial class InProcessBumpRequests(IServiceScopeFactory scopes, ILogger<InProcessBumpRequests> logger) : BackgroundService, IBumpRequests
{
    private readonly Channel<string> _messages = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private int _pending;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    public Task EnqueueAsync(BumpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_messages)
        {
            if (_pending++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }

        return _messages.Writer.WriteAsync(request.ToJson(), ct).AsTask();
    }

    /// <summary>Completes when every queued request has been run (tests, shutdown).</summary>
    public Task WhenIdleAsync()
    {
        lock (_messages)
        {
            return _idle.Task;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in _messages.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<BumpRequestHandler>().HandleAsync(BumpRequest.Parse(message), stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    Log.Stopped(logger);
                    return;
                }
#pragma warning disable CA1031 // One failed run must not stop the queue; the failure is logged.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.RunFailed(logger, ex);
                }
                finally
                {
                    Done();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Done()
    {
        lock (_messages)
        {
            if (--_pending == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            tcs.TrySetResult();
        }

        return tcs;
    }

    private static partial class Log
    {
        [LoggerMessage(5201, LogLevel.Error, "On-demand bump failed unexpectedly.")]
        public static partial void RunFailed(ILogger logger, Exception exception);

        [LoggerMessage(5202, LogLevel.Information, "On-demand bump stopped by the app's shutdown.")]
        public static partial void Stopped(ILogger logger);
    }
}
