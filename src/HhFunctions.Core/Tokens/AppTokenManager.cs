using System.Globalization;
using HhFunctions.HeadHunter;
using HhFunctions.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tokens;

/// <summary>
/// Owns the application's own hh.ru token (grant_type=client_credentials, docs/tokens.md): asked for once, kept in
/// the token vault beside the user's pair, reused until hh.ru rejects it, then replaced once. hh.ru issues one at
/// most every 5 minutes and a new one revokes the old, so a request is made only under the cross-instance token
/// lock (<see cref="TokenManager.RefreshLockName"/>) after re-reading the vault, and never before the stored
/// <see cref="AppToken.NextRequestAt"/>: a "403 app token refresh too early" is waited out, not retried.
/// </summary>
public sealed partial class AppTokenManager(
    IAppTokenVault vault,
    IDistributedLock locks,
    HhTokenClient tokenClient,
    IOptions<HhOptions> options,
    AppTokenHolder held,
    TimeProvider time,
    ILogger<AppTokenManager> logger)
{
    /// <summary>hh.ru issues an application token at most once per this interval.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(5);

    /// <summary>HeadHunter__ClientId and HeadHunter__ClientSecret are set: an application token can be asked for.</summary>
    public bool Configured => options.Value.HasCredentials;

    /// <summary>
    /// Runs <paramref name="call"/> with the application token. When hh.ru rejects the token (bad_authorization,
    /// token_revoked, token_expired) it is replaced once and the call made once more; a second rejection ends it.
    /// </summary>
    public async Task<T> WithAppTokenAsync<T>(Func<string, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        var token = await GetAsync(ct);
        try
        {
            return await call(token.AccessToken!, ct);
        }
        catch (HhApiException ex) when (Rejects(ex.Error))
        {
            Log.Rejected(logger, token.Fingerprint, ex.Error.Kind);
            var fresh = await ReplaceAsync(token, ct);
            try
            {
                return await call(fresh.AccessToken!, ct);
            }
            catch (HhApiException again) when (Rejects(again.Error))
            {
                // Not replaced again now: hh.ru allows the next one only 5 minutes after this one.
                Log.Rejected(logger, fresh.Fingerprint, again.Error.Kind);
                await DropAsync(fresh, ct);
                throw new TokenUnavailableException(TokenProblem.Transient, "hh.ru rejected the application token just issued as well (" + again.Error.Kind + "); a new one is asked for after "
                    + fresh.NextRequestAt.ToUniversalTime().ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC, on the next run after that.", again);
            }
            catch (HhApiException again) when (again.Error.Kind == HhErrorKind.ApplicationNotFound)
            {
                throw ApplicationDeleted(again);
            }
        }
        catch (HhApiException ex) when (ex.Error.Kind == HhErrorKind.ApplicationNotFound)
        {
            throw ApplicationDeleted(ex);
        }
    }

    /// <summary>The stored token, or a new one when none is stored (asked for under the lock, never before its time).</summary>
    public async Task<AppToken> GetAsync(CancellationToken ct)
    {
        if (!Configured)
        {
            throw new TokenUnavailableException(TokenProblem.Configuration, "HeadHunter__ClientId and HeadHunter__ClientSecret are not set, so there is no application token.");
        }

        var stored = await ReadAsync(ct);
        return stored?.AccessToken is not null ? stored : await ReplaceAsync(stored, ct);
    }

    /// <summary>The stored record (token or not), or null; never asks hh.ru. For status lines: shows no token.</summary>
    public async Task<AppToken?> ReadStoredAsync(CancellationToken ct)
    {
        try
        {
            return await ReadAsync(ct);
        }
        catch (TokenUnavailableException)
        {
            return null;
        }
    }

    /// <summary>Replaces <paramref name="observed"/> (null: none yet) under the lock, unless another instance already did.</summary>
    private async Task<AppToken> ReplaceAsync(AppToken? observed, CancellationToken ct)
    {
        ILease? lease;
        try
        {
            lease = await locks.TryAcquireAsync(TokenManager.RefreshLockName, TokenManager.LeaseTime, TokenManager.LockWait, ct);
        }
        catch (StateStoreException ex)
        {
            // Without the lock two instances could each ask, and the second would revoke the first's token.
            throw new TokenUnavailableException(TokenProblem.Transient, "The token lock cannot be taken (state storage unreachable); the application token is asked for on the next run.", ex);
        }

        if (lease is null)
        {
            throw new TokenUnavailableException(TokenProblem.RefreshBusy, "Another instance is renewing an hh.ru token; this run leaves it alone.");
        }

        await using (lease)
        {
            var current = await ReadAsync(ct);
            if (current?.AccessToken is not null && current.AccessToken != observed?.AccessToken)
            {
                Log.ReplacedElsewhere(logger, current.Fingerprint);
                return current;
            }

            var now = time.GetUtcNow();
            if (current is not null && now < current.NextRequestAt)
            {
                // Rejected (or never got) within hh.ru's 5 minutes: nothing is asked now. The dead token is dropped,
                // so no other instance spends a call on it meanwhile.
                if (current.AccessToken is not null)
                {
                    await PersistAsync(current with { AccessToken = null }, ct);
                }

                throw TooEarly(current.NextRequestAt);
            }

            Log.Requesting(logger, observed?.Fingerprint ?? "none");

            // Once sent, the answer must be kept even if the caller gives up: hh.ru has revoked the old token then.
            var result = await tokenClient.ClientCredentialsAsync(CancellationToken.None);
            now = time.GetUtcNow();
            if (result.AccessToken is { } access)
            {
                var fresh = new AppToken(access, now, now + MinimumInterval);
                await PersistAsync(fresh, CancellationToken.None);
                Log.Issued(logger, fresh.Fingerprint);
                return fresh;
            }

            var error = result.Error!;
            Log.RequestRefused(logger, error.Kind, error.StatusCode);
            switch (error.Kind)
            {
                case TokenErrorKind.AppTokenTooEarly:
                    // Another client of this application asked within the last 5 minutes; wait them out.
                    var next = now + MinimumInterval;
                    await PersistAsync(new AppToken(null, current?.ObtainedAt, next), ct);
                    throw TooEarly(next);
                case TokenErrorKind.InvalidClient or TokenErrorKind.ReconnectRequired:
                    throw new TokenUnavailableException(TokenProblem.Configuration, "hh.ru refuses the application's credentials (" + (error.Error ?? "error") + "); check HeadHunter__ClientId and HeadHunter__ClientSecret.");
                default:
                    throw new TokenUnavailableException(TokenProblem.Transient, error.Message + " The application token is asked for on the next run.");
            }
        }
    }

    /// <summary>Forgets a token hh.ru rejected (when it is still the stored one), so no instance spends a call on it.</summary>
    private async Task DropAsync(AppToken rejected, CancellationToken ct)
    {
        try
        {
            var lease = await locks.TryAcquireAsync(TokenManager.RefreshLockName, TokenManager.LeaseTime, TokenManager.LockWait, ct);
            if (lease is null)
            {
                return;
            }

            await using (lease)
            {
                var current = await ReadAsync(ct);
                if (current?.AccessToken is not null && current.AccessToken == rejected.AccessToken)
                {
                    await PersistAsync(current with { AccessToken = null }, ct);
                }
            }
        }
        catch (StateStoreException)
        {
            // Left as it is: the next run finds it rejected and drops it then.
        }
        catch (TokenUnavailableException)
        {
            // The vault cannot be read now: the same.
        }
    }

    private static bool Rejects(HhError error) => error.Kind is HhErrorKind.BadAuthorization or HhErrorKind.TokenRevoked or HhErrorKind.TokenExpired;

    private static TokenUnavailableException TooEarly(DateTimeOffset next) =>
        new(TokenProblem.AppTokenWait, "hh.ru issues a new application token at most once every 5 minutes; it is asked for again after "
            + next.ToUniversalTime().ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC, on the next run after that.")
        {
            NoticeKey = "app-token-wait",
        };

    private static TokenUnavailableException ApplicationDeleted(HhApiException ex) =>
        new(TokenProblem.Configuration, "hh.ru does not know this application (oauth/application_not_found); check HeadHunter__ClientId and HeadHunter__ClientSecret at dev.hh.ru.", ex);

    private async Task PersistAsync(AppToken token, CancellationToken ct)
    {
        try
        {
            await vault.WriteAsync(token, ct);
            held.Clear(token);
        }
        catch (TokenVaultException ex)
        {
            // Kept for this process: asking again would revoke it and is allowed only in 5 minutes anyway.
            held.Hold(token);
            Log.NotSaved(logger, vault.Description, ex.Message);
        }
    }

    /// <summary>The newest record: one this process holds unsaved, or the vault's.</summary>
    private async Task<AppToken?> ReadAsync(CancellationToken ct)
    {
        var pending = held.Current;
        AppToken? stored;
        try
        {
            stored = await vault.ReadAsync(ct);
        }
        catch (TokenVaultException ex) when (pending is not null)
        {
            Log.VaultUnreadable(logger, ex.Message);
            return pending;
        }
        catch (TokenVaultException ex)
        {
            throw new TokenUnavailableException(TokenProblem.Transient, ex.Message, ex);
        }

        if (pending is null || (stored is not null && (stored.ObtainedAt ?? DateTimeOffset.MinValue) >= (pending.ObtainedAt ?? DateTimeOffset.MinValue) && stored.NextRequestAt >= pending.NextRequestAt))
        {
            return stored;
        }

        await PersistAsync(pending, ct);
        return pending;
    }

    private static partial class Log
    {
        [LoggerMessage(1101, LogLevel.Information, "Asking hh.ru for an application token (client_credentials); the one before: {Fingerprint}.")]
        public static partial void Requesting(ILogger logger, string fingerprint);

        [LoggerMessage(1102, LogLevel.Information, "Application token {Fingerprint} issued and kept in the token vault.")]
        public static partial void Issued(ILogger logger, string fingerprint);

        [LoggerMessage(1103, LogLevel.Warning, "hh.ru refused the application-token request: {Kind} (HTTP {Status}).")]
        public static partial void RequestRefused(ILogger logger, TokenErrorKind kind, int status);

        [LoggerMessage(1104, LogLevel.Warning, "hh.ru rejected application token {Fingerprint} ({Kind}); it is replaced.")]
        public static partial void Rejected(ILogger logger, string fingerprint, HhErrorKind kind);

        [LoggerMessage(1105, LogLevel.Information, "Another instance already replaced the application token; using {Fingerprint}.")]
        public static partial void ReplacedElsewhere(ILogger logger, string fingerprint);

        [LoggerMessage(1106, LogLevel.Error, "The application token could not be saved to {Vault}: {Reason}. Kept in memory for this process.")]
        public static partial void NotSaved(ILogger logger, string vault, string reason);

        [LoggerMessage(1107, LogLevel.Warning, "The token vault cannot be read now ({Reason}); using the application token held locally.")]
        public static partial void VaultUnreadable(ILogger logger, string reason);
    }
}

/// <summary>Process-wide holder of an application-token record the vault has not accepted yet (singleton).</summary>
public sealed class AppTokenHolder
{
    private readonly Lock _gate = new();
    private AppToken? _current;

    public AppToken? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void Hold(AppToken token)
    {
        lock (_gate)
        {
            _current = token;
        }
    }

    /// <summary>Forgets the held record once <paramref name="saved"/> is in the vault.</summary>
    public void Clear(AppToken saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        lock (_gate)
        {
            _current = null;
        }
    }
}
