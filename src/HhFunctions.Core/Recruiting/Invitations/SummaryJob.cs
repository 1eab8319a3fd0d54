using System.Globalization;
using System.Text;
using HhFunctions.State;
using HhFunctions.Telegram;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting.Invitations;

/// <summary>
/// RecruitingSummary (Recruiting__Notify=summary): once a day at Recruiting__SummaryTime (Moscow time), one message
/// with the records written per vacancy since the last one, the invitations sent, and what failed. The job is woken
/// every few minutes (a timer in Azure, the standalone scheduler) and sends only when the day's moment has passed and
/// this day's summary has not gone: the moment is claimed in the store first, so two instances send it once.
/// </summary>
public sealed partial class SummaryJob(
    IInvitationStore store,
    IRecruitingStore recruiting,
    IStateStore state,
    ITelegramNotifier telegram,
    IOptions<RecruitingOptions> options,
    TimeProvider time,
    ILogger<SummaryJob> logger)
{
    /// <summary>How often the job is woken (six-field NCRONTAB, a fixed schedule: the setting is Recruiting__SummaryTime).</summary>
    public const string Tick = "0 */5 * * * *";

    public async Task<string> RunAsync(CancellationToken ct)
    {
        if (NotifySettings.Mode(options.Value.Notify) != NotifyMode.Summary)
        {
            return "skipped: Recruiting__Notify is not summary";
        }

        if (!(await state.GetAccountAsync(ct)).IsEmployer)
        {
            return "skipped: the connected hh.ru account is not an employer's";
        }

        var at = NotifySettings.Time(options.Value.SummaryTime) ?? new TimeOnly(9, 0);
        var now = time.GetUtcNow();
        var due = NotifySettings.LastDue(now, at);
        NotifyState? taken = null;
        var (_, changed) = await store.UpdateNotifyStateAsync(s =>
        {
            if (s.LastSummaryAt is null)
            {
                return s with { LastSummaryAt = now }; // the first tally starts now; the first summary goes at the next moment
            }

            if (s.LastSummaryAt >= due)
            {
                return s;
            }

            taken = s;
            return s with { LastSummaryAt = now, WrittenPerVacancy = new Dictionary<string, int>(StringComparer.Ordinal), Invited = 0 };
        }, ct);
        if (!changed || taken is null)
        {
            return "not due";
        }

        var failed = await recruiting.ListFailedAsync(200, ct);
        var message = Compose(taken, failed, taken.LastSummaryAt!.Value, now);
        var sent = await telegram.SendAsync(message, ct);
        Log.Sent(logger, taken.WrittenPerVacancy.Values.Sum(), failed.Count, sent);
        return sent ? "sent" : "not sent: Telegram refused";
    }

    /// <summary>The summary's HTML: counts per vacancy (most first), invitations, and the failed ones with their reasons (no personal data).</summary>
    public static string Compose(NotifyState tally, IReadOnlyList<TopicRecord> failed, DateTimeOffset since, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tally);
        ArgumentNullException.ThrowIfNull(failed);
        var total = tally.WrittenPerVacancy.Values.Sum();
        var text = new StringBuilder("💼 <b>Recruiting, the day's summary</b> (")
            .Append(since.ToOffset(NotifySettings.SummaryOffset).ToString("dd.MM HH:mm", CultureInfo.InvariantCulture)).Append(" – ")
            .Append(now.ToOffset(NotifySettings.SummaryOffset).ToString("dd.MM HH:mm", CultureInfo.InvariantCulture)).Append(" MSK)\n");
        text.Append(CultureInfo.InvariantCulture, $"New records in Bitrix24: {total}");
        foreach (var (vacancy, count) in tally.WrittenPerVacancy.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("\n• ").Append(InvitationCommands.Escape(vacancy)).Append(CultureInfo.InvariantCulture, $": {count}");
        }

        if (tally.Invited > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nInvitations sent: {tally.Invited}");
        }

        if (failed.Count == 0)
        {
            text.Append("\nNothing failed.");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"\n⚠️ Failed: {failed.Count} (on the status page; the reconcile run tries them again)");
            foreach (var group in failed.GroupBy(f => f.Problem ?? "no reason recorded").OrderByDescending(g => g.Count()).Take(5))
            {
                text.Append("\n• ").Append(InvitationCommands.Escape(group.Key)).Append(CultureInfo.InvariantCulture, $": {group.Count()}");
            }
        }

        return text.ToString();
    }

    private static partial class Log
    {
        [LoggerMessage(9612, LogLevel.Information, "RecruitingSummary: {Written} record(s), {Failed} failed; sent: {Sent}.")]
        public static partial void Sent(ILogger logger, int written, int failed, bool sent);
    }
}
