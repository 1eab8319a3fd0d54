using HhFunctions.Configuration;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Vacancies;

public static class VacancyWatchExtensions
{
    /// <summary>The vacancy watch: options, store, job, digest, page and exports (the schedule is the host's: WatchVacancies in Azure, VacancyWatchScheduler standalone).</summary>
    public static IHostApplicationBuilder AddVacancyWatch(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName).ValidateAttributes<SearchOptions, SearchOptionsAttributes>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SearchOptions>, SearchOptionsValidator>();
        services.AddHostedService<SearchStartupReport>();
        services.TryAddSingleton<HhCallPacer>();
        services.TryAddSingleton<IVacancyMessenger, TelegramVacancyMessenger>();
        services.AddTransient<VacancyWatchJob>();
        services.AddTransient<VacancyWatchStatus>();
        services.AddTransient<VacancyExport>();
        services.AddTransient<VacanciesPage>();
        services.AddTransient<VacanciesEndpoints>();

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.UsesAzure)
        {
            services.TryAddSingleton<IVacancyStore, AzureTableVacancyStore>();
        }
        else
        {
            services.TryAddSingleton<IVacancyStore, FileVacancyStore>();
        }

        return builder;
    }
}
