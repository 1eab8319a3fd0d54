using HhFunctions.HeadHunter;

namespace HhFunctions.Recruiting;

/// <summary>hh.ru's employer-side refusals (../shared/hh-employer-api.md §7), read from the parsed error's status, type and value.</summary>
public static class HhRefusals
{
    /// <summary>429 resumes/view_limit_exceeded: the employer's daily resume-view limit.</summary>
    public static bool IsViewLimit(HhError e) => e.StatusCode == 429 && e.Value == "view_limit_exceeded";

    /// <summary>403 api_access_payment/action_must_be_payed: paid API access is needed.</summary>
    public static bool IsPaidAccess(HhError e) => e.StatusCode == 403 && (e.Type == "api_access_payment" || e.Value == "action_must_be_payed");

    /// <summary>403 resumes/quota_exceeded, no_available_service, cant_view_contacts: the resume without contacts.</summary>
    public static bool IsContactsUnavailable(HhError e) =>
        e.StatusCode == 403 && e.Value is "quota_exceeded" or "no_available_service" or "cant_view_contacts";

    public static bool IsGone(HhError e) => e.Kind == HhErrorKind.NotFound || e.StatusCode == 404;

    /// <summary>A captcha, a 429 other than the view limit, or a plain 403 that is none of the above: stop and slow down.</summary>
    public static bool IsThrottle(HhError e) =>
        e.Kind == HhErrorKind.CaptchaRequired || (e.StatusCode == 429 && !IsViewLimit(e));

    /// <summary>The next reset of the daily view limit: midnight in Moscow (UTC+3), where hh.ru counts days.</summary>
    public static DateTimeOffset NextDailyReset(DateTimeOffset now)
    {
        var moscow = now.ToOffset(TimeSpan.FromHours(3));
        return new DateTimeOffset(moscow.Date.AddDays(1), TimeSpan.FromHours(3)).AddMinutes(5);
    }
}
