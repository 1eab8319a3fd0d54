using HhFunctions.Pages;
using HhFunctions.State;

namespace HhFunctions.Vacancies;

/// <summary>
/// One box of <see cref="SalaryChart"/>: lowest, lower quartile, median, upper quartile and highest salary in RUR of
/// <paramref name="Count"/> vacancies from one source.
/// </summary>
public sealed record SalaryBox(string Source, int Count, double Low, double LowerQuartile, double Median, double UpperQuartile, double High);

/// <summary>What the Vacancies page's charts show, counted from the stored vacancies.</summary>
public static class VacancyCharts
{
    /// <summary>Vacancies first seen on each UTC day of the last <paramref name="days"/> days (today last).</summary>
    public static IReadOnlyList<DayCount> PerDay(IReadOnlyList<VacancyRecord> records, DateTimeOffset now, int days)
    {
        ArgumentNullException.ThrowIfNull(records);
        return DayCount.PerDay(records.Select(r => (DateTimeOffset?)r.FirstSeen), now, days);
    }

    /// <summary>
    /// One box per source that has salaries in RUR (the middle of from–to, or whichever is given; other currencies and
    /// vacancies without a salary are left out), in the order of <paramref name="sources"/>.
    /// </summary>
    public static IReadOnlyList<SalaryBox> SalaryBySource(IReadOnlyList<VacancyRecord> records, IReadOnlyList<string> sources)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(sources);
        return sources
            .Select(s => (Source: s, Values: records.Where(r => r.Sources.Contains(s, StringComparer.Ordinal) && (r.Currency is null or "RUR" or "RUB")).Select(Point).Where(p => p is > 0).Select(p => (double)p!.Value).Order().ToList()))
            .Where(r => r.Values.Count > 0)
            .Select(r => new SalaryBox(r.Source, r.Values.Count, r.Values[0], Quantile(r.Values, 0.25), Quantile(r.Values, 0.5), Quantile(r.Values, 0.75), r.Values[^1]))
            .ToList();
    }

    private static decimal? Point(VacancyRecord r) => (r.SalaryFrom, r.SalaryTo) switch
    {
        ({ } f, { } t) => (f + t) / 2,
        ({ } f, null) => f,
        (null, { } t) => t,
        _ => null,
    };

    private static double Quantile(List<double> sorted, double q)
    {
        var pos = (sorted.Count - 1) * q;
        var lo = (int)Math.Floor(pos);
        var hi = (int)Math.Ceiling(pos);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
    }
}
