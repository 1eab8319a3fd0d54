using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>Recruiting__*: hh.ru's responses to the employer's vacancies, written into Bitrix24 (docs/recruiting.md).</summary>
public sealed class RecruitingOptions
{
    public const string SectionName = "Recruiting";

    /// <summary>The secret part of the webhook route hh/webhook/{key}: 32-128 of A-Z a-z 0-9 _ -. Empty: the app makes one and keeps it.</summary>
    public string? WebhookKey { get; set; }

    /// <summary>Attach the resume PDF to the CRM record as a timeline comment.</summary>
    public bool AttachResume { get; set; } = true;

    /// <summary>Read the resume with topic_id, which marks the response viewed on hh.ru (off: hh.ru keeps it unread).</summary>
    public bool MarkViewed { get; set; }

    /// <summary>hh.ru employer calls per second (halved for a while after a 429 or a captcha).</summary>
    [Range(0.1, 10)]
    public double HhCallsPerSecond { get; set; } = 3;

    /// <summary>NCRONTAB of ReconcileResponses (six fields); default every 15 minutes.</summary>
    public string ReconcileSchedule { get; set; } = "0 */15 * * * *";

    /// <summary>The longest a read response waits for others to share its Bitrix24 request (see docs/recruiting.md).</summary>
    public TimeSpan MaxWriteDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The standalone host runs ReconcileResponses itself (Azure: the timer function does).</summary>
    public bool StandaloneScheduler { get; set; } = true;

    /// <summary>hh.ru employer state → Bitrix24 status (lead) or stage (deal): "hh state=STAGE;..." (empty: the default map of Bitrix24__Entity; see StageMap).</summary>
    public string? StageMap { get; set; }

    /// <summary>Bitrix24 → hh.ru: a record moved to a stage the map ties to an hh.ru state performs that hh.ru action (opt-in).</summary>
    public bool SyncBack { get; set; }

    /// <summary>Sync back: the message sent with an hh.ru action that takes one (required by some actions); empty: none.</summary>
    public string? SyncBackMessage { get; set; }
    /// <summary>The invitation's message when /invite or the form gives none (docs/recruiting.md, "Invitations"); empty: none.</summary>
    public string? InviteMessage { get; set; }

    /// <summary>Telegram for recruiters: summary (one message a day at <see cref="SummaryTime"/>), each (a message per new record) or errors (failures only).</summary>
    public string Notify { get; set; } = "summary";

    /// <summary>When the daily summary goes (HH:mm, Moscow time, UTC+03:00, like hh.ru's day).</summary>
    public string SummaryTime { get; set; } = "09:00";
}

[OptionsValidator]
internal sealed partial class RecruitingOptionsAttributes : IValidateOptions<RecruitingOptions>;

/// <summary>The checks attributes cannot express; messages name the setting, never the key's value.</summary>
public sealed class RecruitingOptionsValidator : IValidateOptions<RecruitingOptions>
{
    public ValidateOptionsResult Validate(string? name, RecruitingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!string.IsNullOrEmpty(options.WebhookKey) && !WebhookKeys.IsWellFormed(options.WebhookKey))
        {
            problems.Add($"Recruiting__WebhookKey must be {WebhookKeys.MinLength}-{WebhookKeys.MaxLength} characters of A-Z a-z 0-9 _ - (or empty: the app makes one); the value given is not (it is not shown here).");
        }

        if (Configuration.Cron.Problem("Recruiting__ReconcileSchedule", options.ReconcileSchedule, "0 */15 * * * *") is { } cron)
        {
            problems.Add(cron);
        }

        if (options.MaxWriteDelay < TimeSpan.Zero || options.MaxWriteDelay > TimeSpan.FromMinutes(10))
        {
            problems.Add("Recruiting__MaxWriteDelay must be between 00:00:00 and 00:10:00.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
