using Azure.Data.Tables;
using Azure.Identity;
using HhFunctions.Composition;
using HhFunctions.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.State;

public static class StateExtensions
{
    /// <summary>
    /// The shared stores: the Table service client (Azure) or the data folder's Data Protection keys (standalone),
    /// the state store and the cross-instance lock. Features add their own stores with
    /// <see cref="StoreRegistration.AddStore{TPort, TAzure, TFile}"/>.
    /// </summary>
    public static IHostApplicationBuilder AddState(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var data = DataFolder.Of(builder);

        services.AddDataProtection()
            .SetApplicationName("HhFunctions")
            .PersistKeysToFileSystem(new DirectoryInfo(data.Combine("keys")));

        // Data Protection's hosted service creates the key ring at start; only the encrypted token files need it,
        // so it is created on their first use instead (start-up stays fast, and a page view never waits for it).
        foreach (var warmUp in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "DataProtectionHostedService").ToList())
        {
            services.Remove(warmUp);
        }

        if (builder.UsesAzureStorage())
        {
            AddTableService(builder);
        }

        builder.AddStore<IStateStore, AzureTableStateStore, FileStateStore>();
        builder.AddStore<IDistributedLock, TableDistributedLock, FileDistributedLock>();
        return builder;
    }

    /// <summary>The Table service client; a method of its own, so the Azure SDK's assemblies load only with Table storage (tests/startup-bench.sh).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddTableService(IHostApplicationBuilder builder)
    {
        var storage = builder.Settings(StorageOptions.SectionName, s => s.Get<StorageOptions>());

        // Few, short retries: when Table storage is down the bump must still finish inside the function timeout.
        var tableOptions = new TableClientOptions
        {
            Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(4), NetworkTimeout = TimeSpan.FromSeconds(15) },
        };
        builder.Services.TryAddSingleton(_ => string.IsNullOrWhiteSpace(storage.ConnectionString)
            ? new TableServiceClient(storage.TableServiceUri, new DefaultAzureCredential(), tableOptions)
            : new TableServiceClient(storage.ConnectionString, tableOptions));
    }
}
