using HhFunctions.Pages;
using HhFunctions.Telegram;

namespace HhFunctions.OAuth;

public static class OAuthExtensions
{
    /// <summary>The ways in: the browser link, a pasted code, an imported pair (settings, form, bot), and their endpoints.</summary>
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
        return builder;
    }
}
