using Azure.Data.Tables;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using HhFunctions.Applying;
using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.Bumping;
using HhFunctions.OAuth;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Tokens;
using HhFunctions.Vacancies;
using HhFunctions.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using HhFunctions.StatusPage;

namespace HhFunctions;

/// <summary>Which host serves the app's services.</summary>
public enum AppHost
{
    /// <summary>The ASP.NET Core host of HhFunctions.Standalone: own scheduler, long polling, in-process queue.</summary>
    Standalone,

    /// <summary>The Azure Functions isolated worker of HhFunctions.Functions: the host owns triggers and routes.</summary>
    Functions,
}

/// <summary>The running host, for start-up messages.</summary>
public sealed record HostInfo(AppHost Kind);

/// <summary>Registers the product's services on either host's builder.</summary>
public static class HhFunctionsBuilder
{
    public const int StandalonePort = 7071;

    public static IHostApplicationBuilder AddHhFunctions(this IHostApplicationBuilder builder, AppHost host)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new HostInfo(host));
        builder.AddKeyVaultIfConfigured();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, SensitiveLogFilters>();

        builder.AddHhOptions();
        builder.AddStores();
        builder.AddHeadHunter();
        builder.AddTelegram();
        builder.AddJobs();
        builder.AddVacancyWatch();
        builder.AddApplying();
        builder.AddEndpoints();
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
            throw new InvalidConfigurationException($"KeyVault__Uri '{uri}' is not an https URL like https://my-vault.vault.azure.net/.");
        }

        var client = new SecretClient(vaultUri, new DefaultAzureCredential());
        builder.Services.TryAddSingleton(client);
        builder.Configuration.Add(new KeyVaultConfigurationSource(client, builder.Configuration["KeyVault:TokenSecretName"] ?? new KeyVaultOptions().TokenSecretName));
    }

    private static void AddHhOptions(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AppOptions>().BindConfiguration(AppOptions.SectionName).ValidateOnStart();
        services.AddOptions<DataOptions>().BindConfiguration(DataOptions.SectionName).ValidateAttributes<DataOptions, DataOptionsAttributes>().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.AddOptions<KeyVaultOptions>().BindConfiguration(KeyVaultOptions.SectionName).ValidateOnStart();
        services.AddOptions<HhOptions>().BindConfiguration(HhOptions.SectionName).ValidateAttributes<HhOptions, HhOptionsAttributes>().ValidateOnStart();
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.SectionName).ValidateAttributes<TelegramOptions, TelegramOptionsAttributes>().ValidateOnStart();
        services.AddOptions<BumpOptions>().BindConfiguration(BumpOptions.SectionName).ValidateAttributes<BumpOptions, BumpOptionsAttributes>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppOptions>, ConfigurationValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, ConfigurationValidator>();
        services.AddSingleton<IValidateOptions<KeyVaultOptions>, ConfigurationValidator>();
        services.AddSingleton<IValidateOptions<HhOptions>, ConfigurationValidator>();
        services.AddSingleton<IValidateOptions<TelegramOptions>, ConfigurationValidator>();
        services.AddSingleton<IValidateOptions<BumpOptions>, ConfigurationValidator>();
        services.AddSingleton<PublicUrls>();
        services.AddHostedService<StartupReport>();
    }

    private static void AddStores(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        var dataPath = Path.GetFullPath(config["Data:Path"] is { Length: > 0 } p ? p : new DataOptions().Path);

        services.AddDataProtection()
            .SetApplicationName("HhFunctions")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataPath, "keys")));

        // Data Protection's hosted service creates the key ring at start; only the encrypted token files need it,
        // so it is created on their first use instead (start-up stays fast, and a page view never waits for it).
        foreach (var warmUp in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "DataProtectionHostedService").ToList())
        {
            services.Remove(warmUp);
        }

        var storage = config.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.UsesAzure)
        {
            // Few, short retries: when Table storage is down the bump must still finish inside the function timeout.
            var tableOptions = new TableClientOptions
            {
                Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(4), NetworkTimeout = TimeSpan.FromSeconds(15) },
            };
            services.TryAddSingleton(_ => string.IsNullOrWhiteSpace(storage.ConnectionString)
                ? new TableServiceClient(storage.TableServiceUri, new DefaultAzureCredential(), tableOptions)
                : new TableServiceClient(storage.ConnectionString, tableOptions));
            services.TryAddSingleton<IStateStore, AzureTableStateStore>();
            services.TryAddSingleton<IDistributedLock, TableDistributedLock>();
        }
        else
        {
            services.TryAddSingleton<IStateStore, FileStateStore>();
            services.TryAddSingleton<IDistributedLock>(sp => new FileDistributedLock(Path.Combine(dataPath, "locks"), sp.GetRequiredService<TimeProvider>()));
        }

        if (config["KeyVault:Uri"] is { Length: > 0 })
        {
            services.TryAddSingleton<ITokenVault, KeyVaultTokenVault>();
        }
        else
        {
            services.TryAddSingleton<ITokenVault>(sp => new FileTokenVault(sp.GetRequiredService<IDataProtectionProvider>, Path.Combine(dataPath, "secrets", "hh-token.bin")));
        }

        var rescuePath = Path.Combine(dataPath, "rescue", "hh-token.bin");
        services.TryAddSingleton(sp => new RescueTokenStore(
            new FileTokenVault(sp.GetRequiredService<IDataProtectionProvider>, rescuePath),
            rescuePath,
            sp.GetRequiredService<ILogger<RescueTokenStore>>()));
        services.TryAddSingleton<UnsavedTokenHolder>();
    }

    private static void AddHeadHunter(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpClient<HhClient>((sp, client) =>
            {
                var o = sp.GetRequiredService<IOptions<HhOptions>>().Value;
                HhTokenClient.ConfigureHttpClient(client, o);
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
            })
            .RemoveAllLoggers()
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions o, IServiceProvider sp) =>
            {
                var attempt = sp.GetRequiredService<IOptions<HhOptions>>().Value.AttemptTimeout;
                o.AttemptTimeout.Timeout = attempt;
                o.TotalRequestTimeout.Timeout = attempt * 6;
                o.CircuitBreaker.SamplingDuration = attempt * 3;
                o.Retry.MaxRetryAttempts = 3;
                o.Retry.Delay = TimeSpan.FromSeconds(2);
                o.Retry.ShouldRetryAfterHeader = true;
                o.Retry.ShouldHandle = args => HhClient.ShouldRetryAsync(args.Outcome.Result, args.Outcome.Exception, args.Context.CancellationToken);
            });

        // The token endpoint gets no retry: a refresh token works once (see HhTokenClient).
        services.AddHttpClient<HhTokenClient>((sp, client) =>
                HhTokenClient.ConfigureHttpClient(client, sp.GetRequiredService<IOptions<HhOptions>>().Value))
            .RemoveAllLoggers();

        services.AddSingleton<IOwnerAlerts, OwnerAlerts>();
        services.AddTransient<TokenManager>();
        services.AddTransient<SetupLinks>();
        services.AddTransient<OAuthFlow>();
        services.AddTransient<TokenImport>();
        services.AddTransient<ApplicantAccess>();
        services.AddTransient<AccountConnector>();
        services.AddTransient<AccessPages>();
        services.AddTransient<Pages.FormTokens>();
        services.AddSingleton<SettingsImport>();
        services.AddHostedService(sp => sp.GetRequiredService<SettingsImport>());
    }

    private static void AddTelegram(this IHostApplicationBuilder builder)
    {
        // Telegram puts the bot token in the URL path: this client must never log its requests.
        builder.Services.AddHttpClient("telegram")
            .RemoveAllLoggers()
            .AddTypedClient<ITelegramBotClient>((http, sp) =>
            {
                var o = sp.GetRequiredService<IOptions<TelegramOptions>>().Value;
                return new TelegramBotClient(new TelegramBotClientOptions(o.BotToken ?? "0:unset", o.ApiBaseUrl.AbsoluteUri.TrimEnd('/')), http);
            })
            .AddStandardResilienceHandler(o =>
            {
                o.Retry.MaxRetryAttempts = 2;
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
            });
        builder.Services.AddSingleton<ITelegramNotifier, TelegramNotifier>();
        builder.Services.AddSingleton<BotCommands>();
        builder.Services.AddTransient<AccessCommands>();
        builder.Services.AddTransient<OwnerNotices>();
    }

    private static void AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddTransient<RunReporter>();
        builder.Services.AddTransient<BumpResumesJob>();
        builder.Services.TryAddSingleton<IResumeDueMessages, NoResumeDueMessages>(); // each host adds its queue (Bump__DueQueue)
        builder.Services.AddTransient<ResumeDuePlanner>();
        builder.Services.AddTransient<BumpRequestHandler>();
        builder.Services.AddTransient<StatusService>();
    }

    private static void AddEndpoints(this IHostApplicationBuilder builder)
    {
        builder.Services.AddTransient<OAuthEndpoints>();
        builder.Services.AddTransient<StatusEndpoint>();
        builder.Services.AddTransient<TelegramWebhookEndpoint>();
    }
}
