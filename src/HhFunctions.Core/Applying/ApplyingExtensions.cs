using HhFunctions.Bumping;
using HhFunctions.Scheduling;
using Microsoft.AspNetCore.Routing;
using HhFunctions.Composition;
using Azure.Data.Tables;
using Cronos;
using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.Telegram;
using HhFunctions.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Applying;

/// <summary>Registers applying and tracking (docs/applying.md) on either host.</summary>
public static class ApplyingExtensions
{
    public static IHostApplicationBuilder AddApplying(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ApplyOptions>().BindConfiguration(ApplyOptions.SectionName).ValidateAttributes<ApplyOptions, ApplyOptionsAttributes>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApplyOptions>, ApplyOptionsValidator>();

        builder.AddStore<IApplicationStore, TableApplicationStore, FileApplicationStore>();

        // POST /negotiations is not idempotent: no retry pipeline, no redirects followed (303 = apply elsewhere).
        services.AddHttpClient<HhApplyClient>((sp, client) =>
                HhTokenClient.ConfigureHttpClient(client, sp.GetRequiredService<IOptions<HhOptions>>().Value))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers();

        // The optional letter generator's endpoint: no request logging (the Authorization header carries the key).
        services.AddHttpClient(CoverLetters.LlmHttpClient).RemoveAllLoggers();

        services.AddTransient<CoverLetters>();
        services.AddTransient<IApplyPrompts, ApplyPrompts>();
        services.AddTransient<ApplyService>();
        services.AddTransient<ApplyCommands>();
        services.AddTransient<ApplicationTracker>();
        services.AddTransient<ApplicationsEndpoint>();
        // Standalone: tracked on the host's own schedule, with the bump schedule's switch (in Azure, the TrackApplications timer function).
        if (builder.Settings(BumpOptions.SectionName, s => s.Get<BumpOptions>()).StandaloneScheduler)
        {
            services.AddStandaloneSchedule<ApplicationTracker, ApplyOptions>("Standalone TrackApplications", firstEventId: 5011, o => o.TrackSchedule, async (tracker, ct) =>
                (await tracker.TrackAsync(ct)).Summary);
        }


        // The bot's side: /apply, the Apply / Send / Edit / Skip buttons and the reply that becomes the letter after Edit.
        services.AddBotCommand<ApplyCommands>("apply", "<vacancy id or hh.ru address>", "apply with your cover letter (docs/applying.md)", (c, m, ct) => c.ApplyAsync(m.Text, ct));
        foreach (var action in (string[])[ApplyPrompts.ApplyAction, ApplyPrompts.SendAction, ApplyPrompts.EditAction, ApplyPrompts.SkipAction])
        {
            services.AddBotButton<ApplyCommands>(ApplyPrompts.CallbackData(action, string.Empty), (c, button, ct) => c.HandleCallbackAsync(button, ct));
        }

        services.AddBotTextHandler<ApplyCommands>((c, m, ct) => c.TextAsync(m.Text, ct));
        return builder;
    }

    /// <summary>GET applications, applications.csv and applications.json on the standalone host's "/api" group.</summary>
    public static IEndpointRouteBuilder MapApplyingEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<ApplicationsEndpoint>("Applications", ApplicationRoutes.Page, ["GET"], (e, r, ct) => e.GetAsync(r, ct));
        api.MapEndpoint<ApplicationsEndpoint>("ApplicationsCsv", ApplicationRoutes.Csv, ["GET"], (e, r, ct) => e.ExportAsync(r, ct));
        api.MapEndpoint<ApplicationsEndpoint>("ApplicationsJson", ApplicationRoutes.Json, ["GET"], (e, r, ct) => e.ExportAsync(r, ct));
        return api;
    }
}

/// <summary>The applications funnel's routes (without the host's "api/" prefix), read by both hosts.</summary>
public static class ApplicationRoutes
{
    public const string Page = "applications";
    public const string Csv = "applications.csv";
    public const string Json = "applications.json";
}
