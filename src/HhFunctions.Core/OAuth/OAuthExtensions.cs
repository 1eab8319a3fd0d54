using Microsoft.AspNetCore.Routing;
using HhFunctions.Web;
using HhFunctions.Pages;

namespace HhFunctions.OAuth;

public static class OAuthExtensions
{
    /// <summary>The ways in: the browser link, a pasted code, an imported pair (settings, form, bot), and their endpoints.</summary>
    public static IHostApplicationBuilder AddOAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddTransient<SetupLinks>();
        services.AddTransient<OAuthFlow>();
        services.AddTransient<ApplicantAccess>();
        services.AddTransient<AccountConnector>();
        services.AddTransient<AccessPages>();
        services.AddTransient<FormTokens>();
        services.AddTransient<OAuthEndpoints>();
        services.AddSingleton<SettingsImport>();
        services.AddHostedService(sp => sp.GetRequiredService<SettingsImport>());
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
