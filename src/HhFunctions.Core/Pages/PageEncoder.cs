using System.Net;
using System.Text.Encodings.Web;

namespace HhFunctions.Pages;

/// <summary>
/// The pages' HTML encoder: exactly <see cref="WebUtility.HtmlEncode(string?)"/> (&lt; &gt; &amp; &quot; and &#39;, Latin-1
/// symbols and characters beyond the BMP as numeric references; Cyrillic and the rest stay readable). The
/// renderer's default encoder would write Cyrillic titles as numeric references and ' as &amp;#x27;.
/// </summary>
internal sealed class PageEncoder : HtmlEncoder
{
    public static readonly PageEncoder Instance = new();

    private PageEncoder()
    {
    }

    // "&#1114111;": the longest reference written for one scalar value.
    public override int MaxOutputCharactersPerInputCharacter => 10;

    public override string Encode(string value) => WebUtility.HtmlEncode(value);

    public override void Encode(TextWriter output, string value, int startIndex, int characterCount)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(value);
        WebUtility.HtmlEncode(value.Substring(startIndex, characterCount), output);
    }

    public override void Encode(TextWriter output, char[] value, int startIndex, int characterCount)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(value);
        WebUtility.HtmlEncode(new string(value, startIndex, characterCount), output);
    }

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is '<' or '>' or '&' or '"' or '\'' or (>= 160 and <= 255) or >= 0x10000;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (var i = 0; i < span.Length; i++)
        {
            if (char.IsSurrogate(span[i]) || WillEncode(span[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var output = new Span<char>(buffer, bufferLength);
        var encoded = WillEncode(unicodeScalar) ? WebUtility.HtmlEncode(char.ConvertFromUtf32(unicodeScalar)) : char.ConvertFromUtf32(unicodeScalar);
        if (encoded.AsSpan().TryCopyTo(output))
        {
            numberOfCharactersWritten = encoded.Length;
            return true;
        }

        numberOfCharactersWritten = 0;
        return false;
    }
}
