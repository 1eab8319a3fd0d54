using System.Text.RegularExpressions;

namespace HhFunctions.Applying;

/// <summary>A vacancy named by its id or an hh.ru address: 123, hh.ru/vacancy/123, https://hh.ru/vacancy/123?query, api.hh.ru/vacancies/123.</summary>
public static partial class VacancyRef
{
    /// <summary>The vacancy id, or null when <paramref name="text"/> names none.</summary>
    public static string? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim();
        if (Digits().IsMatch(t))
        {
            return t;
        }

        var m = Address().Match(t);
        return m.Success ? m.Groups["id"].Value : null;
    }

    [GeneratedRegex(@"^[0-9]{1,15}$")]
    private static partial Regex Digits();

    /// <summary>Any hh.ru host (hh.ru, spb.hh.ru, api.hh.ru, rabota.by...) with /vacancy/{id} or /vacancies/{id}.</summary>
    [GeneratedRegex(@"^(?:https?://)?(?:[a-z0-9-]+\.)*(?:hh\.ru|hh\.kz|hh\.uz|rabota\.by|headhunter\.ge|headhunter\.kg|hh1\.az)/(?:vacancy|vacancies)/(?<id>[0-9]{1,15})(?:[/?#].*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Address();
}
