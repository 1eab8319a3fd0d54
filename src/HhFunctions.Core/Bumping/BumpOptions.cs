using System.ComponentModel.DataAnnotations;

namespace HhFunctions.Bumping;

public sealed class BumpOptions
{
    public const string SectionName = "Bump";

    /// <summary>NCRONTAB (six fields, seconds first), the same expression the Functions timer uses.</summary>
    [Required(ErrorMessage = "Bump__Schedule must be a six-field NCRONTAB expression, e.g. \"0 1 */4 * * *\".")]
    public string Schedule { get; set; } = "0 1 */4 * * *";

    /// <summary>Optional allow-list: comma-separated resume ids. Empty: every resume of the account.</summary>
    public string? ResumeIds { get; set; }

    /// <summary>A resume that becomes eligible within this time is waited for inside the run: 0 to 9 minutes (checked by ConfigurationValidator).</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Raise each resume from a due-time queue message that becomes visible when hh.ru allows its next raise
    /// (docs/schedule.md). False: the schedule alone raises (queue messages already sent are still honoured).
    /// </summary>
    public bool DueQueue { get; set; } = true;

    /// <summary>Standalone mode only: run the schedule in-process. Tests switch it off.</summary>
    public bool StandaloneScheduler { get; set; } = true;

    public IReadOnlySet<string> ResumeIdSet =>
        (ResumeIds ?? string.Empty)
            .Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
}
