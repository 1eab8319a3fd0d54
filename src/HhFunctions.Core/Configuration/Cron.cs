using Cronos;

namespace HhFunctions.Configuration;

/// <summary>
/// The six-field NCRONTAB expressions (seconds first) of the app's schedules: Bump__Schedule, Search__Schedule,
/// Apply__TrackSchedule. The Functions host reads the same expressions for its timer triggers; the standalone
/// host computes each next occurrence here, in UTC.
/// </summary>
public static class Cron
{
    public static CronExpression Parse(string schedule) => CronExpression.Parse(schedule, CronFormat.IncludeSeconds);

    /// <summary>The next firing strictly after <paramref name="after"/> (or at it, when <paramref name="inclusive"/>), in UTC.</summary>
    public static DateTimeOffset? NextOccurrence(string schedule, DateTimeOffset after, bool inclusive = false) =>
        Parse(schedule).GetNextOccurrence(after, TimeZoneInfo.Utc, inclusive);

    /// <summary>Null when <paramref name="schedule"/> is empty or valid; otherwise the start-up message naming <paramref name="setting"/>.</summary>
    public static string? Problem(string setting, string? schedule, string example)
    {
        if (string.IsNullOrWhiteSpace(schedule))
        {
            return null; // DataAnnotations reports a missing schedule.
        }

        try
        {
            _ = Parse(schedule);
            return null;
        }
        catch (CronFormatException ex)
        {
            return $"{setting} '{schedule}' is not a six-field NCRONTAB expression (seconds first, e.g. \"{example}\"): {ex.Message}";
        }
    }
}
