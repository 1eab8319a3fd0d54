using System.Net;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.Telegram;
using HhFunctions.Tokens;

namespace HhFunctions.Applying;

public sealed record TrackResult(bool Completed, int Negotiations, int Pages, int Answers, string Summary);

/// <summary>
/// TrackApplications: reads every page of GET /negotiations (contract §C.1, ≥0.35 s apart) into the
/// application store: state, created/updated, viewed by the employer, each state change with the time the app
/// saw it. An employer's answer (invitation, rejection, a new message) is told to the owner with a link. An
/// application whose POST answer was lost is settled here: found, it is sent; absent from a full read, not sent.
/// </summary>
public sealed partial class ApplicationTracker(
    TokenManager tokens,
    HhClient hh,
    HhCallPacer pacer,
    IApplicationStore store,
    HhFunctions.State.IStateStore accounts,
    ITelegramNotifier telegram,
    TimeProvider time,
    ILogger<ApplicationTracker> logger)
{
    private const int MaxPages = 200;

    /// <summary>An employer's account answers GET /negotiations with its vacancies' responses, not applications: not read.</summary>
    private async Task<bool> IsEmployerAsync(CancellationToken ct)
    {
        try
        {
            return (await accounts.GetAccountAsync(ct)).IsEmployer;
        }
        catch (HhFunctions.State.StateStoreException)
        {
            return false; // unknown: read as before
        }
    }

    public async Task<TrackResult> TrackAsync(CancellationToken ct)
    {
        using var span = Observability.AppTelemetry.StartRun("track");
        if (await IsEmployerAsync(ct))
        {
            return new TrackResult(true, 0, 0, 0, "An employer's account is connected: it has no applications to track.");
        }

        var now = time.GetUtcNow();
        var state = await store.GetStateAsync(ct);
        var all = new List<HhNegotiation>();
        var pages = 0;
        try
        {
            for (var page = 0; page < MaxPages; page++)
            {
                var result = await pacer.CallAsync(c => tokens.WithAccessTokenAsync((t, c2) => hh.GetNegotiationsPageAsync(t, page, null, c2), c), ct);

                pages++;
                all.AddRange(result.Items ?? []);
                if (result.Items is not { Count: > 0 } || page + 1 >= result.Pages)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is HhApiException or TokenUnavailableException)
        {
            var problem = ex.Message;
            Log.ReadFailed(logger, problem);
            var toldBefore = state.LastTrackProblem is not null;
            await store.UpdateStateAsync(s => s with { LastTrackProblem = problem }, ct);
            if (!toldBefore && ex is HhApiException { Error.Kind: HhErrorKind.CaptchaRequired or HhErrorKind.Forbidden or HhErrorKind.TooManyRequests })
            {
                await telegram.SendAsync($"⚠️ Tracking applications stopped: {E(problem)} It is tried again on the next run; this is said once.", ct);
            }

            return new TrackResult(false, all.Count, pages, 0, "hh.ru could not be read: " + problem);
        }

        var answers = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in all)
        {
            if (n.Vacancy?.Id is not { Length: > 0 } vacancyId || !seen.Add(vacancyId))
            {
                continue;
            }

            ApplicationRecord? before = null;
            var (after, _) = await store.UpdateAsync(vacancyId, current =>
            {
                before = current;
                return Merge(current, n, vacancyId, now);
            }, ct);
            if (after is not null && AnswerText(before, after, state.LastTrackedAt) is { } text)
            {
                answers.Add(text);
                await store.UpdateAsync(vacancyId, c => c is null ? null : c with { NotifiedUpdatedAt = after.HhUpdatedAt }, ct);
            }
        }

        // A lost answer that hh.ru does not show after a full read: it was not received.
        foreach (var lost in (await store.ListAsync(ct)).Where(a => a.Status == ApplicationStatus.Unconfirmed && !seen.Contains(a.VacancyId)))
        {
            var (settled, changed) = await store.UpdateAsync(lost.VacancyId, c => c is { Status: ApplicationStatus.Unconfirmed }
                ? c with { Status = ApplicationStatus.Refused, Reason = "not_received", Detail = "hh.ru has no such application: it was not received and is not sent again (/apply to try again)", SentAt = null, UpdatedAt = now }
                : null, ct);
            if (changed && settled is not null)
            {
                answers.Add($"❓ {ApplyPrompts.Vacancy(settled)}: the application whose answer was lost did not reach hh.ru. Nothing was resent; /apply {settled.VacancyId} to try again.");
            }
        }

        foreach (var text in answers)
        {
            await telegram.SendAsync(text, ct);
        }

        await store.UpdateStateAsync(s => s with { LastTrackedAt = now, LastTrackProblem = null }, ct);
        var summary = $"{all.Count} application(s) read from {pages} page(s), {answers.Count} answer(s) told";
        Log.Tracked(logger, all.Count, pages, answers.Count);
        return new TrackResult(true, all.Count, pages, answers.Count, summary);
    }

    private static ApplicationRecord Merge(ApplicationRecord? current, HhNegotiation n, string vacancyId, DateTimeOffset now)
    {
        var state = n.State?.Id ?? "response";
        var record = current ?? new ApplicationRecord(vacancyId)
        {
            Source = "hh.ru",
            CreatedAt = now,
            Letter = LetterKind.None,
        };
        var history = record.History.ToList();
        if (history.Count == 0 || history[^1].State != state)
        {
            history.Add(new StateChange(state, history.Count == 0 ? n.CreatedAt ?? now : n.UpdatedAt ?? now));
        }

        var viewed = n.ViewedByOpponent == true;
        return record with
        {
            VacancyName = n.Vacancy?.Name ?? record.VacancyName,
            Employer = n.Vacancy?.Employer?.Name ?? record.Employer,
            VacancyUrl = n.Vacancy?.AlternateUrl ?? record.VacancyUrl ?? "https://hh.ru/vacancy/" + vacancyId,
            Status = ApplicationStatus.Sent,
            Reason = record.Status == ApplicationStatus.Sent ? record.Reason : null,
            SentAt = record.SentAt ?? n.CreatedAt ?? now,
            NegotiationId = n.Id,
            State = state,
            HhCreatedAt = n.CreatedAt,
            HhUpdatedAt = n.UpdatedAt,
            ViewedByEmployer = viewed,
            ViewedAt = viewed ? record.ViewedAt ?? now : null,
            HasUpdates = n.HasUpdates == true,
            History = history,
            PendingLetter = null,
            UpdatedAt = now,
        };
    }

    /// <summary>The Telegram line for an employer's answer seen in this read, or null when there is none to tell.</summary>
    internal static string? AnswerText(ApplicationRecord? before, ApplicationRecord after, DateTimeOffset? lastTracked)
    {
        if (after.HhUpdatedAt is { } updated && after.NotifiedUpdatedAt is { } told && updated <= told)
        {
            return null;
        }

        // First sight of an application made elsewhere: only news since the last read, never old history.
        var isNews = before is not null || (lastTracked is { } last && after.HhUpdatedAt > last);
        if (!isNews)
        {
            return null;
        }

        var stateChanged = before?.State != after.State;
        var link = ApplyPrompts.Vacancy(after);
        if (stateChanged && after.State == "invitation")
        {
            return $"🎉 <b>Invitation</b> from the employer: {link}";
        }

        if (stateChanged && after.State == "discard")
        {
            return $"📪 <b>Rejection</b>: {link}";
        }

        if (after.HasUpdates && (before is null || !before.HasUpdates || before.HhUpdatedAt != after.HhUpdatedAt))
        {
            return $"💬 <b>New message</b> from the employer: {link}";
        }

        return null;
    }

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);

    private static partial class Log
    {
        [LoggerMessage(7401, LogLevel.Information, "TrackApplications: {Count} negotiations read from {Pages} page(s); {Answers} answer(s) told.")]
        public static partial void Tracked(ILogger logger, int count, int pages, int answers);

        [LoggerMessage(7402, LogLevel.Warning, "TrackApplications: hh.ru could not be read: {Reason}")]
        public static partial void ReadFailed(ILogger logger, string reason);
    }
}
