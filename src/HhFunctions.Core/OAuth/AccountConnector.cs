using System.Net;
using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.OAuth;

/// <summary>
/// Every way in ends here: an authorization code (the callback, or pasted by hand when the registered redirect URI
/// is not this app's callback) or an imported pair. Each stores the pair the same way, then probes GET /me and
/// GET /resumes/mine, records the account and the resumes it saw, and tells the owner what hh.ru allows.
/// </summary>
public sealed partial class AccountConnector(
    IOptions<HhOptions> hhOptions,
    PublicUrls urls,
    IStateStore state,
    HhTokenClient tokenClient,
    HhClient hh,
    TokenManager tokens,
    TokenImport import,
    ITelegramNotifier telegram,
    IEnumerable<IAccountConnectedListener> listeners,
    TimeProvider time,
    ILogger<AccountConnector> logger)
{
    /// <summary>Exchanges a code for a pair with HeadHunter__RedirectUri, stores it as the callback does, and probes access.</summary>
    public async Task<CallbackResult> ConnectWithCodeAsync(string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (!hhOptions.Value.HasCredentials)
        {
            return Fail(CallbackError.Configuration, "HeadHunter__ClientId and HeadHunter__ClientSecret are not set: a code can only be exchanged by the application it was issued to.");
        }

        var exchanged = await tokenClient.ExchangeCodeAsync(code, urls.RedirectUri, ct);
        if (exchanged.Tokens is not { } pair)
        {
            var e = exchanged.Error!;
            Log.ExchangeFailed(logger, e.Kind, e.StatusCode);
            return e.Kind switch
            {
                TokenErrorKind.Transient => Fail(CallbackError.HhUnavailable, e.Message + " Nothing was changed; try again with a new code."),
                TokenErrorKind.InvalidClient => Fail(CallbackError.Configuration, "hh.ru does not know this application (invalid_client): HeadHunter__ClientId or HeadHunter__ClientSecret is wrong. Copy both from the application's page at dev.hh.ru. Reconnecting will not help until they are fixed."),
                TokenErrorKind.BadRedirect => Fail(CallbackError.Configuration, $"hh.ru rejected the redirect URI (bad redirect url): HeadHunter__RedirectUri ({urls.RedirectUri.AbsoluteUri}) must equal the redirect URI registered for this application at dev.hh.ru, the one hh.ru sent the code to."),
                TokenErrorKind.CodeRejected or TokenErrorKind.ReconnectRequired => Fail(CallbackError.CodeRejected, $"hh.ru rejected the authorization code ({e.Error}: {e.Description}). A code works once, for a few minutes, and only for the application it was issued to (HeadHunter__ClientId). Start the authorization again and use the new code at once."),
                _ => Fail(CallbackError.CodeRejected, e.Message),
            };
        }

        await tokens.StoreNewPairAsync(pair, ct);
        return await FinishAsync(pair, "Connected to hh.ru", ct);
    }

    /// <summary>A pasted code or redirected address: the code is extracted, its state (if any) checked, then exchanged.</summary>
    public async Task<CallbackResult> ConnectWithPastedAsync(string? pasted, CancellationToken ct)
    {
        var parsed = PastedCode.Parse(pasted);
        if (!parsed.IsValid)
        {
            return Fail(CallbackError.InvalidInput, parsed.Problem!);
        }

        if (parsed.State is { } stateValue)
        {
            var consumed = stateValue.Length > OAuthFlow.MaxParameterLength
                ? ConsumeResult.Unknown
                : await state.ConsumeOneTimeTokenAsync(OneTimePurpose.OAuthState, stateValue, time.GetUtcNow(), ct);
            switch (consumed)
            {
                case ConsumeResult.Unknown:
                    return Fail(CallbackError.UnknownState, "The 'state' in that address does not match any authorization this app started. Start again from this app (Connect hh.ru) and paste the address hh.ru sends you to, or paste the code alone.");
                case ConsumeResult.Expired:
                    return Fail(CallbackError.ExpiredState, $"That authorization attempt expired (it is valid for {OAuthFlow.StateLifetime.TotalMinutes:0} minutes). Start again and paste the new address.");
                case ConsumeResult.AlreadyUsed:
                    return Fail(CallbackError.ReplayedState, "That address was already used. Start the authorization again if the account is not connected.");
            }
        }

        return await ConnectWithCodeAsync(parsed.Code!, ct);
    }

    /// <summary>Imports an existing pair (status page, bot, settings): checked with GET /me, stored under the lock, then probed.</summary>
    public async Task<CallbackResult> ImportAsync(string? access, string? refresh, DateTimeOffset? expiresAt, ImportSource source, CancellationToken ct)
    {
        var outcome = await import.ImportAsync(access, refresh, expiresAt, source, ct);
        if (outcome.Pair is not { } pair)
        {
            var error = outcome.Error switch
            {
                ImportError.InvalidInput => CallbackError.InvalidInput,
                ImportError.Busy => CallbackError.Busy,
                ImportError.AlreadyStored => CallbackError.AlreadyStored,
                ImportError.Unavailable => CallbackError.HhUnavailable,
                _ => CallbackError.PairRejected,
            };
            return Fail(error, outcome.Message);
        }

        var result = await FinishAsync(pair, "Token pair imported", ct);
        return pair.ExpiryKnown || !result.Succeeded
            ? result
            : result with { Message = result.Message + " Its expiry is unknown: it is used until hh.ru says it has expired, then refreshed." };
    }

    /// <summary>After a pair is stored: probe what hh.ru allows, record the account and resumes, tell the owner.</summary>
    private async Task<CallbackResult> FinishAsync(TokenSet pair, string headline, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        HhMe? me = null;
        IReadOnlyList<HhResume> resumes = [];
        string? readProblem = null;
        HhError? refusal = null;
        try
        {
            me = await hh.GetMeAsync(pair.AccessToken, ct);
        }
        catch (HhApiException ex) when (ex.Error.RefusesApplicantAccess)
        {
            refusal = ex.Error;
        }
        catch (HhApiException ex)
        {
            readProblem = ex.Error.Message;
        }

        var call = "GET /resumes/mine";
        var employer = me?.IsEmployer == true;
        if (readProblem is null && !employer)
        {
            try
            {
                resumes = await hh.GetMyResumesAsync(pair.AccessToken, ct);
            }
            catch (HhApiException ex) when (ex.Error.RefusesApplicantAccess)
            {
                refusal = ex.Error;
            }
            catch (HhApiException ex)
            {
                readProblem = ex.Error.Message;
            }
        }
        else if (readProblem is not null)
        {
            call = "GET /me";
        }

        if (refusal is not null && me is null)
        {
            call = "GET /me";
        }

        var refused = refusal is null ? null : ApplicantAccess.Explain(refusal, call, now);
        try
        {
            await state.UpdateAccountAsync(a => a with
            {
                Status = refusal is null ? AccountStatus.Connected : AccountStatus.NoApplicantAccess,
                HhUserId = me?.Id ?? a.HhUserId,
                DisplayName = me?.DisplayName ?? a.DisplayName,
                ConnectedAt = now,
                TokenExpiresAt = pair.KnownExpiry,
                TokenFingerprint = pair.Fingerprint,
                Problem = refused ?? readProblem,
                AccessRefusedSince = refusal is null ? null : now,
                Kind = me is null ? a.Kind : employer ? AccountKind.Employer : AccountKind.Applicant,
                EmployerId = employer ? me!.Employer?.Id : null,
                EmployerName = employer ? me!.Employer?.Name : null,
                ManagerId = employer ? me!.Manager?.Id : null,
                // The owner hears about the refusal now; the bump job does not repeat it.
                LastNotice = refusal is null ? null : ApplicantAccess.NoticeKey(refusal),
                UpdatedAt = now,
            }, ct);
            await RecordResumesAsync(resumes, now, ct);
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, ex.Message);
        }

        Log.Connected(logger, pair.Fingerprint, resumes.Count, refusal is not null);
        var who = me?.DisplayName ?? "your hh.ru account";
        if (employer && refusal is null)
        {
            var company = me!.Employer?.Name is { Length: > 0 } name ? $" ({name})" : string.Empty;
            await telegram.SendAsync($"✅ <b>{headline}</b> as {WebUtility.HtmlEncode(who)}, an employer's account{WebUtility.HtmlEncode(company)}.\nResponses to the company's vacancies go into Bitrix24; raising resumes and applying need a job seeker's account.", ct);
            await TellListenersAsync(ct);
            return new CallbackResult(CallbackError.None, $"{headline} as {who}, an employer's account{company}: recruiting runs.", me, resumes);
        }

        await TellListenersAsync(ct);
        var list = resumes.Count == 0 ? "no resumes found yet" : string.Join("\n", resumes.Select(r => "• " + WebUtility.HtmlEncode(r.DisplayTitle)));
        await telegram.SendAsync(refused is null
            ? $"✅ <b>{headline}</b> as {WebUtility.HtmlEncode(who)}.\n{list}\n\nResumes will be raised as soon as hh.ru allows."
            : $"🚫 <b>{headline}</b> as {WebUtility.HtmlEncode(who)}, but hh.ru refuses applicant access.\n{WebUtility.HtmlEncode(refused)}",
            ct);

        var message = refused is not null
            ? $"{headline} as {who}, but hh.ru refuses applicant access."
            : readProblem is null ? $"{headline} as {who}." : $"{headline}, but reading the account failed: {readProblem}";
        return new CallbackResult(CallbackError.None, message, me, resumes) { AccessRefused = refused };
    }

    /// <summary>Features that act on a new connection (recruiting's subscription); each reports its own trouble.</summary>
    private async Task TellListenersAsync(CancellationToken ct)
    {
        AccountState account;
        try
        {
            account = await state.GetAccountAsync(ct);
        }
        catch (StateStoreException)
        {
            return;
        }

        foreach (var listener in listeners)
        {
            try
            {
                await listener.OnConnectedAsync(account, ct);
            }
#pragma warning disable CA1031 // A listener's failure must not undo a connection that worked; it is logged and the next run retries.
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                Log.ListenerFailed(logger, listener.GetType().Name, ex.GetType().Name);
            }
        }
    }

    /// <summary>The resumes seen while connecting, so /status and the status page list them before the first run.</summary>
    private async Task RecordResumesAsync(IReadOnlyList<HhResume> resumes, DateTimeOffset now, CancellationToken ct)
    {
        if (resumes.Count == 0)
        {
            return;
        }

        var known = await state.GetResumesAsync(ct);
        foreach (var r in resumes)
        {
            var before = known.FirstOrDefault(k => k.ResumeId == r.Id);
            await state.SaveResumeAsync(new ResumeState(
                r.Id,
                r.DisplayTitle,
                before?.LastRaisedAt,
                r.NextPublishAt ?? before?.NextAllowedAt,
                before?.LastOutcome ?? ResumeOutcome.None,
                before?.LastMessage,
                now), ct);
        }
    }

    private static CallbackResult Fail(CallbackError error, string message) => new(error, message, null, []);

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Warning, "Authorization code exchange failed: {Kind} (HTTP {Status}).")]
        public static partial void ExchangeFailed(ILogger logger, TokenErrorKind kind, int status);

        [LoggerMessage(3002, LogLevel.Information, "hh.ru account connected: pair {Fingerprint}, {Resumes} resume(s), applicant access refused: {Refused}.")]
        public static partial void Connected(ILogger logger, string fingerprint, int resumes, bool refused);

        [LoggerMessage(3003, LogLevel.Warning, "State storage unavailable while connecting: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string reason);

        [LoggerMessage(3004, LogLevel.Warning, "After connecting, {Listener} failed ({Error}); the next scheduled run tries again.")]
        public static partial void ListenerFailed(ILogger logger, string listener, string error);
    }
}
