using System.Globalization;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.Tokens;
using Microsoft.Extensions.Options;

namespace HhFunctions.Applying;

public enum ApplyOutcome
{
    /// <summary>hh.ru has the application.</summary>
    Sent,

    /// <summary>Confirm mode: the letter is waiting for Send / Edit / Skip.</summary>
    AwaitingConfirmation,

    /// <summary>Not sent on purpose (archived, already applied, test, no letter, limit...): the reason is recorded.</summary>
    Skipped,

    /// <summary>hh.ru refused it: the reason is recorded, in hh.ru's words when unknown.</summary>
    Refused,

    /// <summary>The answer was lost and hh.ru could not be asked: not resent; TrackApplications settles it.</summary>
    Unconfirmed,

    /// <summary>The app could not try (not connected, token trouble, hh.ru unreachable before sending).</summary>
    Failed,
}

public sealed record ApplyResult(ApplyOutcome Outcome, string VacancyId, string Reason, string Message, ApplicationRecord? Record = null, string? LetterProblem = null);

/// <summary>
/// Applies to hh.ru vacancies (contract §B): checks before sending, the letter, POST /negotiations exactly once
/// unless a lookup proves hh.ru has nothing, and every documented refusal mapped to a recorded outcome.
/// Host-independent: the bot (/apply and "Apply" through <see cref="ApplyOrAskAsync"/>, "Send") and the vacancy watch (<see cref="ApplyToNewMatchesAsync"/>) call it.
/// </summary>
public sealed partial class ApplyService(
    TokenManager tokens,
    HhClient hh,
    HhCallPacer pacer,
    HhApplyClient poster,
    IApplicationStore store,
    CoverLetters letters,
    IApplyPrompts prompts,
    IOptions<ApplyOptions> options,
    TimeProvider time,
    ILogger<ApplyService> logger)
{
    /// <summary>Source name of applications asked for from Telegram (/apply, an "Apply" button).</summary>
    public const string TelegramSource = "telegram";

    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>
    /// The vacancy watch's entry point: new matches, each with the watch source that found it. Off: nothing.
    /// Confirm: each match from Apply__AutoSources gets its letter shown with Send / Edit / Skip. Auto: applied
    /// to without asking. Stops early when hh.ru's limit, a captcha or the daily limit says so.
    /// </summary>
    public async Task<IReadOnlyList<ApplyResult>> ApplyToNewMatchesAsync(IReadOnlyList<(string VacancyId, string Source)> matches, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(matches);
        var o = options.Value;
        var results = new List<ApplyResult>();
        if (o.Mode == ApplyMode.Off)
        {
            return results;
        }

        foreach (var (vacancyId, source) in matches.Where(m => o.IsAutoSource(m.Source)).DistinctBy(m => m.VacancyId))
        {
            var result = o.Mode == ApplyMode.Auto
                ? await ApplyAsync(vacancyId, source, letterOverride: null, ct)
                : await PrepareAsync(vacancyId, source, ct);
            results.Add(result);
            if (result.Reason is "limit_exceeded" or "captcha_required" or "daily_limit" or "not_connected")
            {
                break;
            }
        }

        if (o.Mode == ApplyMode.Auto && results.Count > 0)
        {
            await prompts.ReportAsync(results, ct);
        }

        return results;
    }

    /// <summary>Confirm mode: checks and letter, then the letter shown in Telegram with Send / Edit / Skip.</summary>
    public async Task<ApplyResult> PrepareAsync(string vacancyId, string source, CancellationToken ct)
    {
        var checkedVacancy = await CheckAsync(vacancyId, source, needLetter: true, ct);
        if (checkedVacancy.Result is { } stop)
        {
            return stop;
        }

        var (vacancy, _, letter) = checkedVacancy.Ready!.Value;
        var now = time.GetUtcNow();
        var (record, _) = await store.UpdateAsync(vacancyId, current => current is { CountsAsSent: true } ? current : Describe(current, vacancy, source, now) with
        {
            Status = ApplicationStatus.AwaitingConfirmation,
            PendingLetter = letter.Text,
            Letter = letter.Kind,
            Reason = null,
            Detail = null,
        }, ct);
        if (record is { CountsAsSent: true })
        {
            return new ApplyResult(ApplyOutcome.Skipped, vacancyId, "already_applied", "already applied from this app", record);
        }

        await prompts.AskAsync(record!, letter.Problem, ct);
        return new ApplyResult(ApplyOutcome.AwaitingConfirmation, vacancyId, "awaiting_confirmation", "the letter is waiting for Send / Edit / Skip", record, letter.Problem);
    }

    /// <summary>
    /// The owner's own way in (/apply, the digest's "Apply" button): auto mode applies at once; confirm and off modes
    /// show the letter with Send / Edit / Skip, as confirm mode does for new matches, and nothing is sent before Send.
    /// A vacancy already waiting for Send is shown again as it stands (an edited letter is kept).
    /// </summary>
    public async Task<ApplyResult> ApplyOrAskAsync(string vacancyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vacancyId);
        if (options.Value.Mode == ApplyMode.Auto)
        {
            return await ApplyAsync(vacancyId, TelegramSource, letterOverride: null, ct);
        }

        if (await store.GetAsync(vacancyId, ct) is { Status: ApplicationStatus.AwaitingConfirmation } waiting)
        {
            await prompts.AskAsync(waiting, null, ct);
            return new ApplyResult(ApplyOutcome.AwaitingConfirmation, vacancyId, "awaiting_confirmation", "the letter is waiting for Send / Edit / Skip", waiting);
        }

        return await PrepareAsync(vacancyId, TelegramSource, ct);
    }

    /// <summary>"Edit": the owner's text replaces the waiting letter (within hh.ru's 10,000 characters).</summary>
    public async Task<ApplicationRecord?> ReplaceLetterAsync(string vacancyId, string text, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (record, changed) = await store.UpdateAsync(vacancyId, current => current is { Status: ApplicationStatus.AwaitingConfirmation }
            ? current with { PendingLetter = CoverLetters.Fit(text), Letter = LetterKind.Edited, UpdatedAt = now }
            : null, ct);
        return changed ? record : null;
    }

    /// <summary>"Skip": the waiting application is dropped, recorded as skipped by the owner.</summary>
    public async Task<ApplicationRecord?> SkipAsync(string vacancyId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (record, changed) = await store.UpdateAsync(vacancyId, current => current is { Status: ApplicationStatus.AwaitingConfirmation }
            ? current with { Status = ApplicationStatus.Skipped, Reason = "skipped_by_owner", Detail = "skipped in Telegram", PendingLetter = null, UpdatedAt = now }
            : null, ct);
        return changed ? record : null;
    }

    /// <summary>
    /// Applies now: "Send", auto mode (its matches, /apply and "Apply"). A waiting letter (confirm mode) is sent as it stands
    /// unless <paramref name="letterOverride"/> is given.
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(string vacancyId, string source, string? letterOverride, CancellationToken ct)
    {
        var result = await ApplyNowAsync(vacancyId, source, letterOverride, ct);
        Observability.AppTelemetry.Application(result.Outcome.ToString());
        return result;
    }

    private async Task<ApplyResult> ApplyNowAsync(string vacancyId, string source, string? letterOverride, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vacancyId);
        var waiting = await store.GetAsync(vacancyId, ct);
        var needLetter = letterOverride is null && waiting is not { Status: ApplicationStatus.AwaitingConfirmation, PendingLetter: not null };
        var checkedVacancy = await CheckAsync(vacancyId, source, needLetter, ct);
        if (checkedVacancy.Result is { } stop)
        {
            return stop;
        }

        var (vacancy, resumeId, letter) = checkedVacancy.Ready!.Value;
        var existing = await store.GetAsync(vacancyId, ct);
        var text = letterOverride ?? (existing is { Status: ApplicationStatus.AwaitingConfirmation } ? existing.PendingLetter : letter.Text);
        var kind = letterOverride is not null ? LetterKind.Edited
            : existing is { Status: ApplicationStatus.AwaitingConfirmation } ? (existing.PendingLetter is null ? LetterKind.None : existing.Letter)
            : letter.Kind;
        text = CoverLetters.Fit(text);
        if (vacancy.ResponseLetterRequired == true && text is null)
        {
            return await SkipWithAsync(vacancy, source, "letter_required", "the vacancy requires a cover letter and none is available (set Apply__LetterTemplate)", ct);
        }

        // Claim the vacancy: only one caller (a second tap on "Send", another instance) gets to POST.
        var now = time.GetUtcNow();
        var (claimed, changed) = await store.UpdateAsync(vacancyId, current => current is { CountsAsSent: true } ? current : Describe(current, vacancy, source, now) with
        {
            Status = ApplicationStatus.Sending,
            ResumeId = resumeId,
            Letter = text is null ? LetterKind.None : kind,
            PendingLetter = null,
            Reason = null,
            Detail = null,
            Attempts = (current?.Attempts ?? 0) + 1,
            SentAt = now,
        }, ct);
        if (!changed)
        {
            return new ApplyResult(ApplyOutcome.Skipped, vacancyId, "already_applied", "already applied (or being applied) from this app", claimed);
        }

        Log.Posting(logger, vacancyId, claimed!.Attempts);
        var post = await PostOnceAsync(vacancyId, resumeId, text, ct);
        if (post.Kind == ApplyPostKind.Unknown)
        {
            post = await SettleAsync(vacancyId, resumeId, text, post, ct);
        }

        var recorded = await RecordAsync(vacancy, source, post, ct);
        return letter.Problem is null ? recorded : recorded with { LetterProblem = letter.Problem };
    }

    /// <summary>
    /// A lost answer (timeout, 5xx, connection reset): ask hh.ru whether it has the application (the vacancy's
    /// relations, then GET /negotiations?vacancy_id). Found: sent. Both say no: one more POST (at most two in
    /// all). A lookup that fails: unconfirmed, never resent; TrackApplications settles it later.
    /// </summary>
    private async Task<ApplyPostResult> SettleAsync(string vacancyId, string resumeId, string? text, ApplyPostResult lost, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            Log.AnswerLost(logger, vacancyId, lost.Detail);
            var found = await LookupAsync(vacancyId, ct);
            if (found.Found)
            {
                return new ApplyPostResult(ApplyPostKind.Created, found.NegotiationId, null, null, $"{lost.Detail}; hh.ru's records show the application arrived");
            }

            if (found.Failed || attempt >= 2)
            {
                return new ApplyPostResult(ApplyPostKind.Unknown, null, null, null,
                    found.Failed
                        ? $"{lost.Detail}, and hh.ru could not be asked whether it arrived; it is not sent again, TrackApplications checks it"
                        : $"{lost.Detail} twice, and hh.ru shows no application; it is not sent again (/apply to try later)");
            }

            var (bumped, _) = await store.UpdateAsync(vacancyId, c => c is null ? null : c with { Attempts = c.Attempts + 1, UpdatedAt = time.GetUtcNow() }, ct);
            Log.Posting(logger, vacancyId, bumped?.Attempts ?? 2);
            var again = await PostOnceAsync(vacancyId, resumeId, text, ct);
            if (again.Kind != ApplyPostKind.Unknown)
            {
                return again;
            }

            lost = again;
        }
    }

    /// <summary>Does hh.ru have an application to this vacancy? (relations first, then the negotiations list.)</summary>
    public async Task<(bool Found, bool Failed, string? NegotiationId)> LookupAsync(string vacancyId, CancellationToken ct)
    {
        try
        {
            var vacancy = await PacedAsync((t, c) => hh.GetVacancyAsync(t, vacancyId, c), ct);
            var page = await PacedAsync((t, c) => hh.GetNegotiationsPageAsync(t, 0, vacancyId, c), ct);
            var item = page.Items?.FirstOrDefault(n => n.Vacancy?.Id == vacancyId);
            var applied = vacancy.Relations?.Any(r => r is "got_response" or "got_invitation" or "got_rejection") == true;
            return (item is not null || applied, false, item?.Id);
        }
        catch (Exception ex) when (ex is HhApiException or TokenUnavailableException)
        {
            Log.LookupFailed(logger, vacancyId, ex.Message);
            return (false, true, null);
        }
    }

    private async Task<ApplyPostResult> PostOnceAsync(string vacancyId, string resumeId, string? text, CancellationToken ct)
    {
        try
        {
            return await PacedAsync((t, c) => poster.PostAsync(t, vacancyId, resumeId, text, c), ct);
        }
        catch (HhApiException ex)
        {
            // oauth errors: hh.ru checked the token before anything else and recorded nothing.
            return new ApplyPostResult(ApplyPostKind.Refused, null, null, ex.Error, ex.Error.Message);
        }
        catch (TokenUnavailableException ex)
        {
            return new ApplyPostResult(ApplyPostKind.Refused, null, null, new HhError(0, HhErrorKind.OAuthOther, "token", null, null, ex.Message), ex.Message);
        }
    }

    private async Task<ApplyResult> RecordAsync(HhVacancyDetail vacancy, string source, ApplyPostResult post, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        switch (post.Kind)
        {
            case ApplyPostKind.Created:
                var (sent, _) = await store.UpdateAsync(vacancy.Id, c => Describe(c, vacancy, source, now) with
                {
                    Status = ApplicationStatus.Sent,
                    NegotiationId = post.NegotiationId ?? c?.NegotiationId,
                    SentAt = now,
                    State = c?.State ?? "response",
                    History = c?.History is { Count: > 0 } h ? h : [new StateChange("response", now)],
                    Detail = post.Detail,
                }, ct);
                Log.Sent(logger, vacancy.Id, post.NegotiationId ?? "?");
                if ((await store.GetStateAsync(ct)).CaptchaSince is not null)
                {
                    await store.UpdateStateAsync(s => s with { CaptchaSince = null }, ct); // hh.ru accepts applications again
                }

                return new ApplyResult(ApplyOutcome.Sent, vacancy.Id, "sent", post.Detail, sent);
            case ApplyPostKind.External:
                return await FinishAsync(vacancy, source, ApplicationStatus.Skipped, "direct", $"apply on the employer's site: {post.Location ?? vacancy.ResponseUrl ?? vacancy.PageUrl}", ct);
            case ApplyPostKind.Unknown:
                return await FinishAsync(vacancy, source, ApplicationStatus.Unconfirmed, "unconfirmed", post.Detail, ct);
        }

        var error = post.Error!;
        var value = error.Value;
        if (value == "limit_exceeded" || (error.StatusCode == 429 && value is null))
        {
            var until = await LimitUntilAsync(now, ct);
            var first = (await store.GetStateAsync(ct)).LimitUntil is not { } known || known <= now;
            await store.UpdateStateAsync(s => s with { LimitUntil = until }, ct);
            var result = await FinishAsync(vacancy, source, ApplicationStatus.Refused, "limit_exceeded", $"hh.ru's limit of applications per 24 hours is reached; no more until {Time(until)}", ct);
            if (first)
            {
                await prompts.TellAsync($"⛔ hh.ru says the limit of applications (200 per 24 hours) is reached. The app sends none until {Time(until)}.", ct);
            }

            return result;
        }

        if (error.Kind == HhErrorKind.CaptchaRequired)
        {
            var before = await store.GetStateAsync(ct);
            await store.UpdateStateAsync(s => s with { CaptchaSince = s.CaptchaSince ?? now }, ct);
            var result = await FinishAsync(vacancy, source, ApplicationStatus.Refused, "captcha_required", "hh.ru asks for a captcha: applying stops until you solve one on hh.ru (then /apply again)", ct);
            if (before.CaptchaSince is null)
            {
                await prompts.TellAsync("🧩 hh.ru asks for a captcha before accepting more applications. Applying has stopped: open hh.ru in a browser, apply to any vacancy there to solve it, then send /apply &lt;vacancy&gt; again.", ct);
            }

            return result;
        }

        var (reason, detail) = value switch
        {
            "already_applied" => ("already_applied", "hh.ru says you already applied to this vacancy with this resume"),
            "test_required" => ("has_test", "the vacancy requires a test, which can only be taken on the hh.ru website"),
            "invalid_vacancy" or "archived" => ("invalid_vacancy", "hh.ru says the vacancy is archived or hidden"),
            "vacancy_not_found" => ("vacancy_not_found", "hh.ru says the vacancy does not exist"),
            "resume_not_found" => ("no_resume", "hh.ru says the resume is hidden, deleted or not found"),
            "empty_message" => ("letter_required", "hh.ru wants a cover letter for this vacancy"),
            "too_long_message" => ("letter_too_long", "hh.ru says the cover letter is too long"),
            _ => ("refused", post.Detail),
        };
        return await FinishAsync(vacancy, source, reason == "already_applied" ? ApplicationStatus.Skipped : ApplicationStatus.Refused, reason, detail, ct);
    }

    /// <summary>When hh.ru's rolling window frees a slot: 24 h after the oldest application the app knows of in the last 24 h.</summary>
    private async Task<DateTimeOffset> LimitUntilAsync(DateTimeOffset now, CancellationToken ct)
    {
        var recent = (await store.ListAsync(ct))
            .Select(a => a.HhCreatedAt ?? (a.CountsAsSent ? a.SentAt : null))
            .Where(t => t is { } v && v > now - Window)
            .Select(t => t!.Value)
            .ToList();
        return recent.Count == 0 ? now + Window : recent.Min() + Window;
    }

    private sealed record Checked(ApplyResult? Result, (HhVacancyDetail Vacancy, string ResumeId, ComposedLetter Letter)? Ready);

    /// <summary>Everything before sending (contract §B.2), each skip recorded with its reason.</summary>
    private async Task<Checked> CheckAsync(string vacancyId, string source, bool needLetter, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var existing = await store.GetAsync(vacancyId, ct);
        if (existing is { CountsAsSent: true })
        {
            var what = existing.Status == ApplicationStatus.Sent ? "already applied from this app" : "an earlier try's answer was lost; TrackApplications checks it, it is never sent twice";
            return Stop(new ApplyResult(ApplyOutcome.Skipped, vacancyId, "already_applied", what, existing));
        }

        var state = await store.GetStateAsync(ct);
        if (state.CaptchaSince is { } captcha && now - captcha < Window && source != TelegramSource)
        {
            return Stop(await SkipIdAsync(vacancyId, source, "captcha_required", "hh.ru asked for a captcha; applying waits until you solve one (then /apply again)", ct));
        }

        if (state.LimitUntil is { } until && until > now)
        {
            return Stop(await SkipIdAsync(vacancyId, source, "limit_exceeded", $"hh.ru's limit of applications is reached until {Time(until)}", ct));
        }

        var all = await store.ListAsync(ct);
        var inWindow = all.Where(a => a.CountsAsSent && a.SentAt is { } s && s > now - Window).OrderBy(a => a.SentAt).ToList();
        var limit = options.Value.DailyLimit;
        if (inWindow.Count >= limit)
        {
            var free = inWindow[inWindow.Count - limit].SentAt!.Value + Window;
            return Stop(await SkipIdAsync(vacancyId, source, "daily_limit", $"Apply__DailyLimit ({limit} per 24 hours) is reached; the next slot frees at {Time(free)}", ct));
        }

        try
        {
            var resumeId = await ResumeIdAsync(ct);
            if (resumeId is null)
            {
                return Stop(await SkipIdAsync(vacancyId, source, "no_resume", "the account has no published resume to apply with", ct));
            }

            HhVacancyDetail vacancy;
            try
            {
                vacancy = await PacedAsync((t, c) => hh.GetVacancyAsync(t, vacancyId, c), ct);
            }
            catch (HhApiException ex) when (ex.Error.Kind == HhErrorKind.NotFound)
            {
                return Stop(await SkipIdAsync(vacancyId, source, "vacancy_not_found", "hh.ru has no such vacancy (or it is not visible to you)", ct));
            }

            if (vacancy.Archived == true)
            {
                return Stop(await SkipWithAsync(vacancy, source, "archived", "the vacancy is archived", ct));
            }

            if (vacancy.Relations is { Count: > 0 } relations)
            {
                return Stop(await SkipWithAsync(vacancy, source, "already_applied", $"hh.ru shows a relation to this vacancy ({string.Join(", ", relations)})", ct));
            }

            if (vacancy.IsDirect)
            {
                return Stop(await SkipWithAsync(vacancy, source, "direct", $"apply on the employer's site: {vacancy.ResponseUrl ?? vacancy.PageUrl}", ct));
            }

            if (vacancy.NeedsTest)
            {
                return Stop(await SkipWithAsync(vacancy, source, "has_test", "the vacancy has a test, which can only be taken on the hh.ru website", ct));
            }

            var letter = needLetter ? await ComposeAsync(vacancy, resumeId, ct) : new ComposedLetter(null, LetterKind.None, null);
            if (needLetter && vacancy.ResponseLetterRequired == true && letter.Text is null)
            {
                return Stop(await SkipWithAsync(vacancy, source, "letter_required", "the vacancy requires a cover letter and none is available (set Apply__LetterTemplate)", ct));
            }

            return new Checked(null, (vacancy, resumeId, letter));
        }
        catch (TokenUnavailableException ex)
        {
            return Stop(new ApplyResult(ApplyOutcome.Failed, vacancyId, "not_connected", ex.Message));
        }
        catch (HhApiException ex)
        {
            return Stop(new ApplyResult(ApplyOutcome.Failed, vacancyId, "hh_unavailable", $"{ex.Error.Message} Nothing was sent."));
        }
    }

    private static Checked Stop(ApplyResult result) => new(result, null);

    private async Task<ComposedLetter> ComposeAsync(HhVacancyDetail vacancy, string resumeId, CancellationToken ct)
    {
        var me = await PacedAsync((t, c) => hh.GetMeAsync(t, c), ct);
        IReadOnlyList<string> skills = [];
        if (vacancy.KeySkills is { Count: > 0 })
        {
            var resume = await PacedAsync((t, c) => hh.GetResumeSkillsAsync(t, resumeId, c), ct);
            skills = CoverLetters.SharedSkills(vacancy.KeySkills.Select(k => k.Name), resume.SkillSet, resume.Skills);
        }

        return await letters.ComposeAsync(new LetterFacts(vacancy.DisplayName, vacancy.Employer?.Name ?? "the employer", me.FirstName ?? string.Empty, skills), ct);
    }

    /// <summary>Apply__ResumeId, or the first published resume of the account.</summary>
    private async Task<string?> ResumeIdAsync(CancellationToken ct)
    {
        if (options.Value.ResumeId is { Length: > 0 } configured)
        {
            return configured.Trim();
        }

        var resumes = await PacedAsync((t, c) => hh.GetMyResumesAsync(t, c), ct);
        return resumes.FirstOrDefault(r => r.Status?.Id == "published")?.Id;
    }

    private Task<ApplyResult> SkipWithAsync(HhVacancyDetail vacancy, string source, string reason, string detail, CancellationToken ct) =>
        FinishAsync(vacancy, source, ApplicationStatus.Skipped, reason, detail, ct);

    private async Task<ApplyResult> SkipIdAsync(string vacancyId, string source, string reason, string detail, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (record, _) = await store.UpdateAsync(vacancyId, c => c is { CountsAsSent: true } ? c : (c ?? new ApplicationRecord(vacancyId) { CreatedAt = now, Source = source, VacancyUrl = "https://hh.ru/vacancy/" + vacancyId }) with
        {
            Status = c?.Status == ApplicationStatus.AwaitingConfirmation ? ApplicationStatus.AwaitingConfirmation : ApplicationStatus.Skipped,
            Reason = reason,
            Detail = detail,
            UpdatedAt = now,
        }, ct);
        Log.Skipped(logger, vacancyId, reason);
        return new ApplyResult(ApplyOutcome.Skipped, vacancyId, reason, detail, record);
    }

    private async Task<ApplyResult> FinishAsync(HhVacancyDetail vacancy, string source, ApplicationStatus status, string reason, string detail, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (record, _) = await store.UpdateAsync(vacancy.Id, c => c is { Status: ApplicationStatus.Sent } ? c : Describe(c, vacancy, source, now) with
        {
            Status = status,
            Reason = reason,
            Detail = detail,
            PendingLetter = null,
            SentAt = status == ApplicationStatus.Unconfirmed ? c?.SentAt ?? now : null,
        }, ct);
        if (status == ApplicationStatus.Skipped)
        {
            Log.Skipped(logger, vacancy.Id, reason);
        }
        else
        {
            Log.NotSent(logger, vacancy.Id, status.ToString(), reason);
        }

        var outcome = status switch
        {
            ApplicationStatus.Skipped => ApplyOutcome.Skipped,
            ApplicationStatus.Unconfirmed => ApplyOutcome.Unconfirmed,
            _ => ApplyOutcome.Refused,
        };
        return new ApplyResult(outcome, vacancy.Id, reason, detail, record);
    }

    private static ApplicationRecord Describe(ApplicationRecord? current, HhVacancyDetail vacancy, string source, DateTimeOffset now) =>
        (current ?? new ApplicationRecord(vacancy.Id) { CreatedAt = now }) with
        {
            VacancyName = vacancy.DisplayName,
            Employer = vacancy.Employer?.Name,
            VacancyUrl = vacancy.PageUrl,
            Source = current?.Source ?? source,
            UpdatedAt = now,
        };

    /// <summary>One hh.ru call with the account's token, on the app's one hh.ru pacer (shared with the watch and the tracker), spaced from the previous call's answer.</summary>
    private Task<T> PacedAsync<T>(Func<string, CancellationToken, Task<T>> call, CancellationToken ct) =>
        pacer.CallAsync(c => tokens.WithAccessTokenAsync(call, c), ct);

    internal static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("dd MMM HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(7001, LogLevel.Information, "Apply: POST /negotiations for vacancy {VacancyId} (attempt {Attempt}).")]
        public static partial void Posting(ILogger logger, string vacancyId, int attempt);

        [LoggerMessage(7002, LogLevel.Information, "Apply: vacancy {VacancyId} applied to (negotiation {NegotiationId}).")]
        public static partial void Sent(ILogger logger, string vacancyId, string negotiationId);

        [LoggerMessage(7003, LogLevel.Information, "Apply: vacancy {VacancyId} skipped: {Reason}.")]
        public static partial void Skipped(ILogger logger, string vacancyId, string reason);

        [LoggerMessage(7004, LogLevel.Warning, "Apply: vacancy {VacancyId} not sent ({Status}): {Reason}.")]
        public static partial void NotSent(ILogger logger, string vacancyId, string status, string reason);

        [LoggerMessage(7005, LogLevel.Warning, "Apply: the answer for vacancy {VacancyId} was lost ({Detail}); asking hh.ru before deciding.")]
        public static partial void AnswerLost(ILogger logger, string vacancyId, string detail);

        [LoggerMessage(7006, LogLevel.Warning, "Apply: hh.ru could not be asked about vacancy {VacancyId}: {Reason}")]
        public static partial void LookupFailed(ILogger logger, string vacancyId, string reason);
    }
}
