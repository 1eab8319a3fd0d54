using Microsoft.AspNetCore.Routing;
using HhFunctions.Web;
using HhFunctions.Pages;
using HhFunctions.Telegram;

namespace HhFunctions.OAuth;

public static class OAuthExtensions
{
    /// <summary>The ways in: the browser link, a pasted code, an imported pair (settings, form, bot), their endpoints and the bot's /connect, /code and /tokens.</summary>
    public static IHostApplicationBuilder AddOAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddTransient<SetupLinks>();
        services.AddSingleton<IOwnerAlerts, OwnerAlerts>(); // token trouble, with a reconnect link
        services.AddTransient<OAuthFlow>();
        services.AddTransient<ApplicantAccess>();
        services.AddTransient<AccountConnector>();
        services.AddTransient<AccessPages>();
        services.AddTransient<FormTokens>();
        services.AddTransient<OAuthEndpoints>();
        services.AddSingleton<SettingsImport>();
        services.AddHostedService(sp => sp.GetRequiredService<SettingsImport>());

        // The bot's ways in: /connect, /code and /tokens (in /help's order).
        services.AddTransient<ConnectCommand>();
        services.AddTransient<AccessCommands>();
        services.AddBotCommand<ConnectCommand>("connect", string.Empty, "a one-time link to connect or reconnect hh.ru", async (c, _, ct) => await c.ConnectAsync(ct));
        services.AddBotCommand<AccessCommands>("code", "<code or address>", "finish connecting with a code hh.ru sent elsewhere", (c, m, ct) => c.CodeAsync(m.Text, m.MessageId, ct));
        services.AddBotCommand<AccessCommands>("tokens", "<access> <refresh>", "import a token pair you already have", (c, m, ct) => c.TokensAsync(m.Text, m.MessageId, ct));
        return builder;
    }

    /// <summary>GET oauth/start, oauth/link and oauth/callback on the standalone host's "/api" group.</summary>
    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<OAuthEndpoints>("OAuthStart", OAuthRoutes.Start, ["GET"], (e, r, ct) => e.StartAsync(r, ct));
        api.MapEndpoint<OAuthEndpoints>("OAuthLink", OAuthRoutes.Link, ["GET"], (e, r, ct) => e.LinkAsync(r, ct));
        api.MapEndpoint<OAuthEndpoints>("OAuthCallback", OAuthRoutes.Callback, ["GET"], (e, r, ct) => e.CallbackAsync(r, ct));
        return api;
    }
}

/// <summary>The OAuth functions' routes (without the host's "api/" prefix), read by both hosts.</summary>
public static class OAuthRoutes
{
    public const string Start = "oauth/start";
    public const string Link = "oauth/link";
    public const string Callback = "oauth/callback";
}
