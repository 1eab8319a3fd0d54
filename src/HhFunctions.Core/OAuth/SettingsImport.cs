using System.Net;
using HhFunctions.Composition;
using HhFunctions.HeadHunter;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Tokens;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.OAuth;

/// <summary>
/// At start, imports the pair in HeadHunter__AccessToken / HeadHunter__RefreshToken (optional
/// HeadHunter__AccessTokenExpiresAt) when no pair is stored, through the same path as the status page and /tokens.
/// A pair from settings never overwrites a stored pair. What became of it is kept (by fingerprint, never the
/// tokens) so the status page can say the settings may be removed, or why they were refused.
/// </summary>
public sealed partial class SettingsImport(
    Deferred<IStateStore> stateStore,
    Scoped<AccountConnector> connector,
    Scoped<OwnerNotices> notices,
    IOptions<HhOptions> options,
    ILogger<SettingsImport> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.HasImportSettings)
        {
            return;
        }

        var state = stateStore.Value;
        var fingerprint = Fingerprint(o);
        try
        {
            var account = await state.GetAccountAsync(stoppingToken);
            if (account.SettingsImportFingerprint == fingerprint && (account.SettingsImportProblem is null || account.SettingsImportProblem.StartsWith(RefusedPrefix, StringComparison.Ordinal)))
            {
                // Imported before (the stored pair may have rotated since), or refused for good: not tried again.
                Log.AlreadyHandled(logger);
                return;
            }

            var result = await connector.RunAsync(c => c.ImportAsync(o.AccessToken, o.RefreshToken, o.AccessTokenExpiresAt, ImportSource.Settings, stoppingToken));
            if (result.Succeeded)
            {
                await state.UpdateAccountAsync(a => a with { SettingsImportFingerprint = fingerprint, SettingsImportProblem = null }, stoppingToken);
                Log.Imported(logger);
                return;
            }

            if (result.Error is CallbackError.HhUnavailable or CallbackError.Busy)
            {
                // Not decided: tried again at the next start.
                Log.NotNow(logger, result.Error);
                return;
            }

            var problem = result.Error == CallbackError.AlreadyStored ? StoredPrefix + result.Message : RefusedPrefix + result.Message;
            await state.UpdateAccountAsync(a => a with { SettingsImportFingerprint = fingerprint, SettingsImportProblem = problem }, stoppingToken);
            Log.Refused(logger, result.Error);
            if (result.Error != CallbackError.AlreadyStored)
            {
                await notices.RunAsync(n => n.TellOnceAsync(
                    "settings-import-refused:" + fingerprint,
                    $"⚙️ <b>Token pair in settings not imported</b>\n{WebUtility.HtmlEncode(result.Message)}",
                    stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, ex.Message);
        }
    }

    private const string RefusedPrefix = "Refused: ";
    private const string StoredPrefix = "Not imported: ";

    /// <summary>The status page's line about the import settings while they are set; null when they are not.</summary>
    public static string? Notice(HhOptions options, AccountState account)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(account);
        if (!options.HasImportSettings)
        {
            return null;
        }

        const string names = "HeadHunter__AccessToken / HeadHunter__RefreshToken";
        if (string.IsNullOrWhiteSpace(options.AccessToken) || string.IsNullOrWhiteSpace(options.RefreshToken))
        {
            return $"Only one of {names} is set: an import needs both.";
        }

        if (account.SettingsImportFingerprint != Fingerprint(options))
        {
            return $"{names} are set; they are imported at start when no pair is stored.";
        }

        return account.SettingsImportProblem switch
        {
            null => $"The pair in {names} was imported; the settings are no longer read and can be removed.",
            var p when p.StartsWith(StoredPrefix, StringComparison.Ordinal) => $"{names} were not imported: a pair is already stored, and a pair from settings never overwrites it. Remove the settings, or use the import form below to replace the stored pair.",
            var p => $"The pair in {names} was refused: {p[RefusedPrefix.Length..]} Remove or correct the settings.",
        };
    }

    private static string? Fingerprint(HhOptions o) =>
        string.IsNullOrWhiteSpace(o.RefreshToken) ? null : new TokenSet(string.Empty, o.RefreshToken.Trim(), default, default).Fingerprint;

    private static partial class Log
    {
        [LoggerMessage(3201, LogLevel.Information, "The token pair in HeadHunter__AccessToken / HeadHunter__RefreshToken was imported at start; the settings can be removed.")]
        public static partial void Imported(ILogger logger);

        [LoggerMessage(3202, LogLevel.Warning, "The token pair in HeadHunter__AccessToken / HeadHunter__RefreshToken was not imported: {Error}. The status page says why.")]
        public static partial void Refused(ILogger logger, CallbackError error);

        [LoggerMessage(3203, LogLevel.Information, "The token pair in settings was handled at an earlier start; not imported again.")]
        public static partial void AlreadyHandled(ILogger logger);

        [LoggerMessage(3204, LogLevel.Warning, "The token pair in settings could not be imported now ({Error}); it is tried again at the next start.")]
        public static partial void NotNow(ILogger logger, CallbackError error);

        [LoggerMessage(3205, LogLevel.Warning, "State storage unavailable while importing the pair from settings: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string reason);
    }
}
