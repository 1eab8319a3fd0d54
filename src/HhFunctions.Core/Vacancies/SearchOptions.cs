using System.ComponentModel.DataAnnotations;

namespace HhFunctions.Vacancies;

/// <summary>What the vacancy watch looks at (section "Search"); every source is optional.</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Search";

    public const string DefaultSchedule = "0 */30 * * * *";

    /// <summary>
    /// hh.ru search queries, each the query string of a hh.ru search URL (or the whole URL), separated by ';'.
    /// An optional name=... names the query. Unknown or invalid parameters are reported at start-up and dropped.
    /// </summary>
    public string? Queries { get; set; }

    /// <summary>Also run the user's saved searches on hh.ru.</summary>
    public bool UseSavedSearches { get; set; }

    /// <summary>Also watch the vacancies hh.ru recommends for each published resume.</summary>
    public bool SimilarToResumes { get; set; }

    /// <summary>NCRONTAB (six fields, seconds first): when the watch runs. Default every 30 minutes.</summary>
    [Required(ErrorMessage = "Search__Schedule must be a six-field NCRONTAB expression, e.g. \"0 */30 * * * *\".")]
    public string Schedule { get; set; } = DefaultSchedule;

    /// <summary>Standalone mode only: run the watch on <see cref="Schedule"/> in-process. Tests switch it off.</summary>
    public bool StandaloneScheduler { get; set; } = true;

    /// <summary>Anything to watch at all.</summary>
    public bool HasSources => !string.IsNullOrWhiteSpace(Queries) || UseSavedSearches || SimilarToResumes;
}
