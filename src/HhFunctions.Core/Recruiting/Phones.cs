namespace HhFunctions.Recruiting;

/// <summary>Phones as hh.ru shows them ("+7 (495) 552-73-67", "8 495 5527367") to E.164 ("+74955527367").</summary>
public static class Phones
{
    /// <summary>E.164, or null when the text holds no plausible number. Russian national forms (8…, 10 digits) get +7.</summary>
    public static string? ToE164(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // An extension ("доб. 12", "ext 12") is not part of the number.
        var cut = text.IndexOfAny([',', ';']);
        var main = cut > 0 ? text[..cut] : text;
        foreach (var marker in new[] { "доб", "ext", "x" })
        {
            var at = main.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (at > 0)
            {
                main = main[..at];
            }
        }

        var plus = main.TrimStart().StartsWith('+');
        var digits = new string(main.Where(char.IsAsciiDigit).ToArray());
        if (!plus && digits.StartsWith("00", StringComparison.Ordinal))
        {
            digits = digits[2..];
            plus = true;
        }

        if (!plus)
        {
            if (digits.Length == 11 && digits[0] == '8')
            {
                digits = "7" + digits[1..];
            }
            else if (digits.Length == 10)
            {
                digits = "7" + digits;
            }
        }

        return digits.Length is >= 8 and <= 15 ? "+" + digits : null;
    }
}
