using System.Net;
using HhFunctions.Queues;
using HhFunctions.Recruiting;
using HhFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Recruiting;

/// <summary>
/// <see cref="RecruitingKit"/> with stages both ways: sync back on (Bitrix24__OutgoingToken set), the portal's
/// outgoing webhook pointed at the app's bitrix/events/{key} route, and sync back's queue recorded so a test hands its
/// messages to the handler itself (as the queue would: a throwing one tried again, 3 attempts in all).
/// </summary>
public sealed class StageKit : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Limit = TimeSpan.FromHours(1);

    private StageKit(RecruitingKit kit, SentMessages<CrmStageEvent> crmEvents)
    {
        Kit = kit;
        CrmEvents = crmEvents;
    }

    public static Uri EventsUrl { get; } = new($"https://hhfunctions.example/api/bitrix/events/{RecruitingKit.WebhookKey}");

    public RecruitingKit Kit { get; }

    /// <summary>Sync back's queue (from the bitrix/events route and the reconcile fallback).</summary>
    public SentMessages<CrmStageEvent> CrmEvents { get; }

    public FakeHhEmployer Employer => Kit.Employer;

    public FakeBitrix24Portal Portal => Kit.Portal;

    public static StageKit Create(IDictionary<string, string?>? settings = null, bool syncBack = true)
    {
        var all = new Dictionary<string, string?>
        {
            ["Recruiting:SyncBack"] = syncBack ? "true" : "false",
            ["Bitrix24:OutgoingToken"] = FakeBitrix24Portal.OutgoingToken,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var crmEvents = new SentMessages<CrmStageEvent>();
        var kit = RecruitingKit.Create(all, s => s.AddSingleton<IQueue<CrmStageEvent>>(crmEvents));
        kit.Portal.AddOutgoingWebhook(EventsUrl, "ONCRMLEADUPDATE", "ONCRMDEALUPDATE");
        kit.Employer.AddVacancy("v1", "C# developer");
        return new StageKit(kit, crmEvents);
    }

    /// <summary>A second app instance on the same store, fakes and clock, with its own queues.</summary>
    public StageKit Sibling()
    {
        var crmEvents = new SentMessages<CrmStageEvent>();
        return new StageKit(Kit.Sibling(s => s.AddSingleton<IQueue<CrmStageEvent>>(crmEvents)), crmEvents);
    }

    /// <summary>hh.ru's callbacks delivered, the events handled, the outbox written (the stage changes too).</summary>
    public async Task RunHhSideAsync()
    {
        await Kit.DeliverCallbacksAsync();
        await Kit.ProcessEventsAsync();
        await Kit.DrainAsync();
    }

    /// <summary>Candidate <paramref name="n"/> (a person of their own) responds and is written into the CRM: the topic id and the lead (or deal) id.</summary>
    public async Task<(string TopicId, long CrmId)> WrittenResponseAsync(int n)
    {
        var resume = Employer.AddResume("r" + n, "Anna", "Petrova", "owner-" + n);
        resume.Phone = new FakePhone("7", "916", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"000-00-{n:00}"));
        resume.Email = $"c{n}@example.com";
        var topic = Employer.AddResponse("v1", resume.Id);
        await RunHhSideAsync();
        var record = await Kit.TopicAsync(topic.Id);
        Assert.Equal(TopicStatus.Written, record!.Status);
        return (topic.Id, record.CrmId!.Value);
    }

    /// <summary>The portal's pending outgoing events posted to the app's route (each <paramref name="times"/> times).</summary>
    public Task<IReadOnlyList<HttpStatusCode>> DeliverCrmEventsAsync(int times = 1) =>
        Portal.DeliverOutgoingEventsAsync(Kit.App.Server.CreateHandler(), times);

    /// <summary>Hands every recorded sync-back message to the handler, 3 attempts each; returns how many attempts threw.</summary>
    public async Task<int> ProcessCrmEventsAsync()
    {
        var failed = 0;
        for (var taken = CrmEvents.Drain(); taken.Count > 0; taken = CrmEvents.Drain())
        {
            foreach (var (message, _) in taken)
            {
                for (var attempt = 1; attempt <= QueueLimits.MaxDequeueCount; attempt++)
                {
                    if (await TryHandleAsync(message))
                    {
                        break;
                    }

                    failed++;
                }
            }
        }

        return failed;
    }

    /// <summary>One attempt at one message; false when it threw (the queue would try again).</summary>
    public async Task<bool> TryHandleAsync(CrmStageEvent message)
    {
        try
        {
            using var scope = Kit.Services.CreateScope();
            await Kit.App.Time.RunAsync(Task.Run(async () =>
            {
                await scope.ServiceProvider.GetRequiredService<IQueueHandler<CrmStageEvent>>().HandleAsync(message, CancellationToken.None);
                return true;
            }), Step, Limit);
            return true;
        }
        catch (SyncBackRetryException)
        {
            return false;
        }
    }

    public void Dispose() => Kit.Dispose();
}
