using HhFunctions.Applying;
using Microsoft.Extensions.Options;

namespace HhFunctions.Standalone;

/// <summary>Standalone mode's TrackApplications timer: <see cref="ApplicationTracker"/> on Apply__TrackSchedule.</summary>
public sealed class TrackScheduler(IServiceScopeFactory scopes, IOptions<ApplyOptions> options, TimeProvider time, ILogger<TrackScheduler> logger)
    : CronScheduler(scopes, time, logger, "Standalone TrackApplications", firstEventId: 5011)
{
    protected override string Schedule => options.Value.TrackSchedule;

    protected override async Task<string> RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        (await services.GetRequiredService<ApplicationTracker>().TrackAsync(ct)).Summary;
}
