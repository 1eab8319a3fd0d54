using HhFunctions.Composition;
using HhFunctions.Configuration;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Vacancies;

public static class VacanciesExtensions
{
    /// <summary>The vacancy watch: options, store, job, digest, page and exports, the bot's /watch and Hide button (the schedule is the host's: WatchVacancies in Azure, VacancyWatchScheduler standalone).</summary>
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

        // The bot's /watch and the digest's Hide button.
        services.AddTransient<WatchCommands>();
        services.AddBotCommand<WatchCommands>("watch", string.Empty, "vacancy watch: the sources and the last run", async (c, _, ct) => await c.WatchAsync(ct));
        services.AddBotButton<WatchCommands>(VacancyDigest.HidePrefix, (c, button, ct) => c.HideAsync(button, ct));

        builder.AddStore<IVacancyStore, AzureTableVacancyStore, FileVacancyStore>();

        return builder;
    }
}
