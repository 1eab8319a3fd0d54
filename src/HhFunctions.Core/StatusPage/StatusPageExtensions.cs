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
        return builder;
    }
}
