using HhFunctions.Jobs;
using HhFunctions.Vacancies;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Standalone;

/// <summary>
/// Standalone mode only (no Functions host): runs <see cref="VacancyWatchJob"/> on Search__Schedule, the same
/// NCRONTAB expression the WatchVacancies timer uses, each next occurrence computed from <see cref="TimeProvider"/>.
/// The bump schedule (<see cref="StandaloneScheduler"/>) is separate and unchanged.
/// </summary>
public sealed partial class VacancyWatchScheduler(
    IServiceScopeFactory scopes,
    IOptions<SearchOptions> options,
    TimeProvider time,
    ILogger<VacancyWatchScheduler> logger) : BackgroundService
{
    public const string Trigger = "schedule";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = options.Value.Schedule;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (StandaloneScheduler.NextOccurrence(schedule, now) is not { } next)
            {
                Log.NoOccurrence(logger, schedule);
                return;
            }

            Log.NextRun(logger, next);
            try
            {
                while (time.GetUtcNow() < next)
                {
                    await Task.Delay(next - time.GetUtcNow(), time, stoppingToken);
                }

                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<VacancyWatchJob>().RunAsync(Trigger, stoppingToken);
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
        [LoggerMessage(8201, LogLevel.Information, "Vacancy watch scheduler: next run at {Next:O}.")]
        public static partial void NextRun(ILogger logger, DateTimeOffset next);

        [LoggerMessage(8202, LogLevel.Error, "Vacancy watch scheduler: the run failed unexpectedly.")]
        public static partial void RunCrashed(ILogger logger, Exception exception);

        [LoggerMessage(8203, LogLevel.Warning, "Vacancy watch scheduler: schedule {Schedule} has no future occurrence.")]
        public static partial void NoOccurrence(ILogger logger, string schedule);
    }
}
