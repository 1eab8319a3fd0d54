using System.Globalization;
using System.Net;
using System.Text;
using HhFunctions.State;
using Microsoft.Extensions.Options;

namespace HhFunctions.Vacancies;

/// <summary>The bot's /watch answer and its Hide button: the sources, each one's last run, the last run.</summary>
public sealed class VacancyWatchStatus(IVacancyStore store, IStateStore state, IOptions<SearchOptions> options)
{
    public async Task<string> TextAsync(CancellationToken ct)
    {
        var o = options.Value;
        var parsed = SearchQueryParser.Parse(o.Queries);
        var watermarks = (await store.GetWatermarksAsync(ct)).ToDictionary(w => w.Source, StringComparer.Ordinal);
        var watch = await store.GetWatchStateAsync(ct);
        var paused = (await state.GetAccountAsync(ct)).Paused;
        var sb = new StringBuilder("👀 <b>Vacancy watch</b>\n");
        if (!o.HasSources)
        {
            sb.Append("Nothing to watch: set Search__Queries, Search__UseSavedSearches or Search__SimilarToResumes.\n");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"Schedule: <code>{E(o.Schedule)}</code>\n");
        }

        if (paused)
        {
            sb.Append("⏸ Watching is paused — /resume to continue.\n");
        }

        foreach (var q in parsed.Queries)
        {
            sb.Append(Line(q.Name, watermarks.GetValueOrDefault(q.Name)));
        }

        if (o.UseSavedSearches)
        {
            sb.Append("• Saved searches on hh.ru: on\n");
            foreach (var w in watermarks.Values.Where(w => w.Kind == "saved").OrderBy(w => w.Source, StringComparer.Ordinal))
            {
                sb.Append(Line(w.Source, w));
            }
        }

        if (o.SimilarToResumes)
        {
            sb.Append("• Similar to published resumes: on\n");
            foreach (var w in watermarks.Values.Where(w => w.Kind == "similar").OrderBy(w => w.Source, StringComparer.Ordinal))
            {
                sb.Append(Line(w.Source, w));
            }
        }

        if (watch.Token is { } token)
        {
            sb.Append("🔑 ").Append(E(token.Describe())).Append('\n');
            if (token.Kind == WatchTokenKind.Application && (o.UseSavedSearches || o.SimilarToResumes))
            {
                sb.Append("ℹ️ Saved searches and similar vacancies need a connected job seeker's account; they are left out (/connect).\n");
            }
        }

        foreach (var problem in parsed.Problems)
        {
            sb.Append("⚠️ ").Append(E(problem)).Append('\n');
        }

        sb.Append(watch.LastRun is { } run
            ? string.Create(CultureInfo.InvariantCulture, $"Last run: {Time(run.StartedAt)} ({E(run.Trigger)}) — {E(run.Summary)}")
            : "No watch run yet.");
        return sb.ToString();
    }

    /// <summary>The Hide button: the vacancy is never shown in a digest or on the page again.</summary>
    public async Task<string> HideAsync(string id, CancellationToken ct) =>
        await store.HideAsync(id, ct) ? "Hidden: it will not be shown again." : "It was already hidden.";

    private static string Line(string name, SourceWatermark? w) =>
        w is null
            ? $"  – {E(name)}: not run yet\n"
            : string.Create(CultureInfo.InvariantCulture, $"  – {E(name)}: {Time(w.LastRunAt)}, {w.LastNew} new, {w.Found} found{(w.LastError is null ? string.Empty : " ⚠️ " + E(w.LastError))}\n");

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("dd MMM HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
