using System.Collections.Concurrent;
using System.Net;
using System.Text;
using HhFunctions.Queues;
using HhFunctions.Recruiting;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Recruiting;

/// <summary>
/// POST /api/hh/webhook/{key}: hh.ru's callbacks are checked (key, size, shape), taken once and queued, and answered
/// at once; nothing is queued for a wrong key, a bad body or a repeat, and a queue that is down makes hh.ru send again.
/// </summary>
public sealed class HhWebhookEndpointTests : IDisposable
{
    public const string Key = "test-webhook-key_0123456789abcdefghijklmnop";

    private readonly SentMessages<RecruitingEvent> _queue = new();
    private readonly AppFactory _app;

    public HhWebhookEndpointTests()
    {
        _app = AppFactory.With(new Dictionary<string, string?> { ["Recruiting:WebhookKey"] = Key })
            .WithServices(s => s.AddSingleton<IQueue<RecruitingEvent>>(_queue));
    }

    public void Dispose() => _app.Dispose();

    public static string Callback(string id = "msg-1", string action = RecruitingEvent.NewResponseOrInvitation, string topic = "4000001", string? toState = null)
    {
        var payload = new System.Text.Json.Nodes.JsonObject
        {
            ["topic_id"] = topic, ["vacancy_id"] = "700", ["resume_id"] = "r1", ["employer_id"] = "42",
            ["response_date"] = "2026-12-07T10:00:00+0300", ["chat_id"] = "9",
        };
        if (toState is not null)
        {
            payload["from_state"] = "response";
            payload["to_state"] = toState;
        }

        return new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = id, ["subscription_id"] = "sub-1", ["action_type"] = action, ["user_id"] = "0", ["payload"] = payload,
        }.ToJsonString();
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string body, string key = Key, string contentType = "application/json")
    {
        using var client = _app.CreateClient();
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await client.PostAsync(new Uri($"/api/hh/webhook/{key}", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NewResponse_RightKey_202AndOneEventWithTheTopic()
    {
        var (status, _) = await PostAsync(Callback());

        Assert.Equal(HttpStatusCode.Accepted, status);
        var queued = Assert.Single(_queue.Sent);
        Assert.Equal("4000001", queued.Message.TopicId);
        Assert.Equal("700", queued.Message.VacancyId);
        Assert.Equal(RecruitingEvent.FromWebhook, queued.Message.Source);
        Assert.Equal(TimeSpan.Zero, queued.Delay);
    }

    [Fact]
    public async Task StateChange_CarriesTheNewStage()
    {
        var (status, _) = await PostAsync(Callback(action: RecruitingEvent.StateChange, toState: "interview"));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("interview", Assert.Single(_queue.Sent).Message.ToState);
    }

    [Fact]
    public async Task SameCallbackTwice_SecondIs409AndNotQueued()
    {
        var first = await PostAsync(Callback(id: "dup-1"));
        var second = await PostAsync(Callback(id: "dup-1"));

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Single(_queue.Sent);
    }

    [Fact]
    public async Task SameTopicUnderANewMessageId_QueuedAgain_TheHandlerDecides()
    {
        await PostAsync(Callback(id: "m1"));
        await PostAsync(Callback(id: "m2", action: RecruitingEvent.StateChange, toState: "discard"));

        Assert.Equal(2, _queue.Sent.Count);
    }

    [Theory]
    [InlineData("wrong-key_0123456789abcdefghijklmnopqrstuv")]
    [InlineData("x")]
    [InlineData("test-webhook-key_0123456789abcdefghijklmno")] // one character short
    public async Task WrongKey_404AndNothingQueued(string key)
    {
        var (status, body) = await PostAsync(Callback(), key);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain(Key, body, StringComparison.Ordinal);
        Assert.Empty(_queue.Sent);
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"action_type":"NEW_RESPONSE_OR_INVITATION_VACANCY","payload":{}}""", "id and action_type")]
    [InlineData("""{"id":"1","action_type":"NEW_RESPONSE_OR_INVITATION_VACANCY","payload":"x"}""", "payload must be an object")]
    [InlineData("""{"id":"1","action_type":"NEW_RESPONSE_OR_INVITATION_VACANCY","payload":{"topic_id":"../../etc"}}""", "topic_id")]
    public async Task NotANotification_400SayingWhyAndNothingQueued(string body, string reason)
    {
        var (status, text) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, text, StringComparison.Ordinal);
        Assert.Empty(_queue.Sent);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.hh+json")]
    [InlineData("text/json")]
    [InlineData(null)] // no Content-Type at all: read as JSON
    public async Task JsonOrNoContentType_Accepted(string? contentType)
    {
        using var client = _app.CreateClient();
        using var content = new StringContent(Callback());
        content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await client.PostAsync(new Uri($"/api/hh/webhook/{Key}", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(_queue.Sent);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task OtherContentType_415AndNothingQueued(string contentType)
    {
        var (status, body) = await PostAsync(Callback(), contentType: contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("must be JSON", body, StringComparison.Ordinal);
        Assert.Empty(_queue.Sent);
    }

    [Fact]
    public async Task IdsAsWholeNumbers_TakenAsTheirDigits()
    {
        var (status, _) = await PostAsync("""{"id":278667,"subscription_id":"s","action_type":"NEW_RESPONSE_OR_INVITATION_VACANCY","user_id":0,"payload":{"topic_id":4574397199,"vacancy_id":700}}""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        var queued = Assert.Single(_queue.Sent).Message;
        Assert.Equal("4574397199", queued.TopicId);
        Assert.Equal("700", queued.VacancyId);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("4574397199.5")]
    [InlineData("-4574397199")]
    [InlineData("99999999999999999999999999999999")]
    public async Task TopicIdAsANumberNoIdCanBe_400AndNothingQueued(string number)
    {
        var (status, body) = await PostAsync("""{"id":"n1","action_type":"NEW_RESPONSE_OR_INVITATION_VACANCY","payload":{"topic_id":""" + number + "}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("payload.topic_id", body, StringComparison.Ordinal);
        Assert.Empty(_queue.Sent);
    }

    [Fact]
    public async Task Oversized_413AndNothingQueued()
    {
        var body = Callback().Replace("\"chat_id\":\"9\"", "\"chat_id\":\"9\",\"pad\":\"" + new string('a', RecruitingEndpoints.MaxBodyBytes) + "\"", StringComparison.Ordinal);

        var (status, _) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Empty(_queue.Sent);
    }

    [Fact]
    public async Task VacancyAction_AcknowledgedButNotQueued()
    {
        var (status, _) = await PostAsync("""{"id":"v1","subscription_id":"s","action_type":"VACANCY_CHANGE","user_id":"1","payload":{"vacancy_id":"700","change_date":"2026-12-07T10:00:00+0300"}}""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Empty(_queue.Sent);
    }

    [Fact]
    public async Task QueueDown_503_AndTheSameCallbackIsTakenWhenHhRuSendsItAgain()
    {
        _queue.FailNext = 1;

        var first = await PostAsync(Callback(id: "retry-1"));
        var again = await PostAsync(Callback(id: "retry-1"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        Assert.Single(_queue.Sent);
    }

    [Fact]
    public async Task WrongMethod_405()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(new Uri($"/api/hh/webhook/{Key}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Logs_NeverHoldTheKey()
    {
        await PostAsync(Callback());
        await PostAsync(Callback(), "wrong-key_0123456789abcdefghijklmnopqrstuv");
        await PostAsync("nonsense");

        // The scopes too: ASP.NET Core's hosting diagnostics would put the request path (with the key) on every record.
        var logs = string.Join('\n', _app.Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception + " "
            + string.Join(";", r.Scopes.Select(s => s?.ToString())) + " " + string.Join(";", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])));
        Assert.Contains("HhWebhook", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key_0123456789", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoKeyConfigured_TheAppMakesOneKeepsItAndRefusesOthers()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Recruiting:WebhookKey"] = null })
            .WithServices(s => s.AddSingleton<IQueue<RecruitingEvent>>(_queue));
        var made = await app.Services.GetRequiredService<WebhookKeys>().GetAsync(CancellationToken.None);
        using var client = app.CreateClient();

        using var wrong = await client.PostAsync(new Uri($"/api/hh/webhook/{Key}", UriKind.Relative), new StringContent(Callback(), Encoding.UTF8, "application/json"));
        using var right = await client.PostAsync(new Uri($"/api/hh/webhook/{made}", UriKind.Relative), new StringContent(Callback(), Encoding.UTF8, "application/json"));
        using var restarted = app.Sibling();
        var again = await restarted.Services.GetRequiredService<WebhookKeys>().GetAsync(CancellationToken.None);

        Assert.True(WebhookKeys.IsWellFormed(made));
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
        Assert.Equal(made, again);
    }
}

/// <summary>An <see cref="IQueue{TMessage}"/> that records what is sent (and can fail the next sends).</summary>
public sealed class SentMessages<T> : IQueue<T>
{
    private int _failNext;

    public ConcurrentQueue<(T Message, TimeSpan Delay)> SentQueue { get; } = new();

    public IReadOnlyList<(T Message, TimeSpan Delay)> Sent => SentQueue.ToList();

    public int FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    public Task SendAsync(T message, TimeSpan delay, CancellationToken ct)
    {
        if (Volatile.Read(ref _failNext) > 0)
        {
            Interlocked.Decrement(ref _failNext);
            throw new InvalidOperationException("queue unavailable (test)");
        }

        SentQueue.Enqueue((message, delay));
        return Task.CompletedTask;
    }

    /// <summary>Takes everything sent so far.</summary>
    public IReadOnlyList<(T Message, TimeSpan Delay)> Drain()
    {
        var all = new List<(T, TimeSpan)>();
        while (SentQueue.TryDequeue(out var item))
        {
            all.Add(item);
        }

        return all;
    }
}
