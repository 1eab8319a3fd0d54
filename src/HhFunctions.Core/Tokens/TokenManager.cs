using HhFunctions.HeadHunter;
using HhFunctions.State;
using HhFunctions.Telegram;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace HhFunctions.Tokens;

/// <summary>
/// Owns the hh.ru token pair. Rules (docs/hh-api.md §1): refresh only after the stored expiry or
/// when hh.ru says token_expired; a refresh token works once, so refreshing happens under a cross-instance
/// lock, re-reads the vault first, and persists the new pair (with retries) before anyone uses it.
/// </summary>
public sealed partial class TokenManager(
    ITokenVault vault,
    RescueTokenStore rescue,
    IDistributedLock locks,
    HhTokenClient tokenClient,
    IStateStore state,
    IOwnerAlerts alerts,
    UnsavedTokenHolder unsaved,
    TimeProvider time,
    ILogger<TokenManager> logger)
{
    public const string RefreshLockName = "hh-token-refresh";
    internal static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);
    internal static readonly TimeSpan LockWait = TimeSpan.FromSeconds(90);

    /// <summary>Runs <paramref name="call"/> with a valid access token; on token_expired refreshes and retries once.</summary>
    public async Task<T> WithAccessTokenAsync<T>(Func<string, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        var tokens = await GetCurrentAsync(ct);
        try
        {
            return await call(tokens.AccessToken, ct);
        }
        catch (HhApiException ex) when (ex.Error.Kind == HhErrorKind.TokenExpired)
        {
            Log.ServerSaysExpired(logger, tokens.Fingerprint);
            var refreshed = await RefreshAsync(tokens, serverSaysExpired: true, ct);
            try
            {
                return await call(refreshed.AccessToken, ct);
            }
            catch (HhApiException again) when (again.Error.NeedsReconnect)
            {
                throw await MarkReconnectAsync(again.Error.Message, ct);
            }
            catch (HhApiException again) when (again.Error.Kind == HhErrorKind.ApplicationNotFound)
            {
                throw await ConfigurationProblemAsync(again.Error.Message, ct);
            }
            catch (HhApiException again) when (again.Error.Kind == HhErrorKind.TokenExpired)
            {
                // Retried once already: hh.ru contradicts itself (token_expired, yet "token not expired" on refresh).
                throw new TokenUnavailableException(
                    TokenProblem.Transient,
                    refreshed.Fingerprint == tokens.Fingerprint
                        ? "hh.ru says the access token has expired but refuses to refresh it as not expired yet. The stored pair is kept and used again on the next run."
                        : "hh.ru says the just-refreshed access token has expired. The new pair is kept and used again on the next run.",
                    again);
            }
        }
        catch (HhApiException ex) when (ex.Error.NeedsReconnect)
        {
            throw await MarkReconnectAsync(ex.Error.Message, ct);
        }
        catch (HhApiException ex) when (ex.Error.Kind == HhErrorKind.ApplicationNotFound)
        {
            // The app's settings are wrong (or its app was deleted): a reconnect link would only loop.
            throw await ConfigurationProblemAsync(ex.Error.Message, ct);
        }
    }

    public async Task WithAccessTokenAsync(Func<string, CancellationToken, Task> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        await WithAccessTokenAsync<bool>(async (token, c) =>
        {
            await call(token, c);
            return true;
        }, ct);
    }

    /// <summary>The pair to use now: refreshed first if its stored expiry has passed.</summary>
    public async Task<TokenSet> GetCurrentAsync(CancellationToken ct)
    {
        var account = await TryGetAccountAsync(ct);
        var tokens = await ReadAsync(ct)
            ?? throw new TokenUnavailableException(TokenProblem.NotConnected, "No hh.ru account is connected yet: open the setup link to connect one.");
        if (account?.Status == AccountStatus.NeedsReconnect && account.TokenFingerprint == tokens.Fingerprint)
        {
            throw new TokenUnavailableException(TokenProblem.ReconnectRequired, account.Problem ?? "The hh.ru account must be reconnected.");
        }

        return tokens.IsExpired(time.GetUtcNow()) ? await RefreshAsync(tokens, serverSaysExpired: false, ct) : tokens;
    }

    /// <summary>Rotates the pair once, under the cross-instance lock. Safe to call from several places at once.</summary>
    public async Task<TokenSet> RefreshAsync(TokenSet observed, bool serverSaysExpired, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ILease? lease;
        try
        {
            lease = await locks.TryAcquireAsync(RefreshLockName, LeaseTime, LockWait, ct);
        }
        catch (StateStoreException ex)
        {
            // Without the lock two instances could both spend the refresh token: better to wait a run.
            throw new TokenUnavailableException(TokenProblem.Transient, "The token refresh lock cannot be taken (state storage unreachable); the stored pair is kept and the refresh is tried on the next run.", ex);
        }

        if (lease is null)
        {
            throw new TokenUnavailableException(TokenProblem.RefreshBusy, "Another instance is refreshing the hh.ru token; this run leaves it alone.");
        }

        await using (lease)
        {
            var current = await ReadAsync(ct)
                ?? throw new TokenUnavailableException(TokenProblem.NotConnected, "No hh.ru account is connected yet: open the setup link to connect one.");
            if (current.Fingerprint != observed.Fingerprint)
            {
                Log.RotatedElsewhere(logger, current.Fingerprint);
                return current;
            }

            if (!serverSaysExpired && !current.IsExpired(time.GetUtcNow()))
            {
                return current;
            }

            Log.Refreshing(logger, current.Fingerprint, current.ExpiresAt);

            // Once sent, the refresh must be seen through even if the caller gives up: hh.ru may already have
            // spent the old refresh token, so the answer has to be read and saved. The token client's
            // HttpClient.Timeout and the bounded save retries keep this finite.
            var result = await tokenClient.RefreshAsync(current.RefreshToken, CancellationToken.None);
            if (result.Tokens is { } fresh)
            {
                await PersistAsync(fresh, CancellationToken.None);
                await TryUpdateAccountAsync(a => a with { TokenExpiresAt = fresh.KnownExpiry, TokenFingerprint = fresh.Fingerprint, UpdatedAt = time.GetUtcNow() }, ct);
                Log.Refreshed(logger, fresh.Fingerprint, fresh.ExpiresAt);
                Observability.AppTelemetry.TokenRefresh("rotated");
                return fresh;
            }

            var error = result.Error!;
            Log.RefreshRejected(logger, error.Kind, error.StatusCode);
            Observability.AppTelemetry.TokenRefresh(error.Kind.ToString());
            switch (error.Kind)
            {
                case TokenErrorKind.NotExpired:
                    // hh.ru decides: the stored access token is still good, keep using it. When only our stored
                    // expiry said otherwise, move it an hour on, so each call does not ask hh.ru again.
                    return serverSaysExpired ? current : await PostponeExpiryAsync(current, ct);
                case TokenErrorKind.AlreadyRefreshed:
                    var reread = await ReadAsync(ct);
                    if (reread is not null && reread.Fingerprint != current.Fingerprint)
                    {
                        return reread;
                    }

                    throw await MarkReconnectAsync("hh.ru says the stored refresh token was already used and no newer pair is stored (a refresh was probably interrupted before its result was saved). Reconnect the account.", ct);
                case TokenErrorKind.ReconnectRequired:
                    throw await MarkReconnectAsync(error.Message, ct);
                case TokenErrorKind.InvalidClient or TokenErrorKind.BadRedirect:
                    throw await ConfigurationProblemAsync(error.Message, ct);
                default:
                    throw new TokenUnavailableException(TokenProblem.Transient, error.Message + " The stored pair is kept; the refresh is tried again on the next run.");
            }
        }
    }

    /// <summary>Records a configuration problem, tells the owner once per problem, and returns the exception to throw.</summary>
    private async Task<TokenUnavailableException> ConfigurationProblemAsync(string message, CancellationToken ct)
    {
        var account = await TryGetAccountAsync(ct);
        if (account?.Problem != message)
        {
            // Told once per problem, not on every run until the settings are fixed.
            await TryUpdateAccountAsync(a => a with { Problem = message, UpdatedAt = time.GetUtcNow() }, ct);
            await alerts.ConfigurationProblemAsync(message, ct);
        }

        return new TokenUnavailableException(TokenProblem.Configuration, message);
    }

    /// <summary>
    /// The refresh lock for an import, without waiting: null when another import or a refresh holds it.
    /// Imported pairs go through the same lock as rotations, so an import never races a refresh.
    /// </summary>
    public async Task<ILease?> TryLockForImportAsync(CancellationToken ct)
    {
        try
        {
            return await locks.TryAcquireAsync(RefreshLockName, LeaseTime, TimeSpan.Zero, ct);
        }
        catch (StateStoreException ex)
        {
            throw new TokenUnavailableException(TokenProblem.Transient, "The token lock cannot be taken (state storage unreachable); nothing was changed. Try again in a minute.", ex);
        }
    }

    /// <summary>The stored pair, or null (none stored, or the vault cannot be read). Never refreshes.</summary>
    public Task<TokenSet?> ReadStoredAsync(CancellationToken ct) => TryReadAsync(ct);

    /// <summary>
    /// Refreshes an imported pair whose access token hh.ru says has expired, and saves the new pair before it is
    /// returned. The caller holds the lock from <see cref="TryLockForImportAsync"/>.
    /// </summary>
    public async Task<HhTokenResult> RefreshImportedAsync(TokenSet imported, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(imported);
        Log.Refreshing(logger, imported.Fingerprint, imported.ExpiresAt);
        var result = await tokenClient.RefreshAsync(imported.RefreshToken, CancellationToken.None);
        if (result.Tokens is { } fresh)
        {
            await PersistAsync(fresh, CancellationToken.None);
            Log.Refreshed(logger, fresh.Fingerprint, fresh.ExpiresAt);
        }
        else
        {
            Log.RefreshRejected(logger, result.Error!.Kind, result.Error.StatusCode);
        }

        return result;
    }

    /// <summary>Saves an imported pair hh.ru accepted. The caller holds the lock from <see cref="TryLockForImportAsync"/>.</summary>
    public Task StoreImportedAsync(TokenSet tokens, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return PersistAsync(tokens, ct);
    }

    private async Task<TokenSet> PostponeExpiryAsync(TokenSet current, CancellationToken ct)
    {
        var postponed = current with { ExpiresAt = time.GetUtcNow() + TimeSpan.FromHours(1) };
        try
        {
            await vault.WriteAsync(postponed, ct);
            return postponed;
        }
        catch (TokenVaultException ex)
        {
            Log.VaultUnreadable(logger, ex.Message);
            return current;
        }
    }

    /// <summary>Stores a pair just issued by hh.ru (code exchange), under the same lock as refreshes.</summary>
    public async Task StoreNewPairAsync(TokenSet tokens, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ILease? lease = null;
        try
        {
            lease = await locks.TryAcquireAsync(RefreshLockName, LeaseTime, LockWait, ct);
        }
        catch (StateStoreException ex)
        {
            Log.LockUnavailable(logger, ex.Message);
        }

        try
        {
            // A pair from a fresh authorization replaces whatever is stored, lock or not: the old one is dead anyway.
            await PersistAsync(tokens, CancellationToken.None);
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }
        }
    }

    /// <summary>Marks the account as needing a reconnect, tells the owner once, and returns the exception to throw.</summary>
    public async Task<TokenUnavailableException> MarkReconnectAsync(string reason, CancellationToken ct)
    {
        var tokens = await TryReadAsync(ct);
        var before = await TryGetAccountAsync(ct);
        await TryUpdateAccountAsync(a => a with
        {
            Status = AccountStatus.NeedsReconnect,
            Problem = reason,
            TokenFingerprint = tokens?.Fingerprint ?? a.TokenFingerprint,
            UpdatedAt = time.GetUtcNow(),
        }, ct);
        if (before?.Status != AccountStatus.NeedsReconnect)
        {
            await alerts.ReconnectNeededAsync(reason, ct);
        }

        Log.ReconnectNeeded(logger, reason);
        return new TokenUnavailableException(TokenProblem.ReconnectRequired, reason);
    }

    private async Task PersistAsync(TokenSet tokens, CancellationToken ct)
    {
        // Write-ahead: an encrypted local copy first, so a crash between hh.ru's answer and the vault write
        // leaves the pair behind for the next start (ReadAsync picks it up and finishes the job).
        var journaled = await rescue.TryWriteAsync(tokens, CancellationToken.None);
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<TokenVaultException>(),
                MaxRetryAttempts = 4,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
            })
            .Build();
        try
        {
            await pipeline.ExecuteAsync(async c => await vault.WriteAsync(tokens, c), ct);
            unsaved.Clear(tokens);
            await rescue.ClearAsync(ct);
        }
#pragma warning disable CA1031 // Whatever the vault throws (SDK timeouts, credential errors), the pair must not be dropped.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Never drop a pair hh.ru has issued: the old refresh token is already spent.
            var alreadyHeld = unsaved.Current?.Fingerprint == tokens.Fingerprint;
            unsaved.Hold(tokens);
            Log.PersistFailed(logger, vault.Description, ex is TokenVaultException ? ex.Message : ex.GetType().Name, journaled);
            if (!alreadyHeld)
            {
                // The owner hears about a pair once, not on every later read that retries the save.
                await alerts.TokenNotSavedAsync(vault.Description, journaled, ct);
            }
        }
    }

    /// <summary>The newest known pair: one still waiting to be saved, a rescued one, or the vault's.</summary>
    private async Task<TokenSet?> ReadAsync(CancellationToken ct)
    {
        var pending = unsaved.Current ?? await rescue.TryReadAsync(ct);
        TokenSet? stored;
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

        if (pending is null || (stored is not null && stored.ObtainedAt >= pending.ObtainedAt))
        {
            return stored;
        }

        // A newer pair never reached the vault: one quiet attempt now (the owner was told already); use it either way.
        try
        {
            await vault.WriteAsync(pending, ct);
            unsaved.Clear(pending);
            await rescue.ClearAsync(ct);
            Log.PendingSaved(logger, pending.Fingerprint, vault.Description);
        }
        catch (TokenVaultException ex)
        {
            unsaved.Hold(pending);
            Log.VaultUnreadable(logger, ex.Message);
        }

        return pending;
    }

    private async Task<TokenSet?> TryReadAsync(CancellationToken ct)
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

    private async Task<AccountState?> TryGetAccountAsync(CancellationToken ct)
    {
        try
        {
            return await state.GetAccountAsync(ct);
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, ex.Message);
            return null;
        }
    }

    private async Task TryUpdateAccountAsync(Func<AccountState, AccountState> change, CancellationToken ct)
    {
        try
        {
            await state.UpdateAccountAsync(change, ct);
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Information, "hh.ru says the access token (pair {Fingerprint}) has expired; refreshing.")]
        public static partial void ServerSaysExpired(ILogger logger, string fingerprint);

        [LoggerMessage(1002, LogLevel.Information, "Another instance already rotated the pair; using pair {Fingerprint}.")]
        public static partial void RotatedElsewhere(ILogger logger, string fingerprint);

        [LoggerMessage(1003, LogLevel.Information, "Refreshing token pair {Fingerprint} (stored expiry {ExpiresAt:O}).")]
        public static partial void Refreshing(ILogger logger, string fingerprint, DateTimeOffset expiresAt);

        [LoggerMessage(1004, LogLevel.Information, "Token pair rotated and saved as {Fingerprint}, valid until {ExpiresAt:O}.")]
        public static partial void Refreshed(ILogger logger, string fingerprint, DateTimeOffset expiresAt);

        [LoggerMessage(1005, LogLevel.Warning, "hh.ru rejected the refresh: {Kind} (HTTP {Status}).")]
        public static partial void RefreshRejected(ILogger logger, TokenErrorKind kind, int status);

        [LoggerMessage(1006, LogLevel.Error, "The new token pair could not be saved to {Vault}: {Reason}. Kept in memory; rescue file written: {Rescued}.")]
        public static partial void PersistFailed(ILogger logger, string vault, string reason, bool rescued);

        [LoggerMessage(1007, LogLevel.Warning, "The account needs to be reconnected: {Reason}")]
        public static partial void ReconnectNeeded(ILogger logger, string reason);

        [LoggerMessage(1008, LogLevel.Warning, "State storage unavailable: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string reason);

        [LoggerMessage(1009, LogLevel.Warning, "The token vault cannot be used now ({Reason}); using the newer pair held locally.")]
        public static partial void VaultUnreadable(ILogger logger, string reason);

        [LoggerMessage(1011, LogLevel.Information, "Token pair {Fingerprint}, held locally, is now saved to {Vault}.")]
        public static partial void PendingSaved(ILogger logger, string fingerprint, string vault);

        [LoggerMessage(1010, LogLevel.Warning, "The refresh lock is unavailable ({Reason}); storing the new pair anyway.")]
        public static partial void LockUnavailable(ILogger logger, string reason);
    }
}
