using HhFunctions.Bumping;
using Microsoft.Extensions.Options;

namespace HhFunctions.Standalone;

/// <summary>Standalone mode's BumpResumes timer: <see cref="BumpResumesJob"/> on Bump__Schedule.</summary>
public sealed class StandaloneScheduler(IServiceScopeFactory scopes, IOptions<BumpOptions> options, TimeProvider time, ILogger<StandaloneScheduler> logger)
    : CronScheduler(scopes, time, logger, "Standalone scheduler", firstEventId: 5001)
{
    protected override string Schedule => options.Value.Schedule;

    protected override async Task<string> RunOnceAsync(IServiceProvider services, CancellationToken ct)
    {
        var run = await services.GetRequiredService<BumpResumesJob>().RunAsync("schedule", ct);
        return $"{run.Status}: {run.Summary}";
    }
}
