using HhFunctions.Bitrix24;
using HhFunctions.Composition;
using HhFunctions.Configuration;
using HhFunctions.Queues;
using HhFunctions.Recruiting.Invitations;
using HhFunctions.Scheduling;
using HhFunctions.State;
using HhFunctions.StatusPage;
using HhFunctions.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

public static class RecruitingExtensions
{
    /// <summary>
    /// Recruiting: hh.ru's responses to the employer's vacancies, written into Bitrix24 exactly once (docs/recruiting.md):
    /// the webhook, its queue and the CRM writer's queue, the reconcile schedule, the store, the status section.
    /// </summary>
    public static IHostApplicationBuilder AddRecruiting(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBitrix24();
        var services = builder.Services;
        services.AddOptions<RecruitingOptions>().BindConfiguration(RecruitingOptions.SectionName).ValidateAttributes<RecruitingOptions, RecruitingOptionsAttributes>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<RecruitingOptions>, RecruitingOptionsValidator>();
        builder.AddStore<IRecruitingStore, TableRecruitingStore, FileRecruitingStore>();

        services.AddSingleton<WebhookKeys>();
        services.AddSingleton<EmployerPacer>();
        services.AddTransient<CandidateReader>();
        services.AddTransient<RecruitingNotices>();
        services.AddTransient<CrmDrainScheduler>();
        services.AddTransient<CrmWriter>();
        services.AddTransient<SubscriptionKeeper>();
        services.AddTransient<IAccountConnectedListener>(sp => sp.GetRequiredService<SubscriptionKeeper>());
        services.AddTransient<ReconcileJob>();
        services.AddTransient<RecruitingEndpoints>();
        services.AddTransient<IStatusSection, RecruitingStatus>();
        services.AddTransient<IStatusChart, SyncedPerDayChart>();
        services.AddTransient<Observability.IHealthProbe, FailedEventsProbe>();
        services.AddQueue<RecruitingEvent, RecruitingEventsHandler>();
        services.AddQueue<CrmDrain, CrmDrainHandler>();
        services.AddRecruitingDesk();

        var options = builder.Settings(RecruitingOptions.SectionName, s => s.Get<RecruitingOptions>());
        if (options.StandaloneScheduler)
        {
            services.AddStandaloneSchedule<ReconcileJob, RecruitingOptions>("Reconcile responses", firstEventId: 9501, o => o.ReconcileSchedule, (job, ct) => job.RunAsync(ct));
        }

        builder.AddRecruitingStages();
        builder.AddRecruitingInvitations();
        return builder;
    }

    /// <summary>POST hh/webhook/{key} on the standalone host's "/api" group.</summary>
    public static IEndpointRouteBuilder MapRecruitingEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<RecruitingEndpoints>("HhWebhook", RecruitingRoutes.Webhook, ["POST"], (e, r, ct) => e.WebhookAsync(r, ct));
        api.MapRecruitingStageEndpoints();
        api.MapRecruitingInvitationEndpoints();
        api.MapRecruitingDesk();
        return api;
    }
}

/// <summary>Recruiting's routes (without the host's "api/" prefix), read by both hosts.</summary>
public static class RecruitingRoutes
{
    public const string Webhook = "hh/webhook/{key}";
}
