using System.Text.RegularExpressions;

namespace HhFunctions.Recruiting.Invitations;

/// <summary>
/// Reads what a recruiter pastes: a resume's hh.ru address (https://hh.ru/resume/{id}, regional hosts such as
/// spb.hh.ru, the API's /resumes/{id}, with or without a query string) or its bare id, and a vacancy's id or address.
/// Anything else is null: the caller says so plainly.
/// </summary>
public static partial class HhLinks
{
    /// <summary>The resume id, or null when <paramref name="text"/> names none.</summary>
    public static string? ResumeId(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 2048)
        {
            return null;
        }

        var t = text.Trim().Trim('<', '>');
        if (BareResumeId().IsMatch(t))
        {
            return t;
        }

        var m = ResumeAddress().Match(t);
        return m.Success ? m.Groups["id"].Value : null;
    }

    /// <summary>The vacancy id, or null when <paramref name="text"/> names none.</summary>
    public static string? VacancyId(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 2048)
        {
            return null;
        }

        var t = text.Trim().Trim('<', '>');
        if (VacancyDigits().IsMatch(t))
        {
            return t;
        }

        var m = VacancyAddress().Match(t);
        return m.Success ? m.Groups["id"].Value : null;
    }

    /// <summary>hh.ru's resume ids are hex strings (38 characters today); 12-64 letters and digits are taken.</summary>
    [GeneratedRegex(@"^[0-9a-fA-F]{12,64}$")]
    private static partial Regex BareResumeId();

    [GeneratedRegex(@"^(?:https?://)?(?:[a-z0-9-]+\.)*(?:hh\.ru|hh\.kz|hh\.uz|rabota\.by|headhunter\.ge|headhunter\.kg|hh1\.az)/(?:resume|resumes)/(?<id>[0-9a-zA-Z]{8,64})(?:[/?#].*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ResumeAddress();

    [GeneratedRegex(@"^[0-9]{1,15}$")]
    private static partial Regex VacancyDigits();

    [GeneratedRegex(@"^(?:https?://)?(?:[a-z0-9-]+\.)*(?:hh\.ru|hh\.kz|hh\.uz|rabota\.by|headhunter\.ge|headhunter\.kg|hh1\.az)/(?:vacancy|vacancies)/(?<id>[0-9]{1,15})(?:[/?#].*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex VacancyAddress();
}
