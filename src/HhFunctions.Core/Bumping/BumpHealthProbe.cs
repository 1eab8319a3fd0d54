using System.Globalization;
using HhFunctions.Configuration;
using HhFunctions.Observability;
using HhFunctions.State;
using Microsoft.Extensions.Options;

namespace HhFunctions.Bumping;

/// <summary>
/// GET /api/health's "lastRun": the last recorded run is no older than the schedule's last tick (Bump__Schedule) less
/// <see cref="Grace"/>, i.e. no scheduled run was missed. Healthy while nothing has run yet, and when no schedule runs
/// here (standalone with Bump__StandaloneScheduler=false).
/// </summary>
public sealed class BumpHealthProbe(IStateStore state, IOptions<BumpOptions> options, HostInfo host, TimeProvider time) : IHealthProbe
{
    /// <summary>How late a scheduled run may start and still count (a run may also wait for a resume that is almost due).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(15);

    public string Name => "lastRun";

    public async Task<HealthCheck> CheckAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (host.Kind == AppHost.Standalone && !o.StandaloneScheduler)
        {
            return HealthCheck.Pass(Name, "no schedule runs here (Bump__StandaloneScheduler=false)");
        }

        var runs = await state.GetRecentRunsAsync(1, ct);
        if (runs.Count == 0)
        {
            return HealthCheck.Pass(Name, "no run yet");
        }

        var now = time.GetUtcNow();
        var age = now - runs[0].StartedAt;
        var tick = LastTick(o.Schedule, now - Grace);
        var text = "last run " + Math.Max(0, (int)age.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min ago";
        return tick is { } due && runs[0].StartedAt < due - TimeSpan.FromMinutes(1)
            ? HealthCheck.Fail(Name, text + "; the run due at " + due.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC (Bump__Schedule) is missing")
            : HealthCheck.Pass(Name, text);
    }

    /// <summary>The schedule's last tick at or before <paramref name="at"/> (looked for in the 35 days before it).</summary>
    internal static DateTimeOffset? LastTick(string schedule, DateTimeOffset at)
    {
        DateTimeOffset? last = null;
        foreach (var tick in Cron.Parse(schedule).GetOccurrences(at.UtcDateTime.AddDays(-35), at.UtcDateTime, fromInclusive: true, toInclusive: true))
        {
            last = new DateTimeOffset(tick, TimeSpan.Zero);
        }

        return last;
    }
}
