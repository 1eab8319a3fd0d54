using System.Text;

namespace HhFunctions.Observability;

/// <summary>
/// URLs as spans may show them: no query string, no fragment, no user info, and every path segment that could be a
/// secret or a personal value replaced by <see cref="Hidden"/>: Bitrix24's webhook key (<c>/rest/{user}/{key}/</c>),
/// Telegram's bot token (<c>/bot{token}/</c>), the app's own webhook keys (<c>/api/hh/webhook/{key}</c>,
/// <c>/api/bitrix/events/{key}</c>), and any segment that is not a plain word or a short number (resume ids, codes).
/// </summary>
public static class UrlRedaction
{
    public const string Hidden = "{redacted}";

    /// <summary>A segment kept as it is: letters, '_', '-' and '.' only, up to this length (a word such as "resumes" or "crm.lead.add").</summary>
    private const int MaxWord = 40;

    /// <summary>A number kept as it is up to this many digits (an hh.ru vacancy or a Bitrix24 user id).</summary>
    private const int MaxNumber = 12;

    public static string Redact(Uri? uri)
    {
        if (uri is null)
        {
            return string.Empty;
        }

        if (!uri.IsAbsoluteUri)
        {
            return RedactPath(uri.OriginalString.Split('?', '#')[0]);
        }

        var port = uri.IsDefaultPort ? string.Empty : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return uri.Scheme + "://" + uri.Host + port + RedactPath(uri.AbsolutePath);
    }

    /// <summary>A path (no query) with its secret-looking segments hidden; a query, if any, is dropped.</summary>
    public static string RedactPath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return string.Empty;
        }

        var segments = path.Split('?', '#')[0].Split('/');
        var result = new StringBuilder(path.Length);
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                result.Append('/');
            }

            var segment = segments[i];
            result.Append(segment.Length == 0 || (IsPlain(segment) && !IsSecretPosition(segments, i)) ? segment : Hidden);
        }

        return result.ToString();
    }

    /// <summary>A plain word or a short number: never a token, a key or an id worth hiding.</summary>
    internal static bool IsPlain(string segment) =>
        (segment.Length <= MaxWord && segment.All(c => char.IsAsciiLetter(c) || c is '_' or '-' or '.'))
        || (segment.Length <= MaxNumber && segment.All(char.IsAsciiDigit))
        || (segment.Length is > 2 and <= MaxWord && segment[0] == '{' && segment[^1] == '}' && segment[1..^1].All(c => char.IsAsciiLetter(c) || c is '_' or '-' or '.')); // a route template's {placeholder}

    private static bool IsSecretPosition(string[] segments, int i) =>
        (i >= 2 && segments[i - 2] == "rest" && segments[i - 1].All(char.IsAsciiDigit)) // Bitrix24: /rest/{user}/{key}/
        || (segments[i].StartsWith("bot", StringComparison.Ordinal) && segments[i].Contains(':', StringComparison.Ordinal)) // Telegram: /bot{token}/
        || (i >= 2 && segments[i - 1] is "webhook" or "events" && segments[i - 2] is "hh" or "bitrix"); // the app's own webhooks
}
