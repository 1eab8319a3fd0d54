using System.Diagnostics;
using System.Net;
using HhFunctions.Bumping;
using HhFunctions.Observability;
using HhFunctions.Queues;
using HhFunctions.Testing;
using HhFunctions.Tests.Bumping;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Recruiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.Observability;

/// <summary>What the app's metrics and spans say for a bump run, a token refresh, a failed hh.ru call, a queue message and a recruiting event (docs/observability.md).</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task BumpRun_RecordsRaisesByOutcome_ARunSpan_AndAClientSpanPerHhCall()
    {
        using var capture = new TelemetryCapture();
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        var now = app.Time.GetUtcNow();
        app.Hh.AddResume("r1", "Developer");
        app.Hh.AddResume("r2", "Tester", nextPublishAt: now.AddHours(3));

        await app.RunAsync();

        Assert.Equal(1, capture.Sum("hhfunctions.bump.raises", ("outcome", "done")));
        Assert.Equal(1, capture.Sum("hhfunctions.bump.raises", ("outcome", "not_yet")));
        var run = Assert.Single(capture.Spans, s => s.DisplayName == "bump run");
        var publish = Assert.Single(capture.Spans, s => s.DisplayName == "hh.ru POST resumes/{id}/publish");
        Assert.Equal(run.TraceId, publish.TraceId);
        Assert.Equal(ActivityKind.Client, publish.Kind);
        Assert.Equal("https://api.hh.ru/resumes/{redacted}/publish", publish.GetTagItem("url.full"));
        Assert.Equal(1, capture.Sum("hhfunctions.hh.requests", ("hhfunctions.operation", "POST resumes/{id}/publish"), ("http.status_class", "2xx")));
    }

    [Fact]
    public async Task TokenRefresh_CountsTheRotation()
    {
        using var capture = new TelemetryCapture();
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        app.Time.Advance(TimeSpan.FromDays(15)); // past the stored expiry: the run refreshes first

        await app.RunAsync();

        Assert.Equal(1, app.Hh.SuccessfulRefreshes);
        Assert.Equal(1, capture.Sum("hhfunctions.token.refreshes", ("outcome", "rotated")));
        Assert.Equal(1, capture.Sum("hhfunctions.hh.requests", ("hhfunctions.operation", "POST token"), ("http.status_class", "2xx")));
    }

    [Fact]
    public async Task FailedHhCall_CountedByStatusClass_AndItsSpanMarkedFailed()
    {
        using var capture = new TelemetryCapture();
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        app.Hh.Fail("resumes/r1/publish", () => FakeHhApi.Json(HttpStatusCode.BadRequest, "{\"errors\":[{\"type\":\"bad_argument\",\"value\":\"resume_id\"}]}"), times: 5);

        var result = await app.RunAsync();

        Assert.Equal(HhFunctions.State.ResumeOutcome.Failed, Assert.Single(result.Results).Outcome);
        Assert.Equal(1, capture.Sum("hhfunctions.bump.raises", ("outcome", "failed")));
        Assert.True(capture.Sum("hhfunctions.hh.requests", ("hhfunctions.operation", "POST resumes/{id}/publish"), ("http.status_class", "4xx")) >= 1);
        var span = capture.Spans.First(s => s.DisplayName == "hh.ru POST resumes/{id}/publish");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(400, span.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task QueueMessage_CarriesTheSendersTraceContext_IntoItsHandlersSpan_AndItsAge()
    {
        using var capture = new TelemetryCapture();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
        ActivityTraceId sent;
        string body;
        using (var webhook = AppTelemetry.Source.StartActivity("test webhook"))
        {
            sent = webhook!.TraceId;
            body = QueueTrace.Stamp(BumpRequest.Queue, new BumpRequest("test", time.GetUtcNow()).ToJson(), TimeSpan.FromSeconds(30), time);
        }

        time.Advance(TimeSpan.FromSeconds(42)); // visible after 30 s, handled 12 s later
        var handler = new Recorder();
        await QueueTrace.HandleAsync(handler, body, time, CancellationToken.None);

        Assert.Equal("test", handler.Message!.Trigger); // the message's own Parse ignores the added properties
        Assert.Equal(sent, handler.TraceId);
        var process = Assert.Single(capture.Spans, s => s.DisplayName == BumpRequest.Queue + " process");
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Contains(capture.Spans, s => s.DisplayName == BumpRequest.Queue + " send" && s.SpanId == process.ParentSpanId);
        Assert.Equal(12, capture.Sum("hhfunctions.queue.message.age", ("messaging.destination.name", BumpRequest.Queue)), 3);
    }

    [Fact]
    public async Task RecruitingEvent_ReceivedAndSynced_WithTheLagAndBitrixRequests_AndNoPersonalValueOrSecretInAnyTag()
    {
        using var capture = new TelemetryCapture();
        using var kit = RecruitingKit.Create();
        kit.Employer.AddVacancy("v1", "C# developer");
        await kit.ConnectEmployerAccountAsync();
        kit.Employer.AddResume("r1", "Anna", "Petrova", "owner-1");
        kit.Employer.AddResponse("v1", "r1");

        await kit.DeliverCallbacksAsync();
        await kit.ProcessEventsAsync();
        await kit.DrainAsync();

        Assert.Equal(1, capture.Sum("hhfunctions.recruiting.events.received", ("source", "webhook")));
        Assert.Equal(1, capture.Sum("hhfunctions.recruiting.events.synced", ("kind", "lead")));
        Assert.Single(capture.Measurements, m => m.Instrument == "hhfunctions.recruiting.sync.lag");
        Assert.Contains(capture.Measurements, m => m.Instrument == "hhfunctions.bitrix24.requests");
        Assert.Contains(capture.Spans, s => s.DisplayName.StartsWith("bitrix24 ", StringComparison.Ordinal));

        string[] forbidden = ["Anna", "Petrova", "79261234567", "926", "candidate@example.com", "@example.com", RecruitingKit.WebhookKey, .. FakeBitrix24Portal.Secrets, .. kit.App.Hh.Secrets, FakeHhApi.ClientSecret, FakeTelegramApi.BotToken];
        var texts = capture.Texts();
        Assert.NotEmpty(texts);
        var leaks = forbidden.SelectMany(f => texts.Where(t => t.Contains(f, StringComparison.Ordinal)).Select(t => f[..Math.Min(4, f.Length)] + "…: " + t)).ToList();
        Reliability.ReliabilityLedger.Record(Reliability.LedgerKind.Secrets, "recruiting logs: telemetry tags and span attributes", leaks.Count == 0, 0, $"{forbidden.Length} values against {texts.Count} tags; leaks: {string.Join(", ", leaks)}");
        Assert.Empty(leaks);
    }

    [Fact]
    public async Task RecruitingEvent_RefusedForGood_CountedAsAFailedRead_NothingSynced()
    {
        using var capture = new TelemetryCapture();
        using var kit = RecruitingKit.Create();
        kit.Employer.AddVacancy("v1", "C# developer");
        await kit.ConnectEmployerAccountAsync();
        kit.Employer.PaidAccessRequired = true; // hh.ru refuses every read: retrying changes nothing
        kit.Employer.AddResume("r1", "Anna", "Petrova", "owner-1");
        kit.Employer.AddResponse("v1", "r1");

        await kit.DeliverCallbacksAsync();
        await kit.ProcessEventsAsync();
        await kit.DrainAsync();

        Assert.Equal(1, capture.Sum("hhfunctions.recruiting.events.failed", ("stage", "read")));
        Assert.DoesNotContain(capture.Measurements, m => m.Instrument == "hhfunctions.recruiting.events.synced");
    }

    private sealed class Recorder : IQueueHandler<BumpRequest>
    {
        public BumpRequest? Message { get; private set; }

        public ActivityTraceId TraceId { get; private set; }

        public Task HandleAsync(BumpRequest message, CancellationToken ct)
        {
            Message = message;
            TraceId = Activity.Current?.TraceId ?? default;
            return Task.CompletedTask;
        }
    }
}
