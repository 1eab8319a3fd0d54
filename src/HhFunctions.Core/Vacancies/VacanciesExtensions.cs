using Microsoft.AspNetCore.Routing;
using HhFunctions.Composition;
using HhFunctions.Configuration;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Vacancies;

public static class VacanciesExtensions
{
    /// <summary>The vacancy watch: options, store, job, digest, page and exports (the schedule is the host's: WatchVacancies in Azure, VacancyWatchScheduler standalone).</summary>
    public static IHostApplicationBuilder AddVacancies(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName).ValidateAttributes<SearchOptions, SearchOptionsAttributes>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SearchOptions>, SearchOptionsValidator>();
        services.AddHostedService<SearchStartupReport>();
        services.TryAddSingleton<IVacancyMessenger, TelegramVacancyMessenger>();
        services.AddTransient<VacancyWatchJob>();
        services.AddTransient<VacancyWatchStatus>();
        services.AddTransient<VacancyExport>();
        services.AddTransient<VacanciesPage>();
        services.AddTransient<VacanciesEndpoints>();

        builder.AddStore<IVacancyStore, AzureTableVacancyStore, FileVacancyStore>();

        return builder;
    }

    /// <summary>GET vacancies, vacancies.csv and vacancies.json on the standalone host's "/api" group.</summary>
    public static IEndpointRouteBuilder MapVacanciesEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<VacanciesEndpoints>("Vacancies", VacancyRoutes.Page, ["GET"], (e, r, ct) => e.PageAsync(r, ct));
        api.MapEndpoint<VacanciesEndpoints>("VacanciesCsv", VacancyRoutes.Csv, ["GET"], (e, r, ct) => e.CsvAsync(r, ct));
        api.MapEndpoint<VacanciesEndpoints>("VacanciesJson", VacancyRoutes.Json, ["GET"], (e, r, ct) => e.JsonAsync(r, ct));
        return api;
    }
}

/// <summary>The Vacancies page's routes (without the host's "api/" prefix), read by both hosts.</summary>
public static class VacancyRoutes
{
    public const string Page = "vacancies";
    public const string Csv = "vacancies.csv";
    public const string Json = "vacancies.json";
}
