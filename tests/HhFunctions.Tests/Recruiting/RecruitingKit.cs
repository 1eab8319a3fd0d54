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

    private RecruitingKit(AppFactory app, SentMessages<CrmDrain> drains)
    {
        App = app;
        Drains = drains;
    }

    public AppFactory App { get; }

    public FakeBitrix24Portal Portal => App.Bitrix24;

    public SentMessages<CrmDrain> Drains { get; }

    public IServiceProvider Services => App.Services;

    public IRecruitingStore Store => Services.GetRequiredService<IRecruitingStore>();

    public static RecruitingKit Create(IDictionary<string, string?>? settings = null)
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
        var app = AppFactory.With(all).WithServices(s => s.AddSingleton<IQueue<CrmDrain>>(drains));
        return new RecruitingKit(app, drains);
    }

    /// <summary>Another instance on the same stores, clock and fakes, with its own drain recorder.</summary>
    public RecruitingKit Sibling()
    {
        var drains = new SentMessages<CrmDrain>();
        return new RecruitingKit(App.Sibling(services: s => s.AddSingleton<IQueue<CrmDrain>>(drains)), drains);
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
        return await scope.ServiceProvider.GetRequiredService<CrmWriter>().DrainAsync(CancellationToken.None);
    }

    public Task<TopicRecord?> TopicAsync(string topicId) => Store.GetTopicAsync(topicId, CancellationToken.None);

    public Task ConnectEmployerAsync() =>
        Services.GetRequiredService<IStateStore>().UpdateAccountAsync(a => a with { Kind = AccountKind.Employer, EmployerId = FakeEmployerId, ManagerId = "9001" }, CancellationToken.None);

    public const string FakeEmployerId = "42";

    /// <summary>Every log line and exception, for checks that no personal data or secret is in them.</summary>
    public string AllLogs() => string.Join('\n', App.Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception));

    public void Dispose() => App.Dispose();
}
