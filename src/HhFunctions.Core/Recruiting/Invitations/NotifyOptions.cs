using System.Globalization;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting.Invitations;

/// <summary>Recruiting__Notify: what Telegram gets besides the failures, which are always told (once per cause).</summary>
public enum NotifyMode
{
    /// <summary>One message a day at Recruiting__SummaryTime: records per vacancy, invitations, and what failed.</summary>
    Summary,

    /// <summary>A message per new record: vacancy, name, a link to the record (never phones or e-mails).</summary>
    Each,

    /// <summary>Failures only.</summary>
    Errors,
}

public static class NotifySettings
{
    /// <summary>Moscow time, where hh.ru counts its days; Recruiting__SummaryTime is read in it.</summary>
    public static readonly TimeSpan SummaryOffset = TimeSpan.FromHours(3);

    public const int MaxInviteMessage = 2000;

    public static NotifyMode? Mode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "summary" or "" or null => NotifyMode.Summary,
        "each" => NotifyMode.Each,
        "errors" => NotifyMode.Errors,
        _ => null,
    };

    public static TimeOnly? Time(string? value) =>
        TimeOnly.TryParseExact(value?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;

    /// <summary>The last moment the summary was due at or before <paramref name="now"/>.</summary>
    public static DateTimeOffset LastDue(DateTimeOffset now, TimeOnly at)
    {
        var local = now.ToOffset(SummaryOffset);
        var today = new DateTimeOffset(DateOnly.FromDateTime(local.DateTime).ToDateTime(at), SummaryOffset);
        return today <= now ? today : today.AddDays(-1);
    }
}

/// <summary>The checks of Recruiting__InviteMessage, Recruiting__Notify and Recruiting__SummaryTime; messages name the setting.</summary>
public sealed class InvitationOptionsValidator : IValidateOptions<RecruitingOptions>
{
    public ValidateOptionsResult Validate(string? name, RecruitingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (NotifySettings.Mode(options.Notify) is null)
        {
            problems.Add("Recruiting__Notify must be summary, each or errors.");
        }

        if (NotifySettings.Time(options.SummaryTime) is null)
        {
            problems.Add("Recruiting__SummaryTime must be a time of day like 09:00 (HH:mm, Moscow time).");
        }

        if (options.InviteMessage is { Length: > NotifySettings.MaxInviteMessage })
        {
            problems.Add($"Recruiting__InviteMessage must be at most {NotifySettings.MaxInviteMessage} characters.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
