using HhFunctions.Vacancies;
using Microsoft.Extensions.Options;

namespace HhFunctions.Standalone;

/// <summary>Standalone mode's WatchVacancies timer: <see cref="VacancyWatchJob"/> on Search__Schedule.</summary>
public sealed class VacancyWatchScheduler(IServiceScopeFactory scopes, IOptions<SearchOptions> options, TimeProvider time, ILogger<VacancyWatchScheduler> logger)
    : CronScheduler(scopes, time, logger, "Vacancy watch scheduler", firstEventId: 8201)
{
    public const string Trigger = "schedule";

    protected override string Schedule => options.Value.Schedule;

    protected override async Task<string> RunOnceAsync(IServiceProvider services, CancellationToken ct)
    {
        var run = await services.GetRequiredService<VacancyWatchJob>().RunAsync(Trigger, ct);
        return $"{run.Status}: {run.Summary}";
    }
}
