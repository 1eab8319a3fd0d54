using System.Globalization;
using HhFunctions.Bitrix24;
using HhFunctions.Observability;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.StatusPage;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>
/// GET /api/health's "failedEvents": fewer than <see cref="Backlog"/> responses have failed (the reconcile run tries
/// them again; a pile means hh.ru or Bitrix24 keeps refusing). Healthy when recruiting is off.
/// </summary>
public sealed class FailedEventsProbe(IRecruitingStore store, IStateStore state, IOptions<Bitrix24Options> bitrix24) : IHealthProbe
{
    public const int Backlog = 10;

    public string Name => "failedEvents";

    public async Task<HealthCheck> CheckAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(bitrix24.Value.WebhookUrl) && !(await state.GetAccountAsync(ct)).IsEmployer)
        {
            return HealthCheck.Pass(Name, "recruiting is off");
        }

        var failed = (await store.ListFailedAsync(Backlog, ct)).Count;
        var text = (failed >= Backlog ? Backlog.ToString(CultureInfo.InvariantCulture) + " or more" : failed.ToString(CultureInfo.InvariantCulture)) + " failed response(s)";
        return failed >= Backlog ? HealthCheck.Fail(Name, text) : HealthCheck.Pass(Name, text);
    }
}

/// <summary>The status page's "Last 7 days": responses written into the CRM per day (when recruiting is on).</summary>
public sealed class SyncedPerDayChart(IRecruitingStore store, IStateStore state, IOptions<Bitrix24Options> bitrix24) : IStatusChart
{
    public async Task<StatusChart?> GetAsync(DateTimeOffset now, int days, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(bitrix24.Value.WebhookUrl) && !(await state.GetAccountAsync(ct)).IsEmployer)
        {
            return null;
        }

        var topics = await store.ListTopicsAsync(ct);
        return new StatusChart("synced-7d", "Responses written into Bitrix24", DayCount.PerDay(topics.Select(t => t.WrittenAt), now, days));
    }
}
