using HhFunctions.HeadHunter;
using HhFunctions.Bumping;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Reliability;

/// <summary>Wraps the app's real vault and fails writes on demand.</summary>
public sealed class FlakyVault(ITokenVault inner) : ITokenVault
{
    public int FailNextWrites { get; set; }

    public bool FailAllWrites { get; set; }

    /// <summary>The next write never returns: the process "dies" there (its task is abandoned).</summary>
    public bool HangOnNextWrite { get; set; }

    public int Writes { get; private set; }

    public string Description => inner.Description;

    public Task<TokenSet?> ReadAsync(CancellationToken ct) => inner.ReadAsync(ct);

    public Task WriteAsync(TokenSet tokens, CancellationToken ct)
    {
        Writes++;
        if (HangOnNextWrite)
        {
            HangOnNextWrite = false;
            return new TaskCompletionSource().Task;
        }

        if (FailAllWrites || FailNextWrites-- > 0)
        {
            throw new TokenVaultException("simulated vault outage (HTTP 503)");
        }

        return inner.WriteAsync(tokens, ct);
    }
}

public static class FaultHarness
{
    /// <summary>Registers a <see cref="FlakyVault"/> around the app's vault and returns the factory.</summary>
    public static FlakyVault? Flaky(AppFactory app) => app.Services.GetRequiredService<ITokenVault>() as FlakyVault;

    public static void DecorateVault(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(ITokenVault));
        services.Remove(original);
        services.AddSingleton<ITokenVault>(sp => new FlakyVault((ITokenVault)original.ImplementationFactory!(sp)));
    }

    /// <summary>An account connected earlier: the pair at the fake hh.ru, in the vault, and the account record.</summary>
    public static Task<TokenSet> SeedConnectedAsync(AppFactory app, TimeSpan? lifetime = null) => app.ConnectAsync(lifetime);

    /// <param name="step">Fake time added per pump tick; keep it small when the run waits on real I/O (e.g. SDK retries).</param>
    public static async Task<RunRecord> RunJobAsync(AppFactory app, string trigger = "test", TimeSpan? step = null)
    {
        using var scope = app.Services.CreateScope();
        var job = scope.ServiceProvider.GetRequiredService<BumpResumesJob>();
        return await app.Time.RunAsync(job.RunAsync(trigger, CancellationToken.None), step ?? TimeSpan.FromSeconds(1), TimeSpan.FromHours(2));
    }

    /// <summary>
    /// Refresh tokens hh.ru still accepts that the app can no longer produce (vault, rescue copy or memory).
    /// A refresh token spent twice shows up as a reconnect, and is checked by the cases themselves.
    /// </summary>
    public static async Task<int> TokensLostAsync(AppFactory app)
    {
        var live = app.Hh.LiveRefreshTokens;
        if (live.Count == 0)
        {
            return 0;
        }

        using var scope = app.Services.CreateScope();
        var known = new HashSet<string>();
        try
        {
            if (await scope.ServiceProvider.GetRequiredService<ITokenVault>().ReadAsync(CancellationToken.None) is { } stored)
            {
                known.Add(stored.RefreshToken);
            }
        }
        catch (TokenVaultException)
        {
        }

        if (await scope.ServiceProvider.GetRequiredService<RescueTokenStore>().TryReadAsync(CancellationToken.None) is { } rescued)
        {
            known.Add(rescued.RefreshToken);
        }

        if (scope.ServiceProvider.GetRequiredService<UnsavedTokenHolder>().Current is { } held)
        {
            known.Add(held.RefreshToken);
        }

        return live.Count(t => !known.Contains(t));
    }

    public static async Task<AccountState> AccountAsync(AppFactory app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IStateStore>().GetAccountAsync(CancellationToken.None);
    }

    public static async Task<TokenSet?> StoredAsync(AppFactory app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenVault>().ReadAsync(CancellationToken.None);
    }
}
