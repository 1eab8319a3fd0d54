using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace HhFunctions.OAuth;

/// <summary>
/// What the owner pasted when the registered redirect URI is not this app's callback: a bare authorization code,
/// or the whole address hh.ru redirected the browser to (e.g. <c>https://hh.ru/?code=…&amp;state=…</c>).
/// Parsing never echoes the pasted text: it may hold a code.
/// </summary>
public sealed partial record PastedCode(string? Code, string? State, string? Problem)
{
    /// <summary>Longer than any code or redirected address; a longer paste is refused unread.</summary>
    public const int MaxLength = 4096;

    public bool IsValid => Problem is null && Code is not null;

    public static PastedCode Parse(string? text)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return Fail("Nothing was pasted. Paste the code hh.ru sent, or the whole address of the page hh.ru redirected you to after you allowed access.");
        }

        if (value.Length > MaxLength)
        {
            return Fail($"That paste is {value.Length} characters long; a code or a redirected address is far shorter. Copy only the address from the browser's address bar.");
        }

        var query = QueryPart(value);
        if (query is null)
        {
            return LooksLikeCode(value)
                ? new PastedCode(value, null, null)
                : Fail("That does not look like an authorization code or a redirected address. A code is one word of letters and digits; an address looks like https://hh.ru/?code=…");
        }

        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> parameters;
        try
        {
            parameters = QueryHelpers.ParseQuery(query);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            return Fail("The address could not be read. Copy it again from the browser's address bar.");
        }

        if (parameters.Values.Any(v => v.Count > 1))
        {
            return Fail("The address repeats a parameter; copy it again from the browser's address bar.");
        }

        parameters.TryGetValue("code", out var code);
        parameters.TryGetValue("state", out var state);
        parameters.TryGetValue("error", out var error);
        if (!string.IsNullOrEmpty(error))
        {
            return Fail(error == "access_denied"
                ? "The address says you declined access on hh.ru (error=access_denied), so there is no code. Allow access on hh.ru and paste the new address."
                : "The address carries an error from hh.ru instead of a code. Start the authorization again and paste the new address.");
        }

        if (string.IsNullOrEmpty(code))
        {
            return Fail("The address has no 'code' parameter. Paste the address of the page hh.ru sent you to right after you allowed access (it contains ?code=…).");
        }

        return LooksLikeCode(code.ToString())
            ? new PastedCode(code.ToString(), string.IsNullOrEmpty(state) ? null : state.ToString(), null)
            : Fail("The 'code' in that address does not look like an hh.ru authorization code. Copy the address again from the browser's address bar.");
    }

    /// <summary>The query of a pasted address ("…?a=b#frag" → "a=b"), or of a bare "code=…&amp;state=…"; null for a bare code.</summary>
    private static string? QueryPart(string value)
    {
        var hash = value.IndexOf('#', StringComparison.Ordinal);
        var withoutFragment = hash >= 0 ? value[..hash] : value;
        var question = withoutFragment.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            return withoutFragment[(question + 1)..];
        }

        if (withoutFragment.Contains('=', StringComparison.Ordinal) || withoutFragment.Contains("://", StringComparison.Ordinal))
        {
            return withoutFragment.Contains("://", StringComparison.Ordinal) ? string.Empty : withoutFragment;
        }

        return null;
    }

    private static bool LooksLikeCode(string value) => CodeShape().IsMatch(value);

    private static PastedCode Fail(string problem) => new(null, null, problem);

    [GeneratedRegex("^[A-Za-z0-9._~-]{4,512}$")]
    private static partial Regex CodeShape();
}
