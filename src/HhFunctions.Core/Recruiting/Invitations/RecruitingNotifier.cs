using System.Globalization;
using System.Net;
using System.Text;
using HhFunctions.Bitrix24;
using HhFunctions.State;
using HhFunctions.Telegram;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting.Invitations;

/// <summary>
/// Telegram for recruiters (Recruiting__Notify, docs/recruiting.md "Notifications"): each written record is counted
/// for the daily summary, and with <c>each</c> told at once (vacancy, name, a link to the record; never a phone or
/// an e-mail). The message is composed when the record is written, since the name is not kept after that.
/// Failures go through <see cref="RecruitingNotices"/> in every mode.
/// </summary>
public sealed partial class RecruitingNotifier(
    IInvitationStore store,
    ITelegramNotifier telegram,
    IOptions<RecruitingOptions> options,
    IOptions<Bitrix24Options> crm,
    ILogger<RecruitingNotifier> logger)
{
    /// <summary>A vacancy name with no name: its id, or this.</summary>
    public const string NoVacancy = "(no vacancy)";

    /// <summary>A record is written into the CRM: count it, and with Notify=each tell it now.</summary>
    public async Task RecordWrittenAsync(Candidate candidate, string? source, string kind, long? recordId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var vacancy = VacancyLabel(candidate.VacancyName, candidate.VacancyId);
        try
        {
            await store.UpdateNotifyStateAsync(s =>
            {
                var counts = new Dictionary<string, int>(s.WrittenPerVacancy, StringComparer.Ordinal);
                counts[vacancy] = counts.GetValueOrDefault(vacancy) + 1;
                return s with { WrittenPerVacancy = counts };
            }, ct);
        }
        catch (StateStoreException ex)
        {
            Log.NotCounted(logger, candidate.TopicId, ex.GetType().Name); // the record is written; only the summary misses it
        }

        if (NotifySettings.Mode(options.Value.Notify) != NotifyMode.Each)
        {
            return;
        }

        await telegram.SendAsync(EachMessage(candidate, source, kind, recordId), ct);
    }

    /// <summary>
    /// "💼 New response: {vacancy}\n{last} {first}\n{link}": the names only (never phones, e-mails or resume text), HTML-encoded.
    /// </summary>
    public string EachMessage(Candidate candidate, string? source, string kind, long? recordId)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var what = source is InvitationService.FromInvite ? "New invitation" : source is InvitationService.FromImport ? "Synced candidate" : "New response";
        var name = string.Join(' ', new[] { candidate.LastName, candidate.FirstName }.Where(n => !string.IsNullOrWhiteSpace(n)));
        var text = new StringBuilder()
            .Append("💼 <b>").Append(what).Append("</b>: ").Append(InvitationCommands.Escape(VacancyLabel(candidate.VacancyName, candidate.VacancyId))).Append('\n')
            .Append(name.Length == 0 ? "name hidden" : InvitationCommands.Escape(name));
        if (kind == "comment")
        {
            text.Append(" (again: noted on their lead)");
        }

        if (RecordLink(kind, recordId) is { } link)
        {
            text.Append('\n').Append("<a href=\"").Append(WebUtility.HtmlEncode(link)).Append("\">Open in Bitrix24</a>");
        }

        return text.ToString();
    }

    /// <summary>https://{portal}/crm/{lead|deal}/details/{id}/: the portal's own address (never the webhook's path or key).</summary>
    public string? RecordLink(string kind, long? recordId)
    {
        if (recordId is not { } id || !Uri.TryCreate(crm.Value.WebhookUrl, UriKind.Absolute, out var webhook))
        {
            return null;
        }

        var entity = kind == "deal" ? "deal" : "lead"; // a repeat's comment sits on the person's lead
        return string.Create(CultureInfo.InvariantCulture, $"{webhook.Scheme}://{webhook.Authority}/crm/{entity}/details/{id}/");
    }

    public static string VacancyLabel(string? name, string? id) =>
        !string.IsNullOrWhiteSpace(name) ? name.Trim() : !string.IsNullOrWhiteSpace(id) ? "vacancy " + id : NoVacancy;

    private static partial class Log
    {
        [LoggerMessage(9611, LogLevel.Warning, "Recruiting notifications: topic {TopicId} written but not counted for the summary ({Error}).")]
        public static partial void NotCounted(ILogger logger, string topicId, string error);
    }
}
