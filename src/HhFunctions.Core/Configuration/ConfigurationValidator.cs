using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Configuration;

/// <summary>
/// Start-up checks beyond the options' [Required] attributes, each naming the setting (never a secret's value).
/// Patterns are source-generated regexes: nothing is parsed or compiled at start-up.
/// </summary>
public sealed partial class ConfigurationValidator :
    IValidateOptions<AppOptions>,
    IValidateOptions<StorageOptions>,
    IValidateOptions<KeyVaultOptions>
{
    public ValidateOptionsResult Validate(string? name, AppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(HttpUrl(options.PublicBaseUrl, "App__PublicBaseUrl", required: false));
    }

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(
            Matches(options.TablePrefix, TablePrefixShape(), "Storage__TablePrefix must be letters and digits, starting with a letter, at most 30 characters."),
            StorageConnectionString(options.ConnectionString));
    }

    public ValidateOptionsResult Validate(string? name, KeyVaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(Matches(options.TokenSecretName, SecretNameShape(), "KeyVault__TokenSecretName may hold only letters, digits and dashes."));
    }

    internal static string? HttpUrl(Uri? value, string setting, bool required) =>
        value is null
            ? required ? $"{setting} must be set to an absolute http(s) URL." : null
            : value.IsAbsoluteUri && (value.Scheme == Uri.UriSchemeHttps || value.Scheme == Uri.UriSchemeHttp)
                ? null
                : $"{setting} must be an absolute http(s) URL, not '{value.OriginalString}'.";

    /// <summary><paramref name="message"/> unless <paramref name="value"/> lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    internal static string? Within<T>(T value, T min, T max, string message)
        where T : IComparable<T> =>
        value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0 ? null : message;

    /// <summary><paramref name="message"/> when <paramref name="value"/> is set and does not match (empty passes, as with [RegularExpression]).</summary>
    internal static string? Matches(string? value, Regex shape, string message) =>
        string.IsNullOrEmpty(value) || shape.IsMatch(value) ? null : message;

    /// <summary>
    /// A connection string the Table client cannot parse fails the start here, with one line, instead of at the
    /// first use with a stack trace. The value is never echoed (it holds the account key).
    /// </summary>
    private static string? StorageConnectionString(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : ParsedStorageConnectionString(value);

    /// <summary>A method of its own, so the Azure SDK loads only when a connection string is set (tests/startup-bench.sh).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string? ParsedStorageConnectionString(string value)
    {
        try
        {
            _ = new Azure.Data.Tables.TableServiceClient(value);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException)
        {
            return "Storage__ConnectionString is not a storage connection string: expected DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net (as the portal's Access keys page shows it), or UseDevelopmentStorage=true.";
        }
    }

    internal static ValidateOptionsResult Collect(params string?[] failures)
    {
        var list = failures.Where(f => f is not null).Cast<string>().ToList();
        return list.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(list);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,29}$")]
    private static partial Regex TablePrefixShape();

    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$")]
    private static partial Regex SecretNameShape();
}
