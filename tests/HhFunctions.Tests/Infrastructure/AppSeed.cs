using HhFunctions.HeadHunter;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>Puts an app into a known state: a connected account (a real pair from the fake hh.ru), resumes, runs.</summary>
public static class AppSeed
{
    public const string AccountName = "Ivan Petrov";

    public static IStateStore State(this AppFactory app) => app.Services.GetRequiredService<IStateStore>();

    /// <summary>
    /// A connected account: a pair the fake hh.ru issued, stored in the app's vault, and (unless told otherwise)
    /// the account marked connected. <paramref name="storedLifetime"/> lets the stored expiry differ from hh.ru's.
    /// </summary>
    public static async Task<TokenSet> ConnectAsync(this AppFactory app, TimeSpan? hhLifetime = null, TimeSpan? storedLifetime = null, bool markConnected = true, IServiceProvider? services = null, string name = AccountName)
    {
        ArgumentNullException.ThrowIfNull(app);
        services ??= app.Services;
        var now = app.Time.GetUtcNow();
        var (access, refresh, expires) = app.Hh.SeedTokens(hhLifetime);
        var tokens = new TokenSet(access, refresh, storedLifetime is { } s ? now + s : expires, now);
        await services.GetRequiredService<ITokenVault>().WriteAsync(tokens, CancellationToken.None);
        if (markConnected)
        {
            await services.GetRequiredService<IStateStore>().UpdateAccountAsync(a => a with
            {
                Status = AccountStatus.Connected,
                HhUserId = "42",
                DisplayName = name,
                ConnectedAt = now,
                TokenExpiresAt = tokens.ExpiresAt,
                TokenFingerprint = tokens.Fingerprint,
                Problem = null,
                UpdatedAt = now,
            }, CancellationToken.None);
        }

        return tokens;
    }

    /// <summary>An account hh.ru no longer accepts: the owner must reconnect.</summary>
    public static Task NeedsReconnectAsync(this AppFactory app, string problem, string name = AccountName)
    {
        ArgumentNullException.ThrowIfNull(app);
        var now = app.Time.GetUtcNow();
        return app.State().UpdateAccountAsync(a => a with
        {
            Status = AccountStatus.NeedsReconnect,
            HhUserId = "42",
            DisplayName = name,
            ConnectedAt = now.AddDays(-20),
            TokenExpiresAt = now.AddDays(-6),
            Problem = problem,
            UpdatedAt = now,
        }, CancellationToken.None);
    }

    public static Task SaveResumeAsync(this AppFactory app, string id, string title, ResumeOutcome outcome, DateTimeOffset? lastRaised, DateTimeOffset? next, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.State().SaveResumeAsync(new ResumeState(id, title, lastRaised, next, outcome, message, app.Time.GetUtcNow()), CancellationToken.None);
    }

    public static Task AddRunAsync(this AppFactory app, DateTimeOffset started, string trigger, RunStatus status, string summary, params ResumeRunResult[] results)
    {
        ArgumentNullException.ThrowIfNull(app);
        var id = started.ToString("yyyyMMddTHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        return app.State().AddRunAsync(new RunRecord(id, trigger, started, started.AddSeconds(3), status, summary, results), CancellationToken.None);
    }
}
