using System.Globalization;
using System.Text;
using HhFunctions.State;
using HhFunctions.Pages;

namespace HhFunctions.Vacancies;

/// <summary>Inline SVG charts of stored vacancies; plain markup, every label escaped, no script.</summary>
public static class VacancyCharts
{
    private const int Width = 800;

    /// <summary>Bars: vacancies first seen on each UTC day of the last <paramref name="days"/> days (today last).</summary>
    public static string PerDay(IReadOnlyList<VacancyRecord> records, DateTimeOffset now, int days)
    {
        ArgumentNullException.ThrowIfNull(records);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = today.AddDays(-(days - 1));
        var counts = new int[days];
        foreach (var r in records)
        {
            var day = DateOnly.FromDateTime(r.FirstSeen.UtcDateTime);
            if (day >= first && day <= today)
            {
                counts[day.DayNumber - first.DayNumber]++;
            }
        }

        const int height = 180, top = 10, bottom = 30, left = 40;
        var max = Math.Max(1, counts.Max());
        var plot = height - top - bottom;
        var bar = (Width - left - 10) / (double)days;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg id=\"per-day\" role=\"img\" aria-label=\"New vacancies per day, last {days} days\" viewBox=\"0 0 {Width} {height}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\" fill=\"currentColor\">");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top + plot}\" x2=\"{Width - 10}\" y2=\"{top + plot}\" stroke=\"#8888\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{top + 4}\" text-anchor=\"end\">{max}</text><text x=\"{left - 6}\" y=\"{top + plot}\" text-anchor=\"end\">0</text>");
        for (var i = 0; i < days; i++)
        {
            var h = counts[i] * plot / (double)max;
            var x = left + (i * bar);
            var date = first.AddDays(i);
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"day\" data-date=\"{date:yyyy-MM-dd}\" data-count=\"{counts[i]}\" x=\"{x + 1:0.#}\" y=\"{top + plot - h:0.#}\" width=\"{Math.Max(1, bar - 2):0.#}\" height=\"{h:0.#}\" fill=\"#0969da\"><title>{date:yyyy-MM-dd}: {counts[i]}</title></rect>");
            if (i % 5 == 0 || i == days - 1)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (bar / 2):0.#}\" y=\"{height - 10}\" text-anchor=\"middle\">{date:dd MMM}</text>");
            }
        }

        return sb.Append("</svg>").ToString();
    }

    /// <summary>
    /// One box per source on a shared axis: lowest, lower quartile, median, upper quartile and highest salary in
    /// RUR (the middle of from–to, or whichever is given; other currencies and vacancies without a salary are left out).
    /// </summary>
    public static string SalaryBySource(IReadOnlyList<VacancyRecord> records, IReadOnlyList<string> sources)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(sources);
        var rows = sources
            .Select(s => (Source: s, Values: records.Where(r => r.Sources.Contains(s, StringComparer.Ordinal) && (r.Currency is null or "RUR" or "RUB")).Select(Point).Where(p => p is > 0).Select(p => (double)p!.Value).Order().ToList()))
            .Where(r => r.Values.Count > 0)
            .ToList();
        if (rows.Count == 0)
        {
            return "<p class=\"muted\" id=\"salary-empty\">No salaries in RUR to chart yet.</p>";
        }

        const int rowHeight = 34, top = 10, left = 200, right = 20;
        var height = top + (rows.Count * rowHeight) + 30;
        var min = rows.Min(r => r.Values[0]);
        var max = rows.Max(r => r.Values[^1]);
        if (max <= min)
        {
            max = min + 1;
        }

        double X(double v) => left + ((v - min) / (max - min) * (Width - left - right));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg id=\"salary-by-source\" role=\"img\" aria-label=\"Salary distribution per source, RUR\" viewBox=\"0 0 {Width} {height}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\" fill=\"currentColor\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var (source, values) = rows[i];
            var y = top + (i * rowHeight);
            var (lo, q1, med, q3, hi) = (values[0], Quantile(values, 0.25), Quantile(values, 0.5), Quantile(values, 0.75), values[^1]);
            var label = source.Length > 30 ? source[..29] + "…" : source;
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"source\" data-source=\"{HtmlPage.E(source)}\" data-count=\"{values.Count}\" data-median=\"{med:0}\"><title>{HtmlPage.E(source)}: {values.Count} salaries, median {N(med)}, quartiles {N(q1)}–{N(q3)}, range {N(lo)}–{N(hi)} RUR</title>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 8}\" y=\"{y + 17}\" text-anchor=\"end\">{HtmlPage.E(label)} ({values.Count})</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(lo):0.#}\" y1=\"{y + 13}\" x2=\"{X(hi):0.#}\" y2=\"{y + 13}\" stroke=\"#6e7781\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{X(q1):0.#}\" y=\"{y + 4}\" width=\"{Math.Max(1, X(q3) - X(q1)):0.#}\" height=\"18\" fill=\"#0969da55\" stroke=\"#0969da\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(med):0.#}\" y1=\"{y + 4}\" x2=\"{X(med):0.#}\" y2=\"{y + 22}\" stroke=\"#0969da\" stroke-width=\"3\"/></g>");
        }

        var axis = top + (rows.Count * rowHeight) + 14;
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{axis}\" text-anchor=\"start\">{N(min)} RUR</text><text x=\"{Width - right}\" y=\"{axis}\" text-anchor=\"end\">{N(max)} RUR</text>");
        return sb.Append("</svg>").ToString();
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

    private static string N(double v) => v.ToString("N0", new NumberFormatInfo { NumberGroupSeparator = " " });
}
