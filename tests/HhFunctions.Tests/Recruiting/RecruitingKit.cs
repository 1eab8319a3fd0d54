using HhFunctions.Queues;
using HhFunctions.Recruiting;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Recruiting;

/// <summary>
/// The app with recruiting pointed at the fake Bitrix24 portal. The CRM-write queue records what is booked instead
/// of delivering it, so a test runs each drain itself (and can run two at once).
/// </summary>
public sealed class RecruitingKit : IDisposable
{
    public const string WebhookKey = HhWebhookEndpointTests.Key;

    private RecruitingKit(AppFactory app, SentMessages<CrmDrain> drains, SentMessages<RecruitingEvent> events)
    {
        App = app;
        Drains = drains;
        Events = events;
    }

    /// <summary>Events queued by the webhook and reconcile; <see cref="ProcessEventsAsync"/> hands them to the handler.</summary>
    public SentMessages<RecruitingEvent> Events { get; }

    public FakeHhEmployer Employer => App.Hh.Employer;

    /// <summary>
    /// Fake time moves this much per idle moment while the app works: small, so hh.ru's and Bitrix24's attempt
    /// timeouts (20 s, 60 s) take hundreds of steps and a busy machine cannot make them fire on a fake that answers.
    /// </summary>
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan Limit = TimeSpan.FromHours(1);

    public AppFactory App { get; }

    public FakeBitrix24Portal Portal => App.Bitrix24;

    public SentMessages<CrmDrain> Drains { get; }

    public IServiceProvider Services => App.Services;

    public IRecruitingStore Store => Services.GetRequiredService<IRecruitingStore>();

    public static RecruitingKit Create(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Bitrix24:WebhookUrl"] = FakeBitrix24Portal.WebhookUrl.AbsoluteUri,
            ["Recruiting:WebhookKey"] = WebhookKey,
            ["Recruiting:StandaloneScheduler"] = "false",
            ["Recruiting:AttachResume"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var drains = new SentMessages<CrmDrain>();
        var events = new SentMessages<RecruitingEvent>();
        var app = AppFactory.With(all).WithServices(s =>
        {
            s.AddSingleton<IQueue<CrmDrain>>(drains).AddSingleton<IQueue<RecruitingEvent>>(events);
            services?.Invoke(s);
        });
        return new RecruitingKit(app, drains, events);
    }

    /// <summary>Another instance on the same stores, clock and fakes, with its own drain recorder.</summary>
    public RecruitingKit Sibling(Action<IServiceCollection>? services = null)
    {
        var drains = new SentMessages<CrmDrain>();
        var events = new SentMessages<RecruitingEvent>();
        return new RecruitingKit(App.Sibling(services: s =>
        {
            s.AddSingleton<IQueue<CrmDrain>>(drains).AddSingleton<IQueue<RecruitingEvent>>(events);
            services?.Invoke(s);
        }), drains, events);
    }

    public static Candidate Person(string topicId, string first = "Anna", string last = "Petrova", string? phone = "+79161234567", string? email = null, string? owner = null, string? vacancy = "C# developer") =>
        new(topicId, "700", vacancy, "resume-" + topicId, owner, first, last, null,
            phone is null ? [] : [phone], email is null ? [] : [email], "https://hh.ru/resume/resume-" + topicId, "Summary of " + first, null, []);

    /// <summary>Puts a read response in the outbox, as the events handler does.</summary>
    public async Task SeedAsync(params Candidate[] candidates)
    {
        var now = App.Time.GetUtcNow();
        foreach (var c in candidates)
        {
            await Store.UpdateTopicAsync(c.TopicId, _ => new TopicRecord(c.TopicId, TopicStatus.Pending, now, now) { Candidate = c, Source = RecruitingEvent.FromWebhook }, CancellationToken.None);
        }
    }

    public async Task<DrainResult> DrainAsync()
    {
        using var scope = Services.CreateScope();
        return await App.Time.RunAsync(scope.ServiceProvider.GetRequiredService<CrmWriter>().DrainAsync(CancellationToken.None), Step, Limit);
    }

    /// <summary>
    /// Hands every queued event to the handler as the queue would: one at a time, a throwing one tried again up to
    /// <see cref="QueueLimits.MaxDequeueCount"/> times; a delayed one only once fake time reaches it. Fake time is driven
    /// while the handler waits (hh.ru spacing). Returns how many were handled.
    /// </summary>
    public async Task<int> ProcessEventsAsync()
    {
        var handled = 0;
        var later = new List<(RecruitingEvent Message, TimeSpan Delay)>();
        for (var taken = Events.Drain(); taken.Count > 0; taken = Events.Drain())
        {
            foreach (var (message, delay) in taken)
            {
                if (delay > TimeSpan.Zero)
                {
                    later.Add((message, delay));
                    continue;
                }

                for (var attempt = 1; attempt <= QueueLimits.MaxDequeueCount; attempt++)
                {
                    try
                    {
                        using var scope = Services.CreateScope();
                        await App.Time.RunAsync(Task.Run(async () =>
                        {
                            await scope.ServiceProvider.GetRequiredService<IQueueHandler<RecruitingEvent>>().HandleAsync(message, CancellationToken.None);
                            return true;
                        }), Step, Limit);
                        break;
                    }
                    catch (RecruitingReadException)
                    {
                    }
                }

                handled++;
            }
        }

        foreach (var item in later)
        {
            Events.SentQueue.Enqueue(item);
        }

        return handled;
    }

    /// <summary>Delayed events become due (their delay has passed on the fake clock).</summary>
    public void ReleaseDelayedEvents()
    {
        var all = Events.Drain();
        foreach (var (message, _) in all)
        {
            Events.SentQueue.Enqueue((message, TimeSpan.Zero));
        }
    }

    /// <summary>hh.ru delivers its pending callbacks into the app's webhook route (in process).</summary>
    public Task<IReadOnlyList<FakeDeliveryAttempt>> DeliverCallbacksAsync() =>
        Employer.DeliverPendingAsync(App.Server.CreateHandler(), CancellationToken.None);

    /// <summary>An employer's account connected (tokens stored, kind recorded) and the app subscribed at hh.ru.</summary>
    public async Task ConnectEmployerAccountAsync()
    {
        App.Hh.IsEmployer = true;
        await App.ConnectAsync();
        await ConnectEmployerAsync();
        using var scope = Services.CreateScope();
        await App.Time.RunAsync(scope.ServiceProvider.GetRequiredService<SubscriptionKeeper>().EnsureAsync(CancellationToken.None), Step, Limit);
    }

    public async Task<string> ReconcileAsync()
    {
        using var scope = Services.CreateScope();
        return await App.Time.RunAsync(scope.ServiceProvider.GetRequiredService<ReconcileJob>().RunAsync(CancellationToken.None), Step, Limit);
    }

    public Task<TopicRecord?> TopicAsync(string topicId) => Store.GetTopicAsync(topicId, CancellationToken.None);

    public Task ConnectEmployerAsync() =>
        Services.GetRequiredService<IStateStore>().UpdateAccountAsync(a => a with { Kind = AccountKind.Employer, EmployerId = App.Hh.Employer.EmployerId, EmployerName = App.Hh.Employer.EmployerName, ManagerId = App.Hh.Employer.ManagerId }, CancellationToken.None);

    /// <summary>Every log line and exception, for checks that no personal data or secret is in them.</summary>
    public string AllLogs() => string.Join('\n', App.Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception));

    public void Dispose() => App.Dispose();
}
