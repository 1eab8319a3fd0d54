using System.Globalization;
using HhFunctions.Testing;

namespace HhFunctions.Benchmarks;

internal sealed record ResumeFigures(string ResumeId, int Raises, double RaisesPerDay, double P50Minutes, double P99Minutes, int EarlyRejections);

internal static class Report
{
    /// <summary>
    /// Per resume: raises over the days it was raisable (from its first eligibility to the end), minutes from
    /// each eligibility (first one, then previous raise + hh.ru's interval) to the raise, and 429s for early tries.
    /// </summary>
    public static IReadOnlyList<ResumeFigures> Figures(PolicyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Settings;
        return result.Hh.Resumes.Select(r =>
        {
            var seed = s.Resumes.Single(x => x.Id == r.Id);
            var firstEligible = seed.FirstEligibleIn is { } e ? s.Start + e : s.Start;
            var delays = new List<double>();
            var eligible = firstEligible;
            foreach (var raise in r.Raises)
            {
                delays.Add((raise - eligible).TotalMinutes);
                eligible = raise + FakeHhApi.PublishInterval;
            }

            var days = (s.End - firstEligible).TotalDays;
            return new ResumeFigures(r.Id, r.Raises.Count, r.Raises.Count / days, Percentile(delays, 0.50), Percentile(delays, 0.99), r.EarlyRejections);
        }).ToList();
    }

    public static void Print(SimulationSettings settings, IReadOnlyList<PolicyResult> results)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(results);
        Console.WriteLine();
        Console.WriteLine("| policy | resume | raises | raises/day (limit 6) | eligible→raise p50 (min) | p99 (min) | early attempts rejected (429) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            foreach (var f in Figures(result))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {result.Policy} | {f.ResumeId} | {f.Raises} | {f.RaisesPerDay:0.000} | {f.P50Minutes:0.00} | {f.P99Minutes:0.00} | {f.EarlyRejections} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| policy | hh.ru API calls per raise | listings | single-resume reads | publishes | raises |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            var requests = result.Hh.Requests.Where(r => r.Uri.AbsolutePath != "/token").ToList();
            var listings = requests.Count(r => r.Method == "GET" && r.Uri.AbsolutePath == "/resumes/mine");
            var reads = requests.Count(r => r.Method == "GET" && r.Uri.AbsolutePath.StartsWith("/resumes/", StringComparison.Ordinal) && r.Uri.AbsolutePath != "/resumes/mine");
            var publishes = requests.Count(r => r.Method == "POST");
            var raises = result.Hh.Resumes.Sum(r => r.Raises.Count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {result.Policy} | {requests.Count / (double)Math.Max(1, raises):0.00} | {listings} | {reads} | {publishes} | {raises} |"));
        }

        Console.WriteLine();
        Console.WriteLine("raises/day: raises divided by the days from the resume's first eligibility to the end. eligible→raise: from the moment hh.ru allowed a raise (first next_publish_at, then previous raise + 4 h) to the raise.");
        foreach (var result in results)
        {
            Console.WriteLine($"{result.Policy}: {result.Notes}");
        }
    }

    /// <summary>PASS when every resume reaches the target raises/day with no early attempt (and, if given, the p99 target).</summary>
    public static bool Verdict(PolicyResult ours, double targetRaisesPerDay, double? maxP99Seconds = null)
    {
        ArgumentNullException.ThrowIfNull(ours);
        var figures = Figures(ours);
        var worst = figures.Min(f => f.RaisesPerDay);
        var early = figures.Sum(f => f.EarlyRejections);
        var p99 = figures.Max(f => f.P99Minutes) * 60;
        var pass = worst >= targetRaisesPerDay && early == 0 && (maxP99Seconds is not { } max || p99 <= max);
        var p99Text = maxP99Seconds is { } m ? $", worst p99 eligible→raise {p99:0.0} s (target <= {m:0} s)" : string.Empty;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(pass ? "PASS" : "FAIL")}: {ours.Policy}: worst resume {worst:0.000} raises/day (target >= {targetRaisesPerDay:0.00}), {early} early attempts rejected (target 0){p99Text}."));
        return pass;
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
