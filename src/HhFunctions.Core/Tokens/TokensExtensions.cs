using HhFunctions.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HhFunctions.Tokens;

public static class TokensExtensions
{
    /// <summary>
    /// Where the hh.ru token pair lives (Key Vault when KeyVault__Uri is set, an encrypted file under Data__Path
    /// otherwise), the rescue copy, and the token manager that refreshes it under the cross-instance lock; beside
    /// it the application's own token (client_credentials) and its manager, under the same lock.
    /// </summary>
    public static IHostApplicationBuilder AddTokens(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var data = DataFolder.Of(builder);
        if (builder.Configuration["KeyVault:Uri"] is { Length: > 0 })
        {
            services.TryAddSingleton<ITokenVault, KeyVaultTokenVault>();
            services.TryAddSingleton<IAppTokenVault, KeyVaultAppTokenVault>();
        }
        else
        {
            services.TryAddSingleton<ITokenVault>(sp => new FileTokenVault(sp.GetRequiredService<IDataProtectionProvider>, data.Combine("secrets", "hh-token.bin")));
            services.TryAddSingleton<IAppTokenVault>(sp => new FileAppTokenVault(sp.GetRequiredService<IDataProtectionProvider>, data.Combine("secrets", "hh-app-token.bin")));
        }

        var rescuePath = data.Combine("rescue", "hh-token.bin");
        services.TryAddSingleton(sp => new RescueTokenStore(
            new FileTokenVault(sp.GetRequiredService<IDataProtectionProvider>, rescuePath),
            rescuePath,
            sp.GetRequiredService<ILogger<RescueTokenStore>>()));
        services.TryAddSingleton<UnsavedTokenHolder>();
        services.AddTransient<TokenManager>();
        services.TryAddSingleton<AppTokenHolder>();
        services.AddTransient<AppTokenManager>();
        services.AddTransient<TokenImport>();
        return builder;
    }
}
