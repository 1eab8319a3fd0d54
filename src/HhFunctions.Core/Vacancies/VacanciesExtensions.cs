using HhFunctions.Scheduling;
using Microsoft.AspNetCore.Routing;
using HhFunctions.Composition;
using HhFunctions.Configuration;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.StatusPage;
using HhFunctions.Telegram;
using HhFunctions.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Vacancies;

public static class VacanciesExtensions
{
    /// <summary>The trigger recorded for the standalone host's scheduled watch runs.</summary>
    public const string ScheduleTrigger = "schedule";

    /// <summary>The vacancy watch: options, store, job, digest, page and exports the bot's /watch and Hide button (the schedule: the WatchVacancies timer function in Azure, the standalone host's schedules otherwise).</summary>
    public static IHostApplicationBuilder AddVacancies(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName).ValidateAttributes<SearchOptions, SearchOptionsAttributes>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SearchOptions>, SearchOptionsValidator>();
        services.AddHostedService<SearchStartupReport>();
        services.TryAddSingleton<IVacancyMessenger, TelegramVacancyMessenger>();
        services.TryAddSingleton<IVacancyMirror, NoVacancyMirror>();
        services.AddTransient<VacancyWatchJob>();
        services.AddTransient<VacancyWatchStatus>();
        services.AddTransient<IStatusSection, VacancyWatchSection>();
        services.AddTransient<VacancyExport>();
        services.AddTransient<VacanciesPage>();
        services.AddTransient<VacanciesEndpoints>();

        // The bot's /watch and the digest's Hide button.
        services.AddTransient<WatchCommands>();
        services.AddBotCommand<WatchCommands>("watch", string.Empty, "vacancy watch: the sources and the last run", async (c, _, ct) => await c.WatchAsync(ct));
        services.AddBotButton<WatchCommands>(VacancyDigest.HidePrefix, (c, button, ct) => c.HideAsync(button, ct));

        builder.AddStore<IVacancyStore, AzureTableVacancyStore, FileVacancyStore>();

        var search = builder.Settings(SearchOptions.SectionName, s => s.Get<SearchOptions>());
        if (search.StandaloneScheduler && search.HasSources)
        {
            services.AddStandaloneSchedule<VacancyWatchJob, SearchOptions>("Vacancy watch scheduler", firstEventId: 8201, o => o.Schedule, async (job, ct) =>
            {
                var run = await job.RunAsync(ScheduleTrigger, ct);
                return $"{run.Status}: {run.Summary}";
            });
        }

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
