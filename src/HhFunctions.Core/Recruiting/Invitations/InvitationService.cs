using System.Net;
using HhFunctions.HeadHunter;
using HhFunctions.Queues;
using HhFunctions.State;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting.Invitations;

/// <summary>How an /invite or /import came out.</summary>
public enum InviteOutcome
{
    /// <summary>hh.ru made the invitation (or showed one the app made before); its topic is queued.</summary>
    Invited,

    /// <summary>Topics already on hh.ru were queued (/import).</summary>
    Synced,

    /// <summary>hh.ru refused, or the candidate already has a topic on the vacancy: nothing was made.</summary>
    Refused,

    /// <summary>The link, the vacancy or the message cannot be used: nothing was sent.</summary>
    BadInput,

    /// <summary>The connected account is not an employer's.</summary>
    NotEmployer,

    /// <summary>Another invitation of the same pair is on its way: nothing more was sent.</summary>
    Busy,

    /// <summary>hh.ru's answer was lost and hh.ru cannot say now whether the invitation exists: nothing more was sent.</summary>
    Unknown,

    /// <summary>/import of a resume with no topic: the rule, and how to invite.</summary>
    NoTopic,
}

/// <summary>The outcome and the plain-text sentence for the recruiter (ids and vacancy names only: no candidate's data).</summary>
public sealed record InviteResult(InviteOutcome Outcome, string Message, IReadOnlyList<string> TopicIds)
{
    public static InviteResult Of(InviteOutcome outcome, string message) => new(outcome, message, []);
}

/// <summary>
/// Invite by link (docs/recruiting.md, "Invitations"): a recruiter's explicit /invite or desk form sends hh.ru's
/// invitation of a resume to a vacancy, and the new topic goes through the same pipeline as a response at once
/// (queued, not waiting for the callback). An invitation costs the employer money and is not idempotent, so it is
/// claimed in <see cref="IInvitationStore"/> first (one claim per resume + vacancy, atomic), its POST is never
/// retried, and a lost answer is settled by looking on hh.ru (the resume's vacancies, then the vacancy's topics)
/// before anything is sent again. /import never imports a resume on its own: it only syncs topics that exist.
/// </summary>
public sealed partial class InvitationService(
    HhInviteClient invites,
    HhClient hh,
    TokenManager tokens,
    EmployerPacer pacer,
    IStateStore state,
    IInvitationStore store,
    IRecruitingStore recruiting,
    IQueue<RecruitingEvent> queue,
    RecruitingNotices notices,
    IOptions<RecruitingOptions> options,
    TimeProvider time,
    ILogger<InvitationService> logger)
{
    /// <summary>The source of topics an invitation or an /import brought (RecruitingEvent.Source).</summary>
    public const string FromInvite = "invite";

    public const string FromImport = "import";

    /// <summary>A claim younger than this is another command on its way; an older one was left by a stopped instance.</summary>
    public static readonly TimeSpan ClaimFresh = TimeSpan.FromMinutes(2);

    private const int MaxPages = 20;

    public const string Rule =
        "hh.ru lets third-party systems hold only candidates who responded to a vacancy or were invited, through the API (no browser plug-ins, no copying), so a resume is never imported on its own.";

    /// <summary>/invite or the desk form: invites <paramref name="resumeText"/> to <paramref name="vacancyText"/> with the message (or Recruiting__InviteMessage).</summary>
    public async Task<InviteResult> InviteAsync(string? resumeText, string? vacancyText, string? message, string origin, CancellationToken ct)
    {
        if (HhLinks.ResumeId(resumeText) is not { } resumeId)
        {
            return InviteResult.Of(InviteOutcome.BadInput, "That is not an hh.ru resume address (like https://hh.ru/resume/0123456789abcdef) or a resume id. Nothing was sent.");
        }

        if (HhLinks.VacancyId(vacancyText) is not { } vacancyId)
        {
            return InviteResult.Of(InviteOutcome.BadInput, "That is not a vacancy id or an hh.ru vacancy address (like https://hh.ru/vacancy/123456). Nothing was sent.");
        }

        var text = string.IsNullOrWhiteSpace(message) ? options.Value.InviteMessage?.Trim() : message.Trim();
        if (text is { Length: > NotifySettings.MaxInviteMessage })
        {
            return InviteResult.Of(InviteOutcome.BadInput, $"The message is longer than {NotifySettings.MaxInviteMessage} characters. Nothing was sent.");
        }

        var account = await state.GetAccountAsync(ct);
        if (!account.IsEmployer || account.EmployerId is not { } employerId)
        {
            return NotEmployer();
        }

        // The claim: one per resume + vacancy. A refused one may be tried again on a new explicit command.
        var now = time.GetUtcNow();
        var (record, claimed) = await store.UpdateAsync(resumeId, vacancyId, r => r is null || r.Status == InvitationStatus.Refused
            ? new InvitationRecord(resumeId, vacancyId, InvitationStatus.Sending, now, now) { Origin = origin, Posts = r?.Posts ?? 0 }
            : r, ct);
        if (!claimed)
        {
            var settled = await SettleEarlierAsync(record!, employerId, ct);
            if (settled is not null)
            {
                return settled;
            }

            // hh.ru shows no invitation: take the claim over (only if nobody else did meanwhile) and send.
            var seen = record!.UpdatedAt;
            now = time.GetUtcNow();
            (record, claimed) = await store.UpdateAsync(resumeId, vacancyId, r => r is { Status: InvitationStatus.Unknown or InvitationStatus.Sending } && r.UpdatedAt == seen
                ? r with { Status = InvitationStatus.Sending, ClaimedAt = now, UpdatedAt = now, Origin = origin, Problem = null }
                : r, ct);
            if (!claimed)
            {
                return InviteResult.Of(InviteOutcome.Busy, $"An invitation of resume {resumeId} to vacancy {vacancyId} is being sent right now; nothing more was sent.");
            }
        }

        return await SendClaimedAsync(resumeId, vacancyId, employerId, text, ct);
    }

    /// <summary>/import: syncs the resume's topics on the company's active vacancies at once; without one, says the rule and how to /invite.</summary>
    public async Task<InviteResult> ImportAsync(string? resumeText, CancellationToken ct)
    {
        if (HhLinks.ResumeId(resumeText) is not { } resumeId)
        {
            return InviteResult.Of(InviteOutcome.BadInput, "That is not an hh.ru resume address (like https://hh.ru/resume/0123456789abcdef) or a resume id.");
        }

        var account = await state.GetAccountAsync(ct);
        if (!account.IsEmployer || account.EmployerId is not { } employerId)
        {
            return NotEmployer();
        }

        var found = new List<(string VacancyId, string? VacancyName, string? TopicId)>();
        try
        {
            for (var page = 0; page < MaxPages; page++)
            {
                var list = await CallAsync((t, c) => invites.GetVacanciesForResumeAsync(t, employerId, resumeId, page, c), ct);
                foreach (var v in list.Items ?? [])
                {
                    if (v.NegotiationsState is not null)
                    {
                        found.Add((v.Id, v.Name, await FindTopicAsync(v.Id, resumeId, ct)));
                    }
                }

                if (page + 1 >= list.Pages || list.Items is not { Count: > 0 })
                {
                    break;
                }
            }
        }
        catch (HhApiException ex)
        {
            return await RefusedAsync(ex.Error, null, resumeId, null, ct);
        }
        catch (TokenUnavailableException ex)
        {
            return InviteResult.Of(InviteOutcome.NotEmployer, $"hh.ru is not connected ({ex.Message}).");
        }

        if (found.Count == 0)
        {
            Log.Import(logger, resumeId, 0);
            return InviteResult.Of(InviteOutcome.NoTopic,
                $"{Rule} Resume {resumeId} has no response or invitation on the company's active vacancies, so there is nothing to sync. To bring the candidate in, invite them: /invite https://hh.ru/resume/{resumeId} <vacancy id or link> [message].");
        }

        var topics = found.Where(f => f.TopicId is not null).Select(f => f.TopicId!).ToList();
        var lines = new List<string>();
        foreach (var (vacancyId, vacancyName, topicId) in found)
        {
            var label = string.IsNullOrWhiteSpace(vacancyName) ? "vacancy " + vacancyId : $"\"{vacancyName}\" ({vacancyId})";
            if (topicId is null)
            {
                lines.Add($"{label}: hh.ru shows a topic but did not list it; the next reconcile run brings it in.");
                continue;
            }

            var known = await recruiting.GetTopicAsync(topicId, ct);
            if (known is { Status: TopicStatus.Written })
            {
                lines.Add($"{label}: already in Bitrix24 (topic {topicId}).");
                continue;
            }

            await queue.SendAsync(new RecruitingEvent(topicId, RecruitingEvent.NewResponseOrInvitation, FromImport, time.GetUtcNow()) { VacancyId = vacancyId }, ct);
            lines.Add($"{label}: topic {topicId} is being synced into Bitrix24 now.");
        }

        Log.Import(logger, resumeId, topics.Count);
        return new InviteResult(InviteOutcome.Synced, $"Resume {resumeId} already has a topic with the company:\n" + string.Join('\n', lines), topics);
    }

    /// <summary>An earlier claim exists: sent, on its way, or with its answer lost. Null: hh.ru shows none, so it may be sent.</summary>
    private async Task<InviteResult?> SettleEarlierAsync(InvitationRecord record, string employerId, CancellationToken ct)
    {
        var (resumeId, vacancyId) = (record.ResumeId, record.VacancyId);
        if (record.Status == InvitationStatus.Sent)
        {
            return new InviteResult(InviteOutcome.Refused,
                $"Resume {resumeId} was already invited to vacancy {vacancyId} by the app{(record.TopicId is null ? string.Empty : $" (topic {record.TopicId})")}; nothing was sent again.",
                record.TopicId is null ? [] : [record.TopicId]);
        }

        if (record.Status == InvitationStatus.Sending && time.GetUtcNow() - record.UpdatedAt < ClaimFresh)
        {
            return InviteResult.Of(InviteOutcome.Busy, $"An invitation of resume {resumeId} to vacancy {vacancyId} is being sent right now; nothing more was sent.");
        }

        // Unknown, or a claim a stopped instance left: look on hh.ru before anything is sent again.
        var look = await LookUpAsync(resumeId, vacancyId, employerId, ct);
        if (look.Problem is not null)
        {
            return InviteResult.Of(InviteOutcome.Unknown,
                $"The earlier invitation of resume {resumeId} to vacancy {vacancyId} got no answer from hh.ru, and hh.ru cannot be checked now ({look.Problem}). It is unknown whether the candidate was invited; nothing was sent again. Try /invite again later: the app looks on hh.ru first.");
        }

        if (look.Exists)
        {
            return await SentAsync(resumeId, vacancyId, look.TopicId, "hh.ru shows the invitation sent earlier (its answer had been lost); nothing was sent again.", ct);
        }

        return null;
    }

    private async Task<InviteResult> SendClaimedAsync(string resumeId, string vacancyId, string employerId, string? text, CancellationToken ct)
    {
        // Before paying for it: is the vacancy one of the company's, can this resume be invited, and how.
        HhInviteVacancy? vacancy = null;
        try
        {
            for (var page = 0; page < MaxPages && vacancy is null; page++)
            {
                var list = await CallAsync((t, c) => invites.GetVacanciesForResumeAsync(t, employerId, resumeId, page, c), ct);
                vacancy = list.Items?.FirstOrDefault(v => v.Id == vacancyId);
                if (page + 1 >= list.Pages || list.Items is not { Count: > 0 })
                {
                    break;
                }
            }
        }
        catch (HhApiException ex)
        {
            return await ReleaseAsync(resumeId, vacancyId, await RefusedAsync(ex.Error, null, resumeId, vacancyId, ct), ct);
        }
        catch (TokenUnavailableException ex)
        {
            return await ReleaseAsync(resumeId, vacancyId, InviteResult.Of(InviteOutcome.NotEmployer, $"hh.ru is not connected ({ex.Message}). Nothing was sent."), ct);
        }

        if (vacancy is null)
        {
            return await ReleaseAsync(resumeId, vacancyId, InviteResult.Of(InviteOutcome.Refused,
                $"Vacancy {vacancyId} is not one of the company's active vacancies on hh.ru (it is archived, closed, or another company's): nothing was sent."), ct);
        }

        var label = string.IsNullOrWhiteSpace(vacancy.Name) ? "vacancy " + vacancyId : $"\"{vacancy.Name}\" ({vacancyId})";
        if (vacancy.Archived == true)
        {
            return await ReleaseAsync(resumeId, vacancyId, InviteResult.Of(InviteOutcome.Refused, $"{label} is archived on hh.ru: nothing was sent."), ct);
        }

        if (vacancy.NegotiationsState is { } existing)
        {
            return await ReleaseAsync(resumeId, vacancyId, InviteResult.Of(InviteOutcome.Refused,
                $"The candidate already has a topic on {label} at hh.ru ({existing.Name ?? existing.Id}): nothing was sent. /import https://hh.ru/resume/{resumeId} brings it into Bitrix24."), ct);
        }

        if (vacancy.CanInvite == false)
        {
            return await ReleaseAsync(resumeId, vacancyId, InviteResult.Of(InviteOutcome.Refused,
                $"hh.ru says resume {resumeId} cannot be invited to {label} (can_invite is false: the resume is hidden or deleted, or closed to this company): nothing was sent."), ct);
        }

        var action = InvitationAction(vacancy);
        if (action?.Arguments?.Any(a => a.Id == "message" && a.Required == true) == true && string.IsNullOrWhiteSpace(text))
        {
            return await ReleaseAsync(resumeId, vacancyId, InviteResult.Of(InviteOutcome.BadInput,
                "hh.ru needs a message with this invitation: add it after the vacancy (/invite <resume> <vacancy> <message>) or set Recruiting__InviteMessage. Nothing was sent."), ct);
        }

        Uri? url = null;
        if (action?.Url is { } given && !Uri.TryCreate(given, UriKind.Absolute, out url))
        {
            url = null;
        }

        // The one POST of this claim: counted before it goes, never retried.
        await store.UpdateAsync(resumeId, vacancyId, r => r is null ? null : r with { Posts = r.Posts + 1, UpdatedAt = time.GetUtcNow() }, ct);
        InvitePostResult posted;
        try
        {
            posted = await CallAsync((t, c) => invites.InviteAsync(t, url, resumeId, vacancyId, text, c), ct);
        }
        catch (HhApiException ex)
        {
            // oauth: hh.ru made nothing, and the token could not be renewed.
            return await ReleaseAsync(resumeId, vacancyId, InviteResult.Of(InviteOutcome.NotEmployer, $"{ex.Error.Message} Nothing was sent."), ct);
        }
        catch (TokenUnavailableException ex)
        {
            return await ReleaseAsync(resumeId, vacancyId, InviteResult.Of(InviteOutcome.NotEmployer, $"hh.ru is not connected ({ex.Message}). Nothing was sent."), ct);
        }

        switch (posted.Kind)
        {
            case InvitePostKind.Created:
                Log.Invited(logger, resumeId, vacancyId, posted.TopicId ?? "?");
                var topicId = posted.TopicId;
                if (topicId is null)
                {
                    var look = await LookUpAsync(resumeId, vacancyId, employerId, ct);
                    topicId = look.TopicId;
                }

                return await SentAsync(resumeId, vacancyId, topicId, $"Invited to {label}.", ct);
            case InvitePostKind.Refused:
                return await ReleaseAsync(resumeId, vacancyId, await RefusedAsync(posted.Error!, posted.Description, resumeId, vacancyId, ct), ct);
            default:
                Log.Lost(logger, resumeId, vacancyId, posted.Detail);
                await store.UpdateAsync(resumeId, vacancyId, r => r is null ? null : r with { Status = InvitationStatus.Unknown, Problem = posted.Detail, UpdatedAt = time.GetUtcNow() }, ct);
                var after = await LookUpAsync(resumeId, vacancyId, employerId, ct);
                if (after.Exists)
                {
                    return await SentAsync(resumeId, vacancyId, after.TopicId, $"Invited to {label} (hh.ru's answer was lost; hh.ru shows the invitation).", ct);
                }

                return InviteResult.Of(InviteOutcome.Unknown, after.Problem is null
                    ? $"hh.ru's answer to the invitation to {label} was lost ({posted.Detail}) and hh.ru does not show it now. Nothing more was sent; /invite again looks on hh.ru first and sends only if there is still none."
                    : $"hh.ru's answer to the invitation to {label} was lost ({posted.Detail}) and hh.ru cannot be checked now ({after.Problem}). It is unknown whether the candidate was invited; nothing more was sent.");
        }
    }

    /// <summary>hh.ru has the invitation: record it, count it, and queue its topic for the pipeline at once.</summary>
    private async Task<InviteResult> SentAsync(string resumeId, string vacancyId, string? topicId, string said, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (_, changed) = await store.UpdateAsync(resumeId, vacancyId, r => r is null || r.Status == InvitationStatus.Sent ? r : r with
        {
            Status = InvitationStatus.Sent,
            TopicId = topicId,
            Problem = null,
            UpdatedAt = now,
        }, ct);
        if (changed)
        {
            await store.UpdateNotifyStateAsync(s => s with { Invited = s.Invited + 1 }, ct);
        }

        if (topicId is null)
        {
            return InviteResult.Of(InviteOutcome.Invited, said + " hh.ru did not say the new topic's id; the next reconcile run brings the candidate into Bitrix24.");
        }

        await queue.SendAsync(new RecruitingEvent(topicId, RecruitingEvent.NewResponseOrInvitation, FromInvite, now) { VacancyId = vacancyId }, ct);
        return new InviteResult(InviteOutcome.Invited, said + $" The candidate becomes a Bitrix24 record in a moment (topic {topicId}).", [topicId]);
    }

    /// <summary>hh.ru made nothing: the claim is released (Refused), so a later explicit command may try again.</summary>
    private async Task<InviteResult> ReleaseAsync(string resumeId, string vacancyId, InviteResult result, CancellationToken ct)
    {
        var problem = result.Outcome.ToString();
        await store.UpdateAsync(resumeId, vacancyId, r => r is null ? null : r with { Status = InvitationStatus.Refused, Problem = problem, UpdatedAt = time.GetUtcNow() }, ct);
        Log.NotSent(logger, resumeId, vacancyId, problem);
        return result;
    }

    /// <summary>Which refusal hh.ru gave, said plainly; a captcha or 429 also slows the app down and is told once.</summary>
    private async Task<InviteResult> RefusedAsync(HhError e, string? description, string resumeId, string? vacancyId, CancellationToken ct)
    {
        var on = vacancyId is null ? string.Empty : $" to vacancy {vacancyId}";
        var theirs = string.IsNullOrWhiteSpace(description) ? string.Empty : $" hh.ru says: \"{description.Trim()}\".";
        string text;
        if (HhRefusals.IsThrottle(e) || e.Kind == HhErrorKind.TooManyRequests)
        {
            pacer.SlowDown();
            await notices.TellOnceAsync("hh-refused-" + e.StatusCode, $"hh.ru refused an employer call ({e.Message}). Recruiting slows down and tries again; nothing is lost.", ct);
            text = $"hh.ru is limiting the app's requests right now ({e.Message}): nothing was sent. Try again in a few minutes.";
        }
        else if (HhRefusals.IsViewLimit(e))
        {
            text = $"hh.ru refuses: the company's daily resume-view limit is spent, so resume {resumeId} cannot be invited{on} today. Nothing was sent; try again after midnight Moscow time.";
        }
        else if (HhRefusals.IsPaidAccess(e) || e.Value is "no_available_service" or "quota_exceeded" or "cant_view_contacts")
        {
            text = $"hh.ru refuses: the company has no paid access to resumes for this (the resume database service or paid API access; {Label(e)}). Nothing was sent.";
        }
        else if (e.Value is "resume_not_found" or "resume_hidden" or "resume_deleted" || (e.StatusCode == 404 && e.Value is null or "not_found" or "topic_not_found"))
        {
            text = $"hh.ru refuses: resume {resumeId} is hidden or deleted (or not visible to the company). Nothing was sent.";
        }
        else if (e.Value is "invalid_vacancy" or "vacancy_archived" or "archived" or "vacancy_not_found")
        {
            text = $"hh.ru refuses: vacancy {vacancyId} is archived or hidden. Nothing was sent.";
        }
        else if (e.Value is "already_invited" or "already_applied" or "already_exists" or "negotiation_exists" or "wrong_state")
        {
            text = $"hh.ru refuses: the candidate already has a response or invitation{on}. Nothing was sent; /import https://hh.ru/resume/{resumeId} brings it into Bitrix24.";
        }
        else if (e.Value is "limit_exceeded")
        {
            text = $"hh.ru refuses: the manager's daily invitation limit is reached. Nothing was sent.";
        }
        else if (e.Kind is HhErrorKind.Network or HhErrorKind.ServerError)
        {
            text = $"hh.ru could not be asked ({e.Message}): nothing was sent. Try again in a few minutes.";
        }
        else if (e.Kind == HhErrorKind.NonJsonResponse)
        {
            text = $"hh.ru answered with a page that is not its API's (HTTP {e.StatusCode}): nothing was sent. Try again later.";
        }
        else
        {
            text = $"hh.ru refuses the invitation{on} ({Label(e)}).{theirs} Nothing was sent.";
        }

        return InviteResult.Of(InviteOutcome.Refused, text);

        static string Label(HhError e) => $"HTTP {e.StatusCode}" + (e.Type is null ? string.Empty : ", " + (e.Value is null ? e.Type : $"{e.Type}/{e.Value}"));
    }

    /// <summary>The invitation action hh.ru lists for the vacancy (an enabled POST; "invitation" or "phone_interview" first), or null: the documented default.</summary>
    private static HhNegotiationAction? InvitationAction(HhInviteVacancy vacancy)
    {
        var posts = (vacancy.NegotiationsActions ?? []).Where(a => a.Enabled != false && string.Equals(a.Method, "POST", StringComparison.OrdinalIgnoreCase) && a.Url is not null).ToList();
        return posts.FirstOrDefault(a => a.Id is "invitation" or "phone_interview") ?? posts.FirstOrDefault();
    }

    private sealed record LookUp(bool Exists, string? TopicId, string? Problem);

    /// <summary>Does hh.ru show a topic of this resume on this vacancy? (the resume's vacancies, then the vacancy's topics)</summary>
    private async Task<LookUp> LookUpAsync(string resumeId, string vacancyId, string employerId, CancellationToken ct)
    {
        try
        {
            HhInviteVacancy? vacancy = null;
            for (var page = 0; page < MaxPages && vacancy is null; page++)
            {
                var list = await CallAsync((t, c) => invites.GetVacanciesForResumeAsync(t, employerId, resumeId, page, c), ct);
                vacancy = list.Items?.FirstOrDefault(v => v.Id == vacancyId);
                if (page + 1 >= list.Pages || list.Items is not { Count: > 0 })
                {
                    break;
                }
            }

            if (vacancy is { NegotiationsState: null })
            {
                return new LookUp(false, null, null);
            }

            var topicId = await FindTopicAsync(vacancyId, resumeId, ct);
            return topicId is not null ? new LookUp(true, topicId, null)
                : vacancy?.NegotiationsState is not null ? new LookUp(true, null, null)
                : new LookUp(false, null, null);
        }
        catch (HhApiException ex)
        {
            if (HhRefusals.IsThrottle(ex.Error))
            {
                pacer.SlowDown();
            }

            return new LookUp(false, null, ex.Error.Message);
        }
        catch (TokenUnavailableException ex)
        {
            return new LookUp(false, null, ex.Message);
        }
    }

    /// <summary>The topic of <paramref name="resumeId"/> among the vacancy's collections (hidden ones too), or null.</summary>
    private async Task<string?> FindTopicAsync(string vacancyId, string resumeId, CancellationToken ct)
    {
        var collections = await CallAsync((t, c) => hh.GetNegotiationCollectionsAsync(t, vacancyId, c), ct);
        foreach (var collection in collections.Collections ?? [])
        {
            if (collection.Url is null || !Uri.TryCreate(collection.Url, UriKind.Absolute, out var address))
            {
                continue;
            }

            for (var page = 0; page < MaxPages; page++)
            {
                var items = await CallAsync((t, c) => hh.GetCollectionPageAsync(t, address, page, c), ct);
                if (items.Items?.FirstOrDefault(i => i.Resume?.Id == resumeId) is { } hit)
                {
                    return hit.Id;
                }

                if (page + 1 >= items.Pages || items.Items is not { Count: > 0 })
                {
                    break;
                }
            }
        }

        return null;
    }

    private async Task<T> CallAsync<T>(Func<string, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        await pacer.WaitTurnAsync(ct);
        return await tokens.WithAccessTokenAsync(call, ct);
    }

    private static InviteResult NotEmployer() => InviteResult.Of(InviteOutcome.NotEmployer,
        "The connected hh.ru account is not an employer's, so it cannot invite or sync candidates. Connect the company's account (the status page's Connect hh.ru, signing in as one of its managers).");

    private static partial class Log
    {
        [LoggerMessage(9641, LogLevel.Information, "Invitations: resume {ResumeId} invited to vacancy {VacancyId} (topic {TopicId}).")]
        public static partial void Invited(ILogger logger, string resumeId, string vacancyId, string topicId);

        [LoggerMessage(9642, LogLevel.Information, "Invitations: resume {ResumeId} not invited to vacancy {VacancyId} ({Outcome}).")]
        public static partial void NotSent(ILogger logger, string resumeId, string vacancyId, string outcome);

        [LoggerMessage(9643, LogLevel.Warning, "Invitations: the answer to the invitation of resume {ResumeId} to vacancy {VacancyId} was lost ({Detail}); hh.ru is looked at before anything is sent again.")]
        public static partial void Lost(ILogger logger, string resumeId, string vacancyId, string detail);

        [LoggerMessage(9644, LogLevel.Information, "Invitations: /import of resume {ResumeId} queued {Topics} topic(s).")]
        public static partial void Import(ILogger logger, string resumeId, int topics);
    }
}
