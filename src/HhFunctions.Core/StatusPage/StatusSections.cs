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
