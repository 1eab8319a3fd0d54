using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Configuration;

public static class ConfigurationExtensions
{
    /// <summary>
    /// What every feature relies on: Key Vault as a configuration source (when KeyVault__Uri is set), TimeProvider,
    /// ProblemDetails, the log filters that keep secrets out of logs, the app-wide options and the start-up report.
    /// </summary>
    public static IHostApplicationBuilder AddAppConfiguration(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddKeyVaultIfConfigured();
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, SensitiveLogFilters>();
        services.AddOptions<AppOptions>().BindConfiguration(AppOptions.SectionName).ValidateOnStart();
        services.AddSingleton(DataFolder.Of(builder)); // resolved once; the stores and the start-up report use this instance
        services.AddOptions<DataOptions>().BindConfiguration(DataOptions.SectionName).ValidateAttributes<DataOptions, DataOptionsAttributes>().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.AddOptions<KeyVaultOptions>().BindConfiguration(KeyVaultOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppOptions>, ConfigurationValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, ConfigurationValidator>();
        services.AddSingleton<IValidateOptions<KeyVaultOptions>, ConfigurationValidator>();
        services.AddSingleton<PublicUrls>();
        services.AddHostedService<StartupReport>();
        return builder;
    }

    private static void AddKeyVaultIfConfigured(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration["KeyVault:Uri"] is not { Length: > 0 } uri)
        {
            return;
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var vaultUri) || vaultUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidConfigurationException($"KeyVault__Uri must be an absolute https URL like https://my-vault.vault.azure.net/, not '{uri}'.");
        }

        AddKeyVault(builder, vaultUri);
    }

    /// <summary>A method of its own: the Azure SDK's assemblies load only when a vault is configured (tests/startup-bench.sh).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddKeyVault(IHostApplicationBuilder builder, Uri vaultUri)
    {
        var client = new SecretClient(vaultUri, new DefaultAzureCredential());
        builder.Services.TryAddSingleton(client);
        builder.Configuration.Add(new KeyVaultConfigurationSource(client, builder.Configuration["KeyVault:TokenSecretName"] ?? new KeyVaultOptions().TokenSecretName));
    }
}
