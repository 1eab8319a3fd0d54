using System.Text.RegularExpressions;
using HhFunctions.HeadHunter;
using HhFunctions.State;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Tokens;

/// <summary>Where an imported pair came from.</summary>
public enum ImportSource
{
    /// <summary>HeadHunter__AccessToken / HeadHunter__RefreshToken, read at start when no pair is stored.</summary>
    Settings,

    /// <summary>The status page's import form.</summary>
    StatusPage,

    /// <summary>The bot command /tokens.</summary>
    Telegram,
}

public enum ImportError
{
    None,

    /// <summary>The values are not a pair of hh.ru tokens (empty, spaces, swapped, far too long...).</summary>
    InvalidInput,

    /// <summary>hh.ru does not accept the pair (revoked, unknown, already rotated...).</summary>
    Rejected,

    /// <summary>Another import or a refresh holds the token lock.</summary>
    Busy,

    /// <summary>A pair is already stored and this import (from settings) never overwrites one.</summary>
    AlreadyStored,

    /// <summary>hh.ru or the state storage could not answer now.</summary>
    Unavailable,
}

/// <summary>The imported (possibly just refreshed) pair, or why nothing was stored. Messages never hold a token.</summary>
public sealed record ImportOutcome(TokenSet? Pair, ImportError Error, string Message)
{
    public bool Succeeded => Pair is not null;
}

/// <summary>
/// Imports an existing token pair (from settings, the status page or the bot): one code path. The pair is checked
/// with GET /me before it is stored; an expired access token is refreshed at once (a refresh needs only the refresh
/// token); everything happens under the same lock as rotations (<see cref="TokenManager.RefreshLockName"/>).
/// </summary>
public sealed partial class TokenImport(TokenManager tokens, HhClient hh, TimeProvider time, ILogger<TokenImport> logger)
{
    /// <summary>Far above hh.ru's token length; longer values are refused as a wrong paste.</summary>
    public const int MaxTokenLength = 512;

    public async Task<ImportOutcome> ImportAsync(string? access, string? refresh, DateTimeOffset? expiresAt, ImportSource source, CancellationToken ct)
    {
        var problem = Check(access, "access token") ?? Check(refresh, "refresh token");
        access = access?.Trim();
        refresh = refresh?.Trim();
        if (problem is null && string.Equals(access, refresh, StringComparison.Ordinal))
        {
            problem = "The access token and the refresh token are the same value; paste the two different tokens of the pair.";
        }

        if (problem is not null)
        {
            return Fail(ImportError.InvalidInput, problem, source);
        }

        ILease? lease;
        try
        {
            lease = await tokens.TryLockForImportAsync(ct);
        }
        catch (TokenUnavailableException ex)
        {
            return Fail(ImportError.Unavailable, ex.Message, source);
        }

        if (lease is null)
        {
            return Fail(ImportError.Busy, "Another import or a token refresh is in progress right now, so nothing was changed. Try again in a minute.", source);
        }

        await using (lease)
        {
            if (source == ImportSource.Settings && await tokens.ReadStoredAsync(ct) is not null)
            {
                return Fail(ImportError.AlreadyStored, "A token pair is already stored, so the pair in HeadHunter__AccessToken / HeadHunter__RefreshToken was not imported (a pair from settings never overwrites a stored one).", source);
            }

            var now = time.GetUtcNow();
            var candidate = new TokenSet(access!, refresh!, expiresAt is { } e && e > now ? e : TokenSet.UnknownExpiry, now);
            return await VerifyAndStoreAsync(candidate, source, ct);
        }
    }

    private async Task<ImportOutcome> VerifyAndStoreAsync(TokenSet candidate, ImportSource source, CancellationToken ct)
    {
        try
        {
            await hh.GetMeAsync(candidate.AccessToken, ct);
        }
        catch (HhApiException ex) when (ex.Error.Kind == HhErrorKind.TokenExpired)
        {
            // Expired access token: refresh at once (hh.ru's own answer decides, not a guessed expiry).
            return await RefreshAsync(candidate, source, ct);
        }
        catch (HhApiException ex) when (ex.Error.Kind is HhErrorKind.BadAuthorization or HhErrorKind.TokenRevoked or HhErrorKind.ApplicationNotFound)
        {
            if (ex.Error.Kind == HhErrorKind.BadAuthorization && await WorksAsAccessTokenAsync(candidate.RefreshToken, ct))
            {
                return Fail(ImportError.InvalidInput, "The two tokens are swapped: hh.ru accepts the second one as an access token. Give the access token first and the refresh token second. Nothing was stored.", source);
            }

            var why = ex.Error.Kind switch
            {
                HhErrorKind.BadAuthorization => "hh.ru does not recognise this access token (oauth/bad_authorization): it is mistyped, was revoked, or was replaced by a newer pair.",
                HhErrorKind.TokenRevoked => "hh.ru says access was revoked for this token (oauth/token_revoked).",
                _ => ex.Error.Message,
            };
            return Fail(ImportError.Rejected, why + " Nothing was stored.", source);
        }
        catch (HhApiException ex) when (ex.Error.RefusesApplicantAccess)
        {
            // The pair is not dead: hh.ru refuses what this application may do. Keep it; the probe explains the refusal.
            Log.MeRefused(logger, ex.Error.StatusCode);
        }
        catch (HhApiException ex)
        {
            return Fail(ex.Error.IsTransient || ex.Error.Kind == HhErrorKind.CaptchaRequired ? ImportError.Unavailable : ImportError.Rejected, $"The pair could not be checked: {ex.Error.Message} Nothing was stored.", source);
        }

        await tokens.StoreImportedAsync(candidate, ct);
        Log.Imported(logger, source, candidate.Fingerprint, candidate.ExpiryKnown);
        return new ImportOutcome(candidate, ImportError.None, "Token pair imported.");
    }

    private async Task<ImportOutcome> RefreshAsync(TokenSet candidate, ImportSource source, CancellationToken ct)
    {
        var result = await tokens.RefreshImportedAsync(candidate, ct);
        if (result.Tokens is { } fresh)
        {
            Log.Imported(logger, source, fresh.Fingerprint, fresh.ExpiryKnown);
            return new ImportOutcome(fresh, ImportError.None, "Token pair imported; its access token had expired, so it was refreshed at once.");
        }

        var error = result.Error!;
        return error.Kind switch
        {
            TokenErrorKind.AlreadyRefreshed => Fail(ImportError.Rejected, "hh.ru says this refresh token was already used: the pair was rotated after it was copied (by the app or script it came from). Copy the current pair from there and import that. Nothing was stored.", source),
            TokenErrorKind.ReconnectRequired or TokenErrorKind.Unknown => Fail(ImportError.Rejected, $"The access token has expired and hh.ru refuses to refresh the pair ({error.Error}: {error.Description}). Nothing was stored.", source),
            TokenErrorKind.NotExpired => Fail(ImportError.Unavailable, "hh.ru says the access token has expired but refuses to refresh it as not expired yet. Nothing was stored; try again in a few minutes.", source),
            _ => Fail(ImportError.Unavailable, error.Message + " Nothing was stored; try again later.", source),
        };
    }

    /// <summary>Whether hh.ru accepts <paramref name="value"/> as an access token (to spot a swapped pair).</summary>
    private async Task<bool> WorksAsAccessTokenAsync(string value, CancellationToken ct)
    {
        try
        {
            await hh.GetMeAsync(value, ct);
            return true;
        }
        catch (HhApiException ex)
        {
            return ex.Error.Kind == HhErrorKind.TokenExpired;
        }
    }

    private static string? Check(string? value, string name)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v))
        {
            return $"The {name} is missing: both the access token and the refresh token are needed.";
        }

        if (v.Length > MaxTokenLength)
        {
            return $"The {name} is {v.Length} characters long; hh.ru tokens are far shorter. Paste only the token.";
        }

        if (v.Any(char.IsWhiteSpace))
        {
            return $"The {name} contains a space or a line break. Paste each token as one piece.";
        }

        return TokenShape().IsMatch(v)
            ? null
            : $"The {name} does not look like an hh.ru token (letters, digits and - _ . ~ + / = only, at least 16 characters).";
    }

    private ImportOutcome Fail(ImportError error, string message, ImportSource source)
    {
        Log.Refused(logger, source, error);
        return new ImportOutcome(null, error, message);
    }

    [GeneratedRegex("^[A-Za-z0-9._~+/=-]{16,}$")]
    private static partial Regex TokenShape();

    private static partial class Log
    {
        [LoggerMessage(1151, LogLevel.Information, "Token pair imported from {Source} as {Fingerprint} (expiry known: {ExpiryKnown}).")]
        public static partial void Imported(ILogger logger, ImportSource source, string fingerprint, bool expiryKnown);

        [LoggerMessage(1152, LogLevel.Warning, "Token import from {Source} refused: {Error}.")]
        public static partial void Refused(ILogger logger, ImportSource source, ImportError error);

        [LoggerMessage(1153, LogLevel.Information, "GET /me refused the imported token with HTTP {Status}; the pair is kept and the access probe explains it.")]
        public static partial void MeRefused(ILogger logger, int status);
    }
}
