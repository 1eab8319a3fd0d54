using HhFunctions.Composition;
using HhFunctions.HeadHunter;
using HhFunctions.Scheduling;
using HhFunctions.Telegram;
using HhFunctions.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting.Invitations;

/// <summary>Invitations and Telegram for recruiters, part of the recruiting feature (docs/recruiting.md "Invitations", "Notifications").</summary>
public static class InvitationsExtensions
{
    /// <summary>
    /// Called by AddRecruiting: the invitation client (no retries, no redirects), the invitations' store, /invite and
    /// /import, the notifier, the daily summary (standalone: on the host's scheduler) and the form's endpoints.
    /// </summary>
    public static IHostApplicationBuilder AddRecruitingInvitations(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<RecruitingOptions>, InvitationOptionsValidator>();
        builder.AddStore<IInvitationStore, TableInvitationStore, FileInvitationStore>();

        // An invitation is not idempotent and costs money: no retry pipeline, no redirects followed.
        services.AddHttpClient<HhInviteClient>((sp, client) =>
                HhTokenClient.ConfigureHttpClient(client, sp.GetRequiredService<IOptions<HhOptions>>().Value))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers();

        services.AddTransient<InvitationService>();
        services.AddTransient<RecruitingNotifier>();
        services.AddTransient<SummaryJob>();
        services.AddTransient<InvitationCommands>();
        services.AddTransient<InvitationEndpoints>();
        services.AddBotCommand<InvitationCommands>("invite", "<resume link> <vacancy id or link> [message]", "invite a candidate found on hh.ru to a vacancy (costs a resume contact; docs/recruiting.md)", (c, m, ct) => c.InviteAsync(m.Text, ct));
        services.AddBotCommand<InvitationCommands>("import", "<resume link>", "bring a candidate into Bitrix24: syncs their response or invitation, if any", (c, m, ct) => c.ImportAsync(m.Text, ct));

        var options = builder.Settings(RecruitingOptions.SectionName, s => s.Get<RecruitingOptions>());
        if (options.StandaloneScheduler)
        {
            services.AddStandaloneSchedule<SummaryJob, RecruitingOptions>("Recruiting summary", firstEventId: 9631, _ => SummaryJob.Tick, (job, ct) => job.RunAsync(ct));
        }

        return builder;
    }

    /// <summary>GET and POST recruiting/invite on the standalone host's "/api" group.</summary>
    public static IEndpointRouteBuilder MapRecruitingInvitationEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<InvitationEndpoints>("RecruitingInvite", InvitationRoutes.Invite, ["GET"], (e, r, ct) => e.GetAsync(r, ct));
        api.MapEndpoint<InvitationEndpoints>("RecruitingInvitePost", InvitationRoutes.Invite, ["POST"], (e, r, ct) => e.PostAsync(r, ct));
        return api;
    }
}

/// <summary>The invitation form's route (without the host's "api/" prefix), read by both hosts.</summary>
public static class InvitationRoutes
{
    public const string Invite = "recruiting/invite";
}
