using HhFunctions.Pages;

namespace HhFunctions.StatusPage;

/// <summary>
/// A feature's own part of the status page and of /status (recruiting's counts and failed responses): a feature
/// registers one with <c>services.AddTransient&lt;IStatusSection, …&gt;()</c>, so the status page names no feature.
/// A section holds no secret and no personal data.
/// </summary>
public interface IStatusSection
{
    /// <summary>The section now, or null when it has nothing to show.</summary>
    Task<StatusSection?> GetAsync(CancellationToken ct);
}

/// <summary>One section: an HTML id, a heading and its lines.</summary>
public sealed record StatusSection(string Id, string Title, IReadOnlyList<StatusLine> Lines);

/// <summary>One line; <see cref="Tone"/> is ok, warn, bad or muted (the page's classes).</summary>
public sealed record StatusLine(string Text, string Tone = "");

/// <summary>
/// A feature's chart in the status page's "Last 7 days" (recruiting's responses written per day): registered with
/// <c>services.AddTransient&lt;IStatusChart, …&gt;()</c>, counted from the feature's own store. Counts only.
/// </summary>
public interface IStatusChart
{
    /// <summary>The chart for the <paramref name="days"/> UTC days up to <paramref name="now"/>, or null when the feature is off.</summary>
    Task<StatusChart?> GetAsync(DateTimeOffset now, int days, CancellationToken ct);
}

/// <summary>One small per-day bar chart: its HTML id, what it counts, and the counts (oldest first).</summary>
public sealed record StatusChart(string Id, string Label, IReadOnlyList<DayCount> Days);
