using HhFunctions.Configuration;
using HhFunctions.Functions;
using HhFunctions.Pages;
using HhFunctions.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Vacancies;

public static class VacancyWatchExtensions
{
    /// <summary>The vacancy watch: options, store, job, digest, standalone schedule, page and exports.</summary>
    public static WebApplicationBuilder AddVacancyWatch(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SearchOptions>, SearchOptionsValidator>();
        services.AddHostedService<SearchStartupReport>();
        services.TryAddSingleton<HhCallPacer>();
        services.TryAddSingleton<IVacancyMessenger, TelegramVacancyMessenger>();
        services.AddTransient<VacancyWatchJob>();
        services.AddTransient<VacancyWatchStatus>();
        services.AddTransient<VacancyExport>();
        services.AddTransient<VacanciesPage>();
        services.AddTransient<IHttpFunction, VacanciesFunction>();
        services.AddTransient<IHttpFunction, VacanciesCsvFunction>();
        services.AddTransient<IHttpFunction, VacanciesJsonFunction>();

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.UsesAzure)
        {
            services.TryAddSingleton<IVacancyStore, AzureTableVacancyStore>();
        }
        else
        {
            services.TryAddSingleton<IVacancyStore, FileVacancyStore>();
        }

        var search = builder.Configuration.GetSection(SearchOptions.SectionName).Get<SearchOptions>() ?? new SearchOptions();
        if (!builder.Configuration.IsFunctionsHost() && search.StandaloneScheduler && search.HasSources)
        {
            services.AddHostedService<VacancyWatchScheduler>();
        }

        return builder;
    }
}
