using System.ComponentModel.DataAnnotations;

namespace HhFunctions.Configuration;

/// <summary>Where the app runs and how it is reached from a browser.</summary>
public sealed class AppOptions
{
    public const string SectionName = "App";

    /// <summary>
    /// Public base address used in links (reconnect links, redirect URI default). When empty:
    /// https://{WEBSITE_HOSTNAME} inside Azure, http://localhost:7071 standalone.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }
}

/// <summary>Embedded stores' folder (standalone mode).</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    [Required(ErrorMessage = "Data__Path must name a folder for the embedded secret and state stores.")]
    public string Path { get; set; } = ".data";
}

public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Azure Table storage connection string; empty selects the embedded file store.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table endpoint used with the managed identity when no connection string is set.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Prefix of every table name, so several apps (or test runs) can share an account (checked by ConfigurationValidator).</summary>
    public string TablePrefix { get; set; } = "Hh";

    public bool UsesAzure => !string.IsNullOrWhiteSpace(ConnectionString) || TableServiceUri is not null;
}

public sealed class KeyVaultOptions
{
    public const string SectionName = "KeyVault";

    /// <summary>Vault address; empty selects the embedded (encrypted file) secret store.</summary>
    public Uri? Uri { get; set; }

    /// <summary>Name of the one secret that holds the hh.ru token pair and its expiry (checked by ConfigurationValidator).</summary>
    public string TokenSecretName { get; set; } = "hh-oauth-token";
}
