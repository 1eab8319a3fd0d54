using System.Globalization;
using System.Text.Encodings.Web;

namespace HhFunctions.Pages;

/// <summary>
/// The renderer's JavaScript encoder. The pages have no script and no interactive components, so the renderer has
/// nothing to write into JavaScript; should it ever, every character but ASCII letters, digits and spaces becomes a
/// <c>\uXXXX</c> escape, which is safe in any JavaScript string. Given so that the renderer does not build
/// <see cref="JavaScriptEncoder.Default"/> (its tables of allowed characters: some 7 ms on the first page after a start).
/// </summary>
internal sealed class PageScriptEncoder : JavaScriptEncoder
{
    public static readonly PageScriptEncoder Instance = new();

    private PageScriptEncoder()
    {
    }

    // "\uXXXX" for each UTF-16 unit.
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or ' ');

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (var i = 0; i < span.Length; i++)
        {
            if (WillEncode(span[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var output = new Span<char>(buffer, bufferLength);
        var text = char.ConvertFromUtf32(unicodeScalar);
        var needed = WillEncode(unicodeScalar) ? 6 * text.Length : text.Length;
        numberOfCharactersWritten = 0;
        if (needed > output.Length)
        {
            return false;
        }

        if (needed == text.Length)
        {
            text.AsSpan().CopyTo(output);
        }
        else
        {
            for (var i = 0; i < text.Length; i++)
            {
                _ = ((int)text[i]).TryFormat(output[((6 * i) + 2)..], out _, "X4", CultureInfo.InvariantCulture);
                output[6 * i] = '\\';
                output[(6 * i) + 1] = 'u';
            }
        }

        numberOfCharactersWritten = needed;
        return true;
    }
}
