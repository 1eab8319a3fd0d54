using Cronos;
using HhFunctions.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Standalone;

/// <summary>
/// Standalone mode only (no Functions host): fires <see cref="BumpResumesJob"/> on the same NCRONTAB schedule
/// the timer trigger uses, computing each next occurrence from <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class StandaloneScheduler(
    IServiceScopeFactory scopes,
    IOptions<BumpOptions> options,
    TimeProvider time,
    ILogger<StandaloneScheduler> logger) : BackgroundService
{
    public static CronExpression Parse(string schedule) => CronExpression.Parse(schedule, CronFormat.IncludeSeconds);

    /// <summary>The next firing strictly after <paramref name="after"/>, in UTC.</summary>
    public static DateTimeOffset? NextOccurrence(string schedule, DateTimeOffset after) =>
        Parse(schedule).GetNextOccurrence(after, TimeZoneInfo.Utc);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = options.Value.Schedule;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (NextOccurrence(schedule, now) is not { } next)
            {
                Log.NoOccurrence(logger, schedule);
                return;
            }

            Log.NextRun(logger, next);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            // A delay may end a hair early on some clocks: never fire before the occurrence.
            while (time.GetUtcNow() < next)
            {
                await Task.Delay(next - time.GetUtcNow(), time, stoppingToken);
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<BumpResumesJob>().RunAsync("schedule", BumpResumesJob.ScheduledLockWait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The scheduler must survive any run's failure.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.RunCrashed(logger, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5001, LogLevel.Information, "Standalone scheduler: next run at {Next:O}.")]
        public static partial void NextRun(ILogger logger, DateTimeOffset next);

        [LoggerMessage(5002, LogLevel.Error, "Standalone scheduler: the run failed unexpectedly.")]
        public static partial void RunCrashed(ILogger logger, Exception exception);

        [LoggerMessage(5003, LogLevel.Warning, "Standalone scheduler: schedule {Schedule} has no future occurrence.")]
        public static partial void NoOccurrence(ILogger logger, string schedule);
    }
}
