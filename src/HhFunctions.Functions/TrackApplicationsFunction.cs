using HhFunctions.Applying;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Functions;

/// <summary>Reads every application's state from hh.ru and tells the owner about answers: the logic is in <see cref="ApplicationTracker"/>.</summary>
public sealed partial class TrackApplicationsFunction(ApplicationTracker tracker, ILogger<TrackApplicationsFunction> logger)
{
    /// <summary>Timer trigger on the app setting Apply__TrackSchedule (default "0 */30 * * * *").</summary>
    [Function("TrackApplications")]
    public async Task Run([TimerTrigger("%Apply__TrackSchedule%")] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var result = await tracker.TrackAsync(ct);
        Log.Tracked(logger, result.Summary);
    }

    private static partial class Log
    {
        [LoggerMessage(5401, LogLevel.Information, "TrackApplications: {Summary}")]
        public static partial void Tracked(ILogger logger, string summary);
    }
}
