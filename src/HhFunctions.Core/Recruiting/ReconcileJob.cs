using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.Queues;
using HhFunctions.State;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Recruiting;

/// <summary>
/// ReconcileResponses: hh.ru does not guarantee callbacks, so every run checks the subscription, walks the
/// employer's active vacancies and each one's visible collections newest first, stops at what it has already taken,
/// and queues every response it never saw; it re-queues the failed ones and starts a CRM write. With callbacks off
/// entirely, every response still lands within one interval.
/// </summary>
public sealed partial class ReconcileJob(
    HhClient hh,
    TokenManager tokens,
    EmployerPacer pacer,
    IStateStore state,
    IRecruitingStore store,
    IQueue<RecruitingEvent> queue,
    SubscriptionKeeper subscription,
    CrmDrainScheduler drains,
    IDistributedLock locks,
    TimeProvider time,
    ILogger<ReconcileJob> logger,
    StageWriter stages,
    SyncBack syncBack,
    VacancyRoster roster)
{
    public const string LockName = "hh-recruiting-reconcile";

    /// <summary>Items past the first one already taken that are still checked (a response may be older than one seen).</summary>
    public const int SafetyMargin = 10;

    public const int MaxPagesPerCollection = 40;

    public async Task<string> RunAsync(CancellationToken ct)
    {
        using var span = Observability.AppTelemetry.StartRun("reconcile");
        var account = await state.GetAccountAsync(ct);
        if (!account.IsEmployer || account.EmployerId is not { } employerId)
        {
            return "skipped: the connected hh.ru account is not an employer's";
        }

        await using var lease = await locks.TryAcquireAsync(LockName, TimeSpan.FromMinutes(10), TimeSpan.Zero, ct);
        if (lease is null)
        {
            return "skipped: another reconcile run is in progress";
        }

        var subscribed = await subscription.EnsureAsync(ct);
        int vacancies = 0, queued = 0, retried = 0;
        string? problem = null;
        var listed = new List<(string Id, string? Name)>();
        try
        {
            for (var page = 0; page < 100; page++)
            {
                var list = await CallAsync((t, c) => hh.GetActiveVacanciesAsync(t, employerId, page, c), ct);
                foreach (var vacancy in list.Items ?? [])
                {
                    vacancies++;
                    listed.Add((vacancy.Id, vacancy.Name));
                    queued += await SweepVacancyAsync(vacancy.Id, ct);
                }

                if (page + 1 >= list.Pages || list.Items is not { Count: > 0 })
                {
                    break;
                }
            }
        }
        catch (HhApiException ex)
        {
            problem = ex.Error.Message;
            if (HhRefusals.IsThrottle(ex.Error))
            {
                pacer.SlowDown();
            }
        }
        catch (TokenUnavailableException ex)
        {
            problem = ex.Message;
        }

        await roster.RecordAsync(listed, complete: problem is null, ct);
        var now = time.GetUtcNow();
        foreach (var failed in await store.ListFailedAsync(200, ct))
        {
            await queue.SendAsync(new RecruitingEvent(failed.TopicId, RecruitingEvent.NewResponse, RecruitingEvent.FromRetry, now), ct);
            retried++;
        }

        await drains.ScheduleAsync(TimeSpan.Zero, ct);
        var crmMoves = await FindLostCrmMovesAsync(ct);
        var summary = $"{vacancies} vacancy(ies), {queued} response(s) never seen queued, {retried} failed one(s) retried; {subscribed}"
            + (crmMoves is null ? string.Empty : "; " + crmMoves)
            + (problem is null ? string.Empty : "; stopped early: " + problem);
        await store.UpdateStateAsync(s => s with { LastReconcileAt = now, LastReconcileSummary = summary }, ct);
        Log.Ran(logger, summary);
        return summary;
    }

    private async Task<int> SweepVacancyAsync(string vacancyId, CancellationToken ct)
    {
        var listedAt = time.GetUtcNow(); // the sizes are hh.ru's at about this moment: what the app hears of later is news
        var collections = await CallAsync((t, c) => hh.GetNegotiationCollectionsAsync(t, vacancyId, c), ct);
        var totals = (await store.GetStateAsync(ct)).CollectionTotals;
        var queued = 0;
        foreach (var collection in collections.Collections ?? [])
        {
            if (collection.Hidden == true)
            {
                continue;
            }

            // Newest first, stopping past what it knew before its last walk, finds new responses. A response that
            // moved into this collection long after it arrived (its state-change callback lost) sits further down,
            // by its arrival date: when the collection grew by more than what this walk can account for (new
            // responses, state changes noticed now, changes the app heard of since the last walk), it walks on
            // (up to MaxPagesPerCollection) until the growth is accounted for or the collection ends.
            var key = vacancyId + "/" + collection.Id;
            var total = collection.Counters?.Total;
            var last = totals.FirstOrDefault(c => c.Key == key);
            var growth = total is { } now && last is not null ? now - last.Total : 0;
            var since = last?.At ?? DateTimeOffset.MaxValue;

            var url = collection.OrderTypes?.FirstOrDefault(o => o.Id == "created_at")?.Url ?? collection.Url;
            if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var address))
            {
                continue;
            }

            var beyondKnown = 0;
            var explained = 0;
            var complete = false;
            for (var page = 0; page < MaxPagesPerCollection; page++)
            {
                var items = await CallAsync((t, c) => hh.GetCollectionPageAsync(t, address, page, c), ct);
                var stop = false;
                foreach (var item in items.Items ?? [])
                {
                    var known = await store.GetTopicAsync(item.Id, ct);
                    if (known is null)
                    {
                        await queue.SendAsync(new RecruitingEvent(item.Id, RecruitingEvent.NewResponse, RecruitingEvent.FromPoll, time.GetUtcNow()) { VacancyId = vacancyId }, ct);
                        queued++;
                        explained++;
                    }
                    else if (await stages.NoteHhStateAsync(item.Id, item.EmployerState?.Id, ct) // a state change whose callback was lost: its CRM stage follows
                        || known.FirstSeenAt > since || known.HhStageSeenAt > since)
                    {
                        explained++;
                    }
                    else if (++beyondKnown > SafetyMargin && explained >= growth)
                    {
                        stop = true;
                        break;
                    }
                }

                if (stop || explained >= growth && beyondKnown > SafetyMargin)
                {
                    complete = explained >= growth;
                    break;
                }

                if (page + 1 >= items.Pages || items.Items is not { Count: > 0 })
                {
                    complete = true;
                    break;
                }
            }

            if (total is not null && complete)
            {
                await store.UpdateStateAsync(s => s with { CollectionTotals = [.. s.CollectionTotals.Where(c => c.Key != key), new CollectionTotal(key, total.Value, listedAt)] }, ct);
            }
        }

        return queued;
    }

    /// <summary>Sync back's fallback for lost Bitrix24 events (Recruiting__SyncBack); null when it is off.</summary>
    private async Task<string?> FindLostCrmMovesAsync(CancellationToken ct)
    {
        if (!syncBack.Enabled)
        {
            return null;
        }

        try
        {
            return await syncBack.FindLostEventsAsync(ct);
        }
        catch (SyncBackRetryException ex)
        {
            return "sync back: not checked (" + ex.Message + ")";
        }
    }

    private async Task<T> CallAsync<T>(Func<string, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        await pacer.WaitTurnAsync(ct);
        return await tokens.WithAccessTokenAsync(call, ct);
    }

    private static partial class Log
    {
        [LoggerMessage(9401, LogLevel.Information, "ReconcileResponses: {Summary}.")]
        public static partial void Ran(ILogger logger, string summary);
    }
}
