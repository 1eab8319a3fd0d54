namespace HhFunctions.Pages;

/// <summary>One day of <see cref="PerDayChart"/>: how many things happened on that UTC day.</summary>
public sealed record DayCount(DateOnly Date, int Count)
{
    /// <summary>The <paramref name="times"/> counted per UTC day of the last <paramref name="days"/> days (today last); nulls and other days are left out.</summary>
    public static IReadOnlyList<DayCount> PerDay(IEnumerable<DateTimeOffset?> times, DateTimeOffset now, int days)
    {
        ArgumentNullException.ThrowIfNull(times);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = today.AddDays(-(days - 1));
        var counts = new int[days];
        foreach (var time in times)
        {
            if (time is not { } t)
            {
                continue;
            }

            var day = DateOnly.FromDateTime(t.UtcDateTime);
            if (day >= first && day <= today)
            {
                counts[day.DayNumber - first.DayNumber]++;
            }
        }

        return counts.Select((count, i) => new DayCount(first.AddDays(i), count)).ToList();
    }
}
