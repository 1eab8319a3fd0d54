using HhFunctions.HeadHunter;
using HhFunctions.Queues;
using HhFunctions.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>Stages both ways between hh.ru and Bitrix24 (docs/recruiting.md, "Stages" and "Sync back"), registered by <see cref="RecruitingExtensions.AddRecruiting"/>.</summary>
public static class StageSyncExtensions
{
    public static IHostApplicationBuilder AddRecruitingStages(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<RecruitingOptions>, StageSyncOptionsValidator>();
        services.AddSingleton<StageMaps>();
        services.AddTransient<StageWriter>();
        services.AddTransient<SyncBack>();
        services.AddTransient<BitrixEventsEndpoint>();
        services.AddQueue<CrmStageEvent, CrmStageEventsHandler>();

        // An hh.ru action (invite, discard...) is not idempotent: no retry pipeline, no redirects followed; a lost answer is settled by re-reading.
        services.AddHttpClient<HhActionClient>((sp, client) =>
                HhTokenClient.ConfigureHttpClient(client, sp.GetRequiredService<IOptions<HhOptions>>().Value))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers();
        return builder;
    }

    /// <summary>POST bitrix/events/{key} on the standalone host's "/api" group.</summary>
    public static IEndpointRouteBuilder MapRecruitingStageEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<BitrixEventsEndpoint>("BitrixEvents", RecruitingStageRoutes.BitrixEvents, ["POST"], (e, r, ct) => e.EventAsync(r, ct));
        return api;
    }
}

/// <summary>Sync back's route (without the host's "api/" prefix), read by both hosts.</summary>
public static class RecruitingStageRoutes
{
    public const string BitrixEvents = "bitrix/events/{key}";
}
