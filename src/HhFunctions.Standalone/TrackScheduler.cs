using HhFunctions.Applying;
using Microsoft.Extensions.Options;

namespace HhFunctions.Standalone;

/// <summary>
/// Standalone mode only: runs <see cref="ApplicationTracker"/> on Apply__TrackSchedule, the NCRONTAB the
/// TrackApplications timer uses, with each next occurrence from <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class TrackScheduler(
    IServiceScopeFactory scopes,
    IOptions<ApplyOptions> options,
    TimeProvider time,
    ILogger<TrackScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = options.Value.TrackSchedule;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (StandaloneScheduler.NextOccurrence(schedule, time.GetUtcNow()) is not { } next)
            {
                return;
            }

            try
            {
                while (time.GetUtcNow() < next)
                {
                    await Task.Delay(next - time.GetUtcNow(), time, stoppingToken);
                }

                await using var scope = scopes.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<ApplicationTracker>().TrackAsync(stoppingToken);
                Log.Tracked(logger, result.Summary);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The scheduler must survive any run's failure.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.Crashed(logger, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5011, LogLevel.Information, "Standalone TrackApplications: {Summary}")]
        public static partial void Tracked(ILogger logger, string summary);

        [LoggerMessage(5012, LogLevel.Error, "Standalone TrackApplications failed unexpectedly.")]
        public static partial void Crashed(ILogger logger, Exception exception);
    }
}
