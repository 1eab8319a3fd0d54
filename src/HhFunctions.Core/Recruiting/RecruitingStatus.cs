using System.Globalization;
using HhFunctions.Bitrix24;
using HhFunctions.State;
using HhFunctions.StatusPage;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>Recruiting's section of the status page and /status: counts, the subscription, pauses, and each failed response with its reason.</summary>
public sealed class RecruitingStatus(IRecruitingStore store, IStateStore state, IOptions<Bitrix24Options> bitrix24, TimeProvider time) : IStatusSection
{
    public const int FailedShown = 20;

    public Task<StatusSection?> GetAsync(CancellationToken ct) => GetAsync(null, ct);

    /// <summary>
    /// The section; with <paramref name="topics"/> (every topic, as the desk has already listed them) the waiting count
    /// and the failed responses come from that list instead of the store's outbox and failed lists (one read each per
    /// topic in the Table store).
    /// </summary>
    public async Task<StatusSection?> GetAsync(IReadOnlyList<TopicRecord>? topics, CancellationToken ct)
    {
        var account = await state.GetAccountAsync(ct);
        var s = await store.GetStateAsync(ct);
        var crmConfigured = !string.IsNullOrWhiteSpace(bitrix24.Value.WebhookUrl); // the client is not built for this
        if (!account.IsEmployer && s.Written == 0 && !crmConfigured)
        {
            return null;
        }

        var lines = new List<StatusLine>();
        var now = time.GetUtcNow();
        if (!account.IsEmployer)
        {
            lines.Add(new("Responses are read with an employer's account; the connected one is not (connect the company's manager account).", "warn"));
        }

        lines.Add(crmConfigured
            ? new($"{s.Written.ToString(CultureInfo.InvariantCulture)} response(s) written into Bitrix24.", "ok")
            : new("Bitrix24__WebhookUrl is not set: responses wait in the outbox.", "warn"));
        var waiting = topics is null ? (await store.ListOutboxAsync(1000, ct)).Count : Math.Min(1000, topics.Count(RecruitingKeys.InOutbox));
        if (waiting > 0)
        {
            lines.Add(new($"{waiting.ToString(CultureInfo.InvariantCulture)} response(s) waiting for their CRM write.", "muted"));
        }

        lines.Add(s.SubscribedAt is { } at
            ? new("hh.ru sends responses to this app (subscribed " + at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC).", "muted")
            : new("No hh.ru webhook subscription yet: the reconcile run brings responses in.", "muted"));
        if (s.LastReconcileAt is { } last)
        {
            lines.Add(new("Last reconcile " + last.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC: " + s.LastReconcileSummary, "muted"));
        }

        if (s.CrmStopped is { } stopped)
        {
            lines.Add(new("Bitrix24 writing stopped: " + stopped + " Every response is kept.", "bad"));
        }

        if (s.CrmTroubleSince is { } trouble)
        {
            lines.Add(new("Bitrix24 has not accepted writes since " + trouble.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC; tried again every minute, every response is kept.", "warn"));
        }

        if (s.CrmPausedUntil is { } paused && paused > now)
        {
            lines.Add(new("Bitrix24's time limit: writing resumes at " + paused.ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC.", "warn"));
        }

        if (s.ViewLimitUntil is { } limit && limit > now)
        {
            lines.Add(new("hh.ru's daily resume-view limit is reached: responses wait until " + limit.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture) + ".", "warn"));
        }

        var failures = topics is null
            ? await store.ListFailedAsync(FailedShown, ct)
            : [.. topics.Where(t => t.Status == TopicStatus.Failed).OrderBy(t => t.FirstSeenAt).ThenBy(t => t.TopicId, StringComparer.Ordinal).Take(FailedShown)];
        foreach (var failed in failures)
        {
            lines.Add(new($"Response {failed.TopicId} failed ({failed.Failures.ToString(CultureInfo.InvariantCulture)} attempts): {failed.Problem} The next reconcile run tries again.", "bad"));
        }

        return new StatusSection("recruiting", "Recruiting (hh.ru → Bitrix24)", lines);
    }
}
