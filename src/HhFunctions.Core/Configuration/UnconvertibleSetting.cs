using System.Text.RegularExpressions;

namespace HhFunctions.Configuration;

/// <summary>
/// A setting whose text cannot be converted to its option's type (<c>HeadHunter__AttemptTimeout=banana</c>,
/// <c>Apply__DailyLimit=abc</c>): the configuration binder throws an InvalidOperationException naming the
/// configuration path and the type, wherever the options are bound (at start-up validation or while the hosts are
/// composed). <see cref="StartupGuard"/> turns it into one line: the setting as the user writes it, what was
/// expected, and the value only when the setting is not a secret.
/// </summary>
public static partial class UnconvertibleSetting
{
    private const int ValueShown = 60;

    /// <summary>The one-line message for a binder conversion failure, or null when <paramref name="ex"/> is something else.</summary>
    public static string? Describe(Exception ex)
    {
        if (ex is not InvalidOperationException || BinderMessage().Match(ex.Message) is not { Success: true } match)
        {
            return null;
        }

        var setting = match.Groups["path"].Value.Replace(":", "__", StringComparison.Ordinal);
        var expected = Expected(match.Groups["type"].Value);
        if (!match.Groups["value"].Success || IsSecret(setting))
        {
            return $"{setting} must be {expected} (its value is not shown).";
        }

        var value = match.Groups["value"].Value.ReplaceLineEndings(" ");
        return $"{setting} must be {expected}, not '{(value.Length > ValueShown ? value[..ValueShown] + "…" : value)}'.";
    }

    /// <summary>
    /// True for a setting whose value is never shown: tokens, secrets, keys, passwords, connection strings, webhook
    /// addresses. Judged by the setting's own name (its last part), so <c>KeyVault__Uri</c> is not a secret.
    /// </summary>
    public static bool IsSecret(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var name = setting[(setting.LastIndexOf('_') + 1)..];
        return SecretName().IsMatch(name);
    }

    /// <summary>What a value of the binder's type name must look like, in words.</summary>
    public static string Expected(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        if (NullableOf().Match(typeName) is { Success: true } nullable)
        {
            typeName = nullable.Groups["inner"].Value;
        }

        return typeName switch
        {
            "System.Boolean" => "true or false",
            "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" or "System.UInt32" or "System.UInt64" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number like 1.5",
            "System.TimeSpan" => "a time span like 00:00:30 (hours:minutes:seconds, or days.hours:minutes:seconds)",
            "System.DateTimeOffset" or "System.DateTime" => "a date and time like 2026-03-10T08:00:00Z",
            "System.Uri" => "an absolute URL like https://example.com",
            _ when EnumNames(typeName) is { } names => "one of " + string.Join(", ", names),
            _ => "a value of type " + typeName,
        };
    }

    private static string[]? EnumNames(string typeName) =>
        AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.GetType(typeName, throwOnError: false))
            .FirstOrDefault(t => t is { IsEnum: true }) is { } type
            ? Enum.GetNames(type)
            : null;

    // The source generator's and the reflection binder's message: Failed to convert configuration value 'v' at 'A:B' to type 'T'.
    [GeneratedRegex(@"^Failed to convert configuration value (?:'(?<value>.*)' )?at '(?<path>[^']+)' to type '(?<type>[^']+)'\.$", RegexOptions.Singleline)]
    private static partial Regex BinderMessage();

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>.+)\]$")]
    private static partial Regex NullableOf();

    [GeneratedRegex("token|secret|key|password|pwd|connectionstring|webhook", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
