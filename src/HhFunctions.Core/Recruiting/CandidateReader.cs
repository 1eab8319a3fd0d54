using System.Globalization;
using System.Text;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.Tokens;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>What reading one response from hh.ru gave.</summary>
public enum ReadResult
{
    /// <summary>A record to write (possibly flagged: contacts hidden, not read, resume removed).</summary>
    Candidate,

    /// <summary>hh.ru says the response does not exist: nothing is written (a forged callback creates nothing).</summary>
    Gone,

    /// <summary>hh.ru refuses the negotiation itself (paid access): nothing can be written yet.</summary>
    Refused,
}

public sealed record ReadOutcome(ReadResult Result, Candidate? Candidate, string? Problem, bool ViewLimitReached, string? EmployerStage);

/// <summary>
/// Re-reads one response with the employer token: GET /negotiations/{topic}, then GET /resumes/{id} (without
/// topic_id unless Recruiting__MarkViewed), and composes the CRM record. Never follows a paid action
/// (get_with_contact, download_with_contact). Transient failures throw <see cref="HhApiException"/>.
/// </summary>
public sealed class CandidateReader(HhClient hh, TokenManager tokens, EmployerPacer pacer, IOptions<RecruitingOptions> options)
{
    public async Task<ReadOutcome> ReadAsync(string topicId, bool viewLimitActive, CancellationToken ct)
    {
        HhEmployerNegotiation negotiation;
        try
        {
            negotiation = await CallAsync((t, c) => hh.GetEmployerNegotiationAsync(t, topicId, c), ct);
        }
        catch (HhApiException ex) when (HhRefusals.IsGone(ex.Error))
        {
            return new ReadOutcome(ReadResult.Gone, null, "hh.ru says the response does not exist (removed, or a callback for a topic that never was).", false, null);
        }
        catch (HhApiException ex) when (HhRefusals.IsPaidAccess(ex.Error))
        {
            return new ReadOutcome(ReadResult.Refused, null, "hh.ru refuses the response: the employer account needs paid API access (api_access_payment).", false, null);
        }

        var flags = new List<string>();
        HhEmployerResume? resume = null;
        var viewLimit = false;
        var resumeId = negotiation.Resume?.Id;
        if (resumeId is null)
        {
            flags.Add("the response names no resume");
        }
        else if (viewLimitActive)
        {
            viewLimit = true;
            flags.Add("resume not read: hh.ru's daily resume-view limit is reached (contacts not read)");
        }
        else
        {
            try
            {
                resume = await CallAsync((t, c) => hh.GetEmployerResumeAsync(t, resumeId, options.Value.MarkViewed ? topicId : null, c), ct);
            }
            catch (HhApiException ex) when (HhRefusals.IsViewLimit(ex.Error))
            {
                viewLimit = true;
                flags.Add("resume not read: hh.ru's daily resume-view limit is reached (contacts not read)");
            }
            catch (HhApiException ex) when (HhRefusals.IsPaidAccess(ex.Error) || HhRefusals.IsContactsUnavailable(ex.Error))
            {
                flags.Add("resume not read: hh.ru refuses it without paid access (" + (ex.Error.Value ?? ex.Error.Type ?? "403") + ")");
            }
            catch (HhApiException ex) when (HhRefusals.IsGone(ex.Error))
            {
                flags.Add("the resume was removed or hidden on hh.ru");
            }
        }

        return new ReadOutcome(ReadResult.Candidate, Compose(topicId, negotiation, resume, flags, options.Value.MarkViewed), null, viewLimit, negotiation.EmployerState?.Id);
    }

    /// <summary>Downloads the resume PDF from the URL hh.ru gave (the client refuses any host but hh.ru's own).</summary>
    public Task<byte[]> DownloadAsync(Uri url, CancellationToken ct) => CallAsync((t, c) => hh.DownloadResumeFileAsync(t, url, c), ct);

    private async Task<T> CallAsync<T>(Func<string, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        await pacer.WaitTurnAsync(ct);
        try
        {
            return await tokens.WithAccessTokenAsync(call, ct);
        }
        catch (HhApiException ex) when (HhRefusals.IsThrottle(ex.Error))
        {
            pacer.SlowDown();
            throw;
        }
    }

    /// <remarks>
    /// The PDF link comes from the resume read without topic_id. The negotiation's own link carries topic_id, and
    /// whether downloading it marks the response viewed is not confirmed, so it is used only with Recruiting__MarkViewed.
    /// </remarks>
    internal static Candidate Compose(string topicId, HhEmployerNegotiation n, HhEmployerResume? r, List<string> flags, bool markViewed)
    {
        var hidden = (r?.HiddenFields ?? n.Resume?.HiddenFields ?? []).Select(h => h.Id).Where(h => h is not null).ToHashSet(StringComparer.Ordinal);
        var phones = new List<string>();
        var emails = new List<string>();
        foreach (var c in r?.Contact ?? [])
        {
            var text = c.Text;
            var kind = c.Kind ?? c.Type?.Id;
            if (kind == "phone" || c.Type?.Id is "cell" or "home" or "work")
            {
                if (Phones.ToE164(text) is { } e164 && !phones.Contains(e164))
                {
                    phones.Add(e164);
                }
            }
            else if ((kind == "email" || c.Type?.Id == "email") && text is { Length: > 0 } && text.Contains('@', StringComparison.Ordinal))
            {
                var folded = text.Trim().ToLowerInvariant();
                if (!emails.Contains(folded))
                {
                    emails.Add(folded);
                }
            }
        }

        if (r is not null)
        {
            var notShown = new List<string>();
            if (hidden.Contains("names_and_photo"))
            {
                notShown.Add("name");
            }

            if (hidden.Contains("phones") || phones.Count == 0)
            {
                notShown.Add("phone");
            }

            if (hidden.Contains("email") || emails.Count == 0)
            {
                notShown.Add("e-mail");
            }

            if (hidden.Contains("phones") || hidden.Contains("email") || hidden.Contains("names_and_photo"))
            {
                flags.Add("the candidate hid " + string.Join(", ", hidden.Order(StringComparer.Ordinal)) + " on hh.ru");
            }
            else if (notShown.Count > 0 && r.Contact is null)
            {
                flags.Add("hh.ru showed no contacts");
            }
        }

        var summary = new StringBuilder();
        var title = r?.Title ?? n.Resume?.Title;
        summary.Append("Resume: ").Append(string.IsNullOrWhiteSpace(title) ? "(no title)" : title).Append('\n');
        if (r?.Area?.Name is { Length: > 0 } area)
        {
            summary.Append("Area: ").Append(area).Append('\n');
        }

        if (r?.Salary?.Amount is { } amount)
        {
            summary.Append("Salary: ").Append(amount.ToString("#,0", CultureInfo.InvariantCulture)).Append(' ').Append(r.Salary.Currency ?? string.Empty).Append('\n');
        }

        if (r?.TotalExperience?.Months is { } months)
        {
            summary.Append("Experience: ").Append(months / 12).Append(" y ").Append(months % 12).Append(" m\n");
        }

        if (r?.Experience is { Count: > 0 } exp && exp[0].Position is { Length: > 0 } position)
        {
            summary.Append("Last position: ").Append(position);
            if (exp[0].Company is { Length: > 0 } company)
            {
                summary.Append(" at ").Append(company);
            }

            summary.Append('\n');
        }

        var link = r?.AlternateUrl ?? n.Resume?.AlternateUrl;
        if (link is not null)
        {
            summary.Append("Resume on hh.ru: ").Append(link).Append('\n');
        }

        summary.Append("hh.ru response ").Append(topicId);
        if (n.Vacancy?.Id is { } vacancyId)
        {
            summary.Append(" to vacancy ").Append(vacancyId);
        }

        foreach (var flag in flags)
        {
            summary.Append("\nNote: ").Append(flag);
        }

        return new Candidate(
            topicId,
            n.Vacancy?.Id,
            n.Vacancy?.Name,
            r?.Id ?? n.Resume?.Id,
            r?.Owner?.Id ?? n.Resume?.Owner?.Id,
            r?.FirstName ?? n.Resume?.FirstName,
            r?.LastName ?? n.Resume?.LastName,
            r?.MiddleName ?? n.Resume?.MiddleName,
            phones,
            emails,
            link,
            summary.ToString(),
            r?.Download?.Pdf?.Url ?? (markViewed ? n.Resume?.Download?.Pdf?.Url : null),
            flags);
    }
}
