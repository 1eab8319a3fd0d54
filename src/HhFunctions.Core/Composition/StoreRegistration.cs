using HhFunctions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HhFunctions.Composition;

/// <summary>
/// The one place where a store port is bound to Azure Table storage or to the embedded file store: Azure when
/// Storage__ConnectionString or Storage__TableServiceUri is set, files under Data__Path otherwise. Every feature
/// registers its store through <see cref="AddStore{TPort, TAzure, TFile}"/>.
/// </summary>
public static class StoreRegistration
{
    /// <summary>True when the app's stores live in Azure Table storage (read from configuration at composition).</summary>
    public static bool UsesAzureStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Settings(StorageOptions.SectionName, s => s.Get<StorageOptions>()).UsesAzure;
    }

    /// <summary>Registers <typeparamref name="TPort"/> as a singleton: <typeparamref name="TAzure"/> in Azure, <typeparamref name="TFile"/> standalone.</summary>
    public static IHostApplicationBuilder AddStore<TPort, TAzure, TFile>(this IHostApplicationBuilder builder)
        where TPort : class
        where TAzure : class, TPort
        where TFile : class, TPort
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.UsesAzureStorage())
        {
            builder.Services.TryAddSingleton<TPort, TAzure>();
        }
        else
        {
            builder.Services.TryAddSingleton<TPort, TFile>();
        }

        return builder;
    }
}
