using Microsoft.Extensions.Options;

namespace HhFunctions.Scheduling;

/// <summary>
/// A job the standalone host runs on a cron schedule (in Azure the feature's [TimerTrigger] function runs it on the
/// same setting). <see cref="FirstEventId"/> and the three after it are the schedule's log events (next run, run
/// failed, no future occurrence, run ended).
/// </summary>
public sealed class ScheduleRegistration(string name, int firstEventId, string schedule, Func<IServiceProvider, CancellationToken, Task<string>> run)
{
    public string Name => name;

    public int FirstEventId => firstEventId;

    /// <summary>The NCRONTAB expression (six fields, UTC), read from the feature's options.</summary>
    public string Schedule => schedule;

    /// <summary>Runs the job once in <paramref name="scope"/> (a DI scope made for this run); returns a one-line summary.</summary>
    public Task<string> RunAsync(IServiceProvider scope, CancellationToken ct) => run(scope, ct);
}

public static class ScheduleRegistrationExtensions
{
    /// <summary>
    /// Runs <typeparamref name="TJob"/> on the standalone host at the times <paramref name="schedule"/> reads from
    /// <typeparamref name="TOptions"/>; <paramref name="run"/> returns the run's summary for the log.
    /// </summary>
    public static IServiceCollection AddStandaloneSchedule<TJob, TOptions>(this IServiceCollection services, string name, int firstEventId, Func<TOptions, string> schedule, Func<TJob, CancellationToken, Task<string>> run)
        where TJob : notnull
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp => new ScheduleRegistration(
            name,
            firstEventId,
            schedule(sp.GetRequiredService<IOptions<TOptions>>().Value),
            (scope, ct) => run(scope.GetRequiredService<TJob>(), ct)));
        return services;
    }
}
