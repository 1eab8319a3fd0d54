using System.Globalization;

namespace HhFunctions.Applying;

/// <summary>One row of the funnel: applications sent, and how many were viewed, invited, rejected or stayed silent.</summary>
public sealed record FunnelRow(string Key, int Sent, int Viewed, int Invited, int Rejected, int Silent)
{
    public double Share(int part) => Sent == 0 ? 0 : (double)part / Sent;
}

public sealed record FunnelReport(
    DateTimeOffset GeneratedAt,
    FunnelRow Total,
    IReadOnlyList<FunnelRow> Weeks,
    IReadOnlyList<FunnelRow> BySource,
    IReadOnlyList<FunnelRow> ByLetter,
    IReadOnlyDictionary<string, int> SkippedByReason)
{
    /// <summary>
    /// The funnel over the applications hh.ru has (status Sent). Invited/rejected: the state is, or once was,
    /// invitation/discard. Silent: sent at least <paramref name="silentAfter"/> ago with no view, answer or message.
    /// Weeks start on Monday (UTC), newest first.
    /// </summary>
    public static FunnelReport Build(IReadOnlyList<ApplicationRecord> records, DateTimeOffset now, TimeSpan silentAfter)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sent = records.Where(r => r.Status == ApplicationStatus.Sent).ToList();
        FunnelRow Row(string key, IEnumerable<ApplicationRecord> group)
        {
            var list = group.ToList();
            return new FunnelRow(
                key,
                list.Count,
                list.Count(r => r.ViewedByEmployer),
                list.Count(r => Had(r, "invitation")),
                list.Count(r => Had(r, "discard")),
                list.Count(r => IsSilent(r, now, silentAfter)));
        }

        return new FunnelReport(
            now,
            Row("all", sent),
            sent.GroupBy(r => WeekStart(r.SentAt ?? r.CreatedAt)).OrderByDescending(g => g.Key).Select(g => Row(g.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), g)).ToList(),
            sent.GroupBy(r => r.Source ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(g.Key, g)).ToList(),
            sent.GroupBy(r => LetterKey(r.Letter)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(g.Key, g)).ToList(),
            records.Where(r => r.Status is ApplicationStatus.Skipped or ApplicationStatus.Refused).GroupBy(r => r.Reason ?? "unknown")
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()));
    }

    public static string LetterKey(LetterKind kind) => kind switch
    {
        LetterKind.Generated => "generated",
        LetterKind.Template => "template",
        LetterKind.Edited => "edited",
        _ => "none",
    };

    internal static bool Had(ApplicationRecord r, string state) => r.State == state || r.History.Any(h => h.State == state);

    internal static bool IsSilent(ApplicationRecord r, DateTimeOffset now, TimeSpan silentAfter) =>
        r.Status == ApplicationStatus.Sent && (r.SentAt ?? r.CreatedAt) <= now - silentAfter
        && !r.ViewedByEmployer && !r.HasUpdates && !Had(r, "invitation") && !Had(r, "discard");

    private static DateOnly WeekStart(DateTimeOffset t)
    {
        var day = DateOnly.FromDateTime(t.UtcDateTime);
        var offset = ((int)day.DayOfWeek + 6) % 7;
        return day.AddDays(-offset);
    }
}
