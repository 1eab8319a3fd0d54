using Microsoft.AspNetCore.Routing;
using HhFunctions.Web;
using HhFunctions.Telegram;

namespace HhFunctions.StatusPage;

public static class StatusPageExtensions
{
    /// <summary>The status page (/api/status): account, token, resumes, runs and the access forms; the bot's /status.</summary>
    public static IHostApplicationBuilder AddStatusPage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTransient<StatusService>();
        builder.Services.AddTransient<StatusEndpoint>();
        builder.Services.AddTransient<StatusCommand>();
        builder.Services.AddBotCommand<StatusCommand>("status", string.Empty, "account, token, and each resume's last raise, next time and outcome", async (c, _, ct) => await c.StatusAsync(ct));
        StatusPageWarmUp.Start(); // the page renderer's first use, on another thread while the host starts
        return builder;
    }

    /// <summary>GET and POST status on the standalone host's "/api" group.</summary>
    public static IEndpointRouteBuilder MapStatusPageEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<StatusEndpoint>("Status", StatusRoutes.Status, ["GET"], (e, r, ct) => e.GetAsync(r, ct));
        api.MapEndpoint<StatusEndpoint>("StatusPost", StatusRoutes.Status, ["POST"], (e, r, ct) => e.PostAsync(r, ct));
        return api;
    }
}

/// <summary>The status page's route (without the host's "api/" prefix), read by both hosts.</summary>
public static class StatusRoutes
{
    public const string Status = "status";
}
