using System.ComponentModel.DataAnnotations;

namespace HhFunctions.Applying;

/// <summary>
/// How new matches from the vacancy watch, and the owner's own /apply and "Apply" button, are applied to. Only auto
/// sends without a tap on Send.
/// </summary>
public enum ApplyMode
{
    /// <summary>New matches are left alone; /apply and "Apply" show the letter with Send / Edit / Skip (the default).</summary>
    Off,

    /// <summary>New matches from Apply__AutoSources, /apply and "Apply" get the letter shown in Telegram with Send / Edit / Skip.</summary>
    Confirm,

    /// <summary>New matches from Apply__AutoSources are applied to without asking; /apply and "Apply" apply at once.</summary>
    Auto,
}

/// <summary>Settings of applying and tracking (section "Apply"). See docs/applying.md.</summary>
public sealed class ApplyOptions
{
    public const string SectionName = "Apply";

    /// <summary>hh.ru's own cap: 200 applications per rolling 24 hours.</summary>
    public const int HhDailyCap = 200;

    /// <summary>hh.ru's limit on a cover letter.</summary>
    public const int MaxLetterLength = 10_000;

    public ApplyMode Mode { get; set; } = ApplyMode.Off;

    /// <summary>Comma-separated watch source names whose new matches Confirm/Auto act on, or "all". Empty: none.</summary>
    public string? AutoSources { get; set; }

    /// <summary>Applications per rolling 24 hours, counted by the app: 1 to 200, hh.ru's own cap (checked by ApplyOptionsValidator).</summary>
    public int DailyLimit { get; set; } = 20;

    /// <summary>The resume to apply with; empty: the first published resume of the account.</summary>
    public string? ResumeId { get; set; }

    /// <summary>Cover letter template with {vacancy}, {employer}, {name} and {skills}.</summary>
    public string? LetterTemplate { get; set; }

    /// <summary>A file holding the template (for long text); used when <see cref="LetterTemplate"/> is empty.</summary>
    public string? LetterTemplateFile { get; set; }

    /// <summary>Six-field NCRONTAB of TrackApplications (the Functions timer reads %Apply__TrackSchedule%).</summary>
    [Required(ErrorMessage = "Apply__TrackSchedule must be a six-field NCRONTAB expression, e.g. \"0 */30 * * * *\".")]
    public string TrackSchedule { get; set; } = "0 */30 * * * *";

    /// <summary>An application without any employer answer this long counts as silent in the funnel.</summary>
    public TimeSpan SilentAfter { get; set; } = TimeSpan.FromDays(14);

    public ApplyLlmOptions Llm { get; set; } = new();

    public bool IsAutoSource(string? source)
    {
        var list = (AutoSources ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return list.Any(s => s.Equals("all", StringComparison.OrdinalIgnoreCase))
            || (source is not null && list.Contains(source, StringComparer.OrdinalIgnoreCase));
    }
}

/// <summary>An optional generated letter from an OpenAI-compatible chat endpoint. Off unless Endpoint and Model are set.</summary>
public sealed class ApplyLlmOptions
{
    /// <summary>Base URL of the OpenAI-compatible API, e.g. https://api.openai.com/v1.</summary>
    public Uri? Endpoint { get; set; }

    public string? Model { get; set; }

    /// <summary>The API key (configuration or Key Vault secret Apply--Llm--ApiKey). Never logged.</summary>
    public string? ApiKey { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra instructions for the letter (tone, language); the vacancy and resume facts are added by the app.</summary>
    public string? Instructions { get; set; }

    public bool IsEnabled => Endpoint is not null && !string.IsNullOrWhiteSpace(Model);
}
