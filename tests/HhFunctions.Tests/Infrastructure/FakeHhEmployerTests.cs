using System.Net;
using System.Text.Json;
using HhFunctions.HeadHunter;
using HhFunctions.Queues;
using HhFunctions.Recruiting;
using HhFunctions.Testing;
using HhFunctions.Tests.Recruiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>
/// The fake hh.ru employer API keeps to the contract (../shared/hh-employer-api.md) where tests lean on it: paging and
/// order, the daily view limit, and the webhook delivery loop with its switches.
/// </summary>
public sealed class FakeHhEmployerTests : IDisposable
{
    private static readonly Uri CallbackUrl = new("https://hhfunctions.example/api/hh/webhook/k3y-0123456789abcdef0123456789abcdef");

    private readonly FakeTimeProvider _time = FakeClock.Create();
    private readonly FakeHhApi _hh;
    private readonly HttpClient _http;
    private readonly string _access;
    private readonly CallbackSink _sink;

    public FakeHhEmployerTests()
    {
        _hh = new FakeHhApi(_time) { IsEmployer = true };
        _http = new HttpClient(new FakeNetwork(_hh, new FakeTelegramApi()));
        HhTokenClient.ConfigureHttpClient(_http, new HhOptions { UserAgent = "HhFunctionsTests/1.0 (tests@example.com)" });
        (_access, _, _) = _hh.SeedTokens();
        _sink = new CallbackSink(_time);
        Employer.AddVacancy("v1", "C# developer");
    }

    public void Dispose()
    {
        _http.Dispose();
        _sink.Dispose();
    }

    private FakeHhEmployer Employer => _hh.Employer;

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string relative)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, relative);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _access);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // ---- reads ----

    [Fact]
    public async Task Me_EmployerAccount_GivesCompanyAndManagerIds()
    {
        // Act
        var me = await new HhClient(_http).GetMeAsync(_access, CancellationToken.None);

        // Assert
        Assert.True(me.IsEmployer);
        Assert.Equal(Employer.EmployerId, me.Employer!.Id);
        Assert.Equal(Employer.ManagerId, me.Manager!.Id);
        Assert.Equal(Employer.UserId, me.Id);
    }

    [Fact]
    public async Task CollectionPage_DefaultPaging_TwentyAPageNewestFirstAndPerPageOverFiftyRefused()
    {
        // Arrange
        for (var i = 1; i <= 25; i++)
        {
            Employer.AddResponse("v1", "r" + i);
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        // Act
        var (_, firstBody) = await GetAsync("negotiations/response?vacancy_id=v1");
        var (_, secondBody) = await GetAsync("negotiations/response?vacancy_id=v1&page=1");
        var (tooMany, _) = await GetAsync("negotiations/response?vacancy_id=v1&per_page=51");
        var (noVacancy, _) = await GetAsync("negotiations/response");

        // Assert
        using var first = JsonDocument.Parse(firstBody);
        using var second = JsonDocument.Parse(secondBody);
        {
            var ids = first.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("resume").GetProperty("id").GetString()).ToList();
            Assert.Equal(20, ids.Count);
            Assert.Equal("r25", ids[0]);
            Assert.Equal("r6", ids[^1]);
            Assert.Equal(25, first.RootElement.GetProperty("found").GetInt32());
            Assert.Equal(2, first.RootElement.GetProperty("pages").GetInt32());
            Assert.Equal(5, second.RootElement.GetProperty("items").GetArrayLength());
            Assert.False(first.RootElement.GetProperty("items")[0].TryGetProperty("vacancy", out _)); // items carry no vacancy
        }

        Assert.Equal(HttpStatusCode.BadRequest, tooMany);
        Assert.Equal(HttpStatusCode.BadRequest, noVacancy);
    }

    [Fact]
    public async Task CollectionPage_ByLastChange_AStageChangeMovesTheTopicToItsNewCollectionAndTheTop()
    {
        // Arrange
        var older = Employer.AddResponse("v1", "r1");
        _time.Advance(TimeSpan.FromMinutes(1));
        Employer.AddResponse("v1", "r2");
        Employer.AddResponse("v1", "r3");
        _time.Advance(TimeSpan.FromMinutes(1));
        Employer.ChangeEmployerState(older.Id, "interview");

        // Act
        var (_, responseBody) = await GetAsync("negotiations/response?vacancy_id=v1");
        var (_, interviewBody) = await GetAsync("negotiations/interview?vacancy_id=v1");

        // Assert
        using var response = JsonDocument.Parse(responseBody);
        using var interview = JsonDocument.Parse(interviewBody);
        {
            Assert.Equal(new[] { "r3", "r2" }, response.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("resume").GetProperty("id").GetString()));
            var moved = Assert.Single(interview.RootElement.GetProperty("items").EnumerateArray());
            Assert.Equal(older.Id, moved.GetProperty("id").GetString());
            Assert.Equal("invitation", moved.GetProperty("state").GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task ActiveVacancies_OtherEmployerOrPerPageOverFifty_AreRefused()
    {
        // Act
        var (other, _) = await GetAsync("employers/999/vacancies/active");
        var (tooMany, _) = await GetAsync($"employers/{Employer.EmployerId}/vacancies/active?per_page=51");
        var (ok, okBody) = await GetAsync($"employers/{Employer.EmployerId}/vacancies/active");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, other);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany);
        Assert.Equal(HttpStatusCode.OK, ok);
        using var body = JsonDocument.Parse(okBody);
        Assert.Equal(20, body.RootElement.GetProperty("per_page").GetInt32());
    }

    [Fact]
    public async Task EmployerPaths_FaultScriptedForOnePath_HitsOnlyThatPath()
    {
        // Arrange
        Employer.AddResponse("v1", "r1");
        _hh.Fail("resumes/r1", () => FakeHhApi.Errors(HttpStatusCode.TooManyRequests, "too_many_requests"));

        // Act
        var (collections, _) = await GetAsync("negotiations?vacancy_id=v1");
        var (faulted, _) = await GetAsync("resumes/r1");
        var (again, _) = await GetAsync("resumes/r1");

        // Assert
        Assert.Equal(HttpStatusCode.OK, collections);
        Assert.Equal(HttpStatusCode.TooManyRequests, faulted);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(1, Employer.CallsTo("GET /resumes/{id}")); // the fault answered before hh.ru's part saw it
    }

    // ---- the daily view limit ----

    [Fact]
    public async Task ViewLimit_ThreeViewsOnALimitOfTwo_ServesTwoRefusesTheThirdAndResetsAtUtcMidnight()
    {
        // Arrange
        Employer.AddResume("r1");
        Employer.DailyViewLimit = 2;

        // Act
        var (s1, _) = await GetAsync("resumes/r1");
        var (s2, _) = await GetAsync("resumes/r1/download/r1.pdf?type=pdf");
        var (s3, refusalBody) = await GetAsync("resumes/r1");
        var spent = Employer.ViewsToday;
        _time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromHours(FakeClock.Start.Hour) - TimeSpan.FromMinutes(FakeClock.Start.Minute)); // just past 00:00 UTC
        var (s4, _) = await GetAsync("resumes/r1");

        // Assert
        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK }, new[] { s1, s2, s3, s4 });
        using var refusal = JsonDocument.Parse(refusalBody);
        var error = refusal.RootElement.GetProperty("errors")[0];
        Assert.Equal("resumes", error.GetProperty("type").GetString());
        Assert.Equal("view_limit_exceeded", error.GetProperty("value").GetString());

        Assert.Equal(2, spent);
        Assert.Equal(1, Employer.ViewsToday);
        Assert.Equal(3, Employer.ResumeViews);
    }

    [Fact]
    public async Task ViewLimit_RefusedContactsAndPaidAccess_AreNotCountedAsViews()
    {
        // Arrange
        Employer.AddResume("r1").ContactsRefusal = "quota_exceeded";
        Employer.AddResume("r2");
        Employer.DailyViewLimit = 1;

        // Act
        var (refused, _) = await GetAsync("resumes/r1");
        Employer.PaidAccessRequired = true;
        var (unpaid, _) = await GetAsync("resumes/r2");
        Employer.PaidAccessRequired = false;
        var (served, _) = await GetAsync("resumes/r2");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal(HttpStatusCode.Forbidden, unpaid);
        Assert.Equal(HttpStatusCode.OK, served);
        Assert.Equal(1, Employer.ViewsToday);
    }

    [Fact]
    public async Task ViewLimit_ResponderViewsNotCounted_ResponderIsFreeOthersAreCounted()
    {
        // Arrange: the UNCONFIRMED reading where views of responders' resumes are free
        Employer.AddResponse("v1", "responder");
        Employer.AddResume("stranger");
        Employer.DailyViewLimit = 1;
        Employer.ResponderViewsCount = false;

        // Act
        var (a, _) = await GetAsync("resumes/responder");
        var (b, _) = await GetAsync("resumes/responder");
        var (c, _) = await GetAsync("resumes/stranger");
        var (d, _) = await GetAsync("resumes/stranger");

        // Assert
        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }, new[] { a, b, c, d });
        Assert.Equal(1, Employer.ViewsToday);
    }

    [Fact]
    public async Task Resume_ContactsNeedTopic_WithoutTopicIdNoContacts()
    {
        // Arrange: the UNCONFIRMED reading where contacts come only with topic_id
        var topic = Employer.AddResponse("v1", "r1");
        Employer.ContactsNeedTopic = true;

        // Act
        var (_, withoutBody) = await GetAsync("resumes/r1");
        var (_, withBody) = await GetAsync("resumes/r1?topic_id=" + topic.Id);

        // Assert
        using var without = JsonDocument.Parse(withoutBody);
        using var with = JsonDocument.Parse(withBody);
        Assert.Equal(0, without.RootElement.GetProperty("contact").GetArrayLength());
        Assert.Equal(2, with.RootElement.GetProperty("contact").GetArrayLength());
    }

    // ---- subscriptions ----

    [Fact]
    public async Task Subscriptions_EmptyActionsOrUnknownType_Are400AndNothingIsCreated()
    {
        // Arrange
        static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
        async Task<HttpStatusCode> Post(string json)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "webhook/subscriptions") { Content = Json(json) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _access);
            using var response = await _http.SendAsync(request);
            return response.StatusCode;
        }

        // Act
        var empty = await Post("""{"url":"https://a.example/cb","actions":[]}""");
        var unknown = await Post("""{"url":"https://a.example/cb","actions":[{"type":"CHAT_MESSAGE_CREATED"}]}""");
        var noUrl = await Post("""{"actions":[{"type":"NEW_NEGOTIATION_VACANCY"}]}""");
        var created = await Post("""{"url":"https://a.example/cb","actions":[{"type":"NEW_NEGOTIATION_VACANCY"}]}""");

        // Assert
        Assert.Equal(new[] { HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.Created }, new[] { empty, unknown, noUrl, created });
        Assert.Single(Employer.Subscriptions);
    }

    // ---- callbacks ----

    [Fact]
    public async Task Deliver_NewResponse_PostsTheContractsEnvelopeWithStringPayload()
    {
        // Arrange
        var subscription = Employer.Subscribe(CallbackUrl, FakeHhEmployer.NewResponseOrInvitation);
        var topic = Employer.AddResponse("v1", "r1");

        // Act
        var attempts = await Employer.DeliverPendingAsync(_sink, CancellationToken.None);

        // Assert
        Assert.Equal(FakeDeliveryOutcome.Accepted, Assert.Single(attempts).Outcome);
        var (url, body) = Assert.Single(_sink.Received);
        Assert.Equal(CallbackUrl, url);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(new[] { "id", "subscription_id", "action_type", "user_id", "payload" }, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(subscription.Id, root.GetProperty("subscription_id").GetString());
        Assert.Equal("NEW_RESPONSE_OR_INVITATION_VACANCY", root.GetProperty("action_type").GetString());
        Assert.Equal(Employer.UserId, root.GetProperty("user_id").GetString());
        var payload = root.GetProperty("payload");
        Assert.All(payload.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal(topic.Id, payload.GetProperty("topic_id").GetString());
        Assert.Equal("v1", payload.GetProperty("vacancy_id").GetString());
        Assert.Equal("r1", payload.GetProperty("resume_id").GetString());
        Assert.Equal(Employer.EmployerId, payload.GetProperty("employer_id").GetString());
        Assert.Equal("2026-03-02T11:00:30+0300", payload.GetProperty("response_date").GetString());
        Assert.True(payload.TryGetProperty("chat_id", out _));
        Assert.Empty(Employer.Pending);
    }

    [Fact]
    public async Task Deliver_InvitationAndStateChange_FireOnlyTheSubscribedTypes()
    {
        // Arrange: NEW_NEGOTIATION_VACANCY is not subscribed, so a response gives one callback, not two
        Employer.Subscribe(CallbackUrl, FakeHhEmployer.NewResponseOrInvitation, FakeHhEmployer.EmployerStateChange);
        var response = Employer.AddResponse("v1", "r1");
        Employer.AddInvitation("v1", "r2");
        Employer.ChangeEmployerState(response.Id, "interview");

        // Act
        await Employer.DeliverPendingAsync(_sink, CancellationToken.None);

        // Assert
        var types = _sink.Bodies.Select(b => b.RootElement.GetProperty("action_type").GetString()).ToList();
        Assert.Equal(new[] { "NEW_RESPONSE_OR_INVITATION_VACANCY", "NEW_RESPONSE_OR_INVITATION_VACANCY", "NEGOTIATION_EMPLOYER_STATE_CHANGE" }, types);
        var change = _sink.Bodies[2].RootElement.GetProperty("payload");
        Assert.Equal("response", change.GetProperty("from_state").GetString());
        Assert.Equal("interview", change.GetProperty("to_state").GetString());
        Assert.Equal(Employer.ManagerId, change.GetProperty("employer_manager_id").GetString());
    }

    [Fact]
    public async Task Deliver_DuplicateCallbacks_SameIdTwiceAndA409SettlesTheSecond()
    {
        // Arrange
        Employer.Subscribe(CallbackUrl, FakeHhEmployer.NewResponseOrInvitation);
        Employer.DuplicateCallbacks = true;
        Employer.AddResponse("v1", "r1");
        _sink.Answer = (_, seen) => seen ? HttpStatusCode.Conflict : HttpStatusCode.Accepted;

        // Act
        var attempts = await Employer.DeliverPendingAsync(_sink, CancellationToken.None);

        // Assert
        Assert.Equal(2, _sink.Received.Count);
        Assert.Single(_sink.Bodies.Select(b => b.RootElement.GetProperty("id").GetString()).Distinct());
        Assert.Equal(new[] { FakeDeliveryOutcome.Accepted, FakeDeliveryOutcome.Duplicate }, attempts.Select(a => a.Outcome));
        Assert.All(Employer.Callbacks, c => Assert.Equal(FakeCallbackStatus.Delivered, c.Status));
    }

    [Fact]
    public async Task Deliver_NewestFirst_StateChangeArrivesBeforeItsResponse()
    {
        // Arrange
        Employer.Subscribe(CallbackUrl, FakeHhEmployer.NewResponseOrInvitation, FakeHhEmployer.EmployerStateChange);
        Employer.DeliverNewestFirst = true;
        var topic = Employer.AddResponse("v1", "r1");
        Employer.ChangeEmployerState(topic.Id, "discard");

        // Act
        await Employer.DeliverPendingAsync(_sink, CancellationToken.None);

        // Assert
        Assert.Equal(
            new[] { "NEGOTIATION_EMPLOYER_STATE_CHANGE", "NEW_RESPONSE_OR_INVITATION_VACANCY" },
            _sink.Bodies.Select(b => b.RootElement.GetProperty("action_type").GetString()));
    }

    [Fact]
    public async Task Deliver_WebhooksOff_NothingIsSentButTheResponseIsInItsCollection()
    {
        // Arrange
        Employer.Subscribe(CallbackUrl, FakeHhEmployer.NewResponseOrInvitation);
        Employer.DropCallbacks = true;
        var topic = Employer.AddResponse("v1", "r1");

        // Act
        var attempts = await Employer.DeliverUntilSettledAsync(_sink, CancellationToken.None);
        var (_, pageBody) = await GetAsync("negotiations/response?vacancy_id=v1");

        // Assert
        Assert.Empty(attempts);
        Assert.Empty(_sink.Received);
        Assert.Equal(FakeCallbackStatus.Lost, Assert.Single(Employer.Callbacks).Status);
        using var page = JsonDocument.Parse(pageBody);
        Assert.Equal(topic.Id, Assert.Single(page.RootElement.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Deliver_Delay_NothingDueUntilTheDelayHasPassed()
    {
        // Arrange
        Employer.Subscribe(CallbackUrl, FakeHhEmployer.NewResponseOrInvitation);
        Employer.CallbackDelay = TimeSpan.FromMinutes(3);
        Employer.AddResponse("v1", "r1");

        // Act
        var early = await Employer.DeliverPendingAsync(_sink, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1));
        var stillEarly = await Employer.DeliverPendingAsync(_sink, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var due = await Employer.DeliverPendingAsync(_sink, CancellationToken.None);

        // Assert
        Assert.Empty(early);
        Assert.Empty(stillEarly);
        Assert.Single(due);
        Assert.Single(_sink.Received);
    }

    [Fact]
    public async Task Deliver_ErrorThenSlowThenOk_RetriedWithGrowingIntervalsUntilAccepted()
    {
        // Arrange: 500, then an answer after 3 s of hh.ru's clock (over its 2 s), then 202
        Employer.Subscribe(CallbackUrl, FakeHhEmployer.NewResponseOrInvitation);
        Employer.AddResponse("v1", "r1");
        var call = 0;
        _sink.Answer = (_, _) => ++call switch
        {
            1 => HttpStatusCode.InternalServerError,
            2 => _sink.Slow(TimeSpan.FromSeconds(3)),
            _ => HttpStatusCode.Accepted,
        };

        // Act
        var attempts = await Employer.DeliverUntilSettledAsync(_sink, CancellationToken.None);

        // Assert
        Assert.Equal(new[] { FakeDeliveryOutcome.Rejected, FakeDeliveryOutcome.Timeout, FakeDeliveryOutcome.Accepted }, attempts.Select(a => a.Outcome));
        Assert.Equal(3, _sink.Received.Count);
        Assert.True(attempts[1].At - attempts[0].At >= Employer.RetryIntervals[0]);
        Assert.True(attempts[2].At - attempts[1].At >= Employer.RetryIntervals[1]);
        Assert.Equal(FakeCallbackStatus.Delivered, Assert.Single(Employer.Callbacks).Status);
    }

    [Fact]
    public async Task Deliver_AccessRevoked_SubscriptionGoneAndPendingCallbacksAbandoned()
    {
        // Arrange
        Employer.Subscribe(CallbackUrl, FakeHhEmployer.NewResponseOrInvitation);
        Employer.AddResponse("v1", "r1");
        _hh.RevokeAll();

        // Act
        var attempts = await Employer.DeliverPendingAsync(_sink, CancellationToken.None);

        // Assert
        Assert.Empty(attempts);
        Assert.Empty(Employer.Subscriptions);
        Assert.Equal(FakeCallbackStatus.Abandoned, Assert.Single(Employer.Callbacks).Status);
    }

    [Fact]
    public async Task Deliver_IntoTheAppsWebhookEndpointInProcess_DuplicateIs409AndOneEventIsQueued()
    {
        // Arrange: the standalone host's POST /api/hh/webhook/{key}, reached through the test server's handler
        const string key = "fake-delivery-key_0123456789abcdefghijklmn";
        var queue = new SentMessages<RecruitingEvent>();
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Recruiting:WebhookKey"] = key })
            .WithServices(s => s.AddSingleton<IQueue<RecruitingEvent>>(queue));
        var employer = app.Hh.Employer;
        app.Hh.IsEmployer = true;
        employer.AddVacancy("v1", "C# developer");
        employer.Subscribe(new Uri($"https://hhfunctions.example/api/hh/webhook/{key}"), FakeHhEmployer.NewResponseOrInvitation, FakeHhEmployer.EmployerStateChange);
        employer.DuplicateCallbacks = true;
        employer.DeliverNewestFirst = true;
        var topic = employer.AddResponse("v1", "r1");
        employer.ChangeEmployerState(topic.Id, "interview");

        // Act
        var attempts = await employer.DeliverUntilSettledAsync(app.Server.CreateHandler(), CancellationToken.None);

        // Assert
        Assert.Equal(
            new[] { FakeDeliveryOutcome.Accepted, FakeDeliveryOutcome.Duplicate, FakeDeliveryOutcome.Accepted, FakeDeliveryOutcome.Duplicate },
            attempts.Select(a => a.Outcome));
        var events = queue.Sent.Select(e => e.Message).ToList();
        Assert.Equal(new[] { "NEGOTIATION_EMPLOYER_STATE_CHANGE", "NEW_RESPONSE_OR_INVITATION_VACANCY" }, events.Select(e => e.ActionType));
        Assert.All(events, e => Assert.Equal(topic.Id, e.TopicId));
        Assert.Equal("interview", events[0].ToState);
    }

    /// <summary>The app's side of a callback, in-process: records what came and answers as told.</summary>
    private sealed class CallbackSink(FakeTimeProvider time) : HttpMessageHandler
    {
        private readonly HashSet<string> _seen = [];

        public List<(Uri Url, string Body)> Received { get; } = [];

        public List<JsonDocument> Bodies { get; } = [];

        /// <summary>(body, was this id seen before) → the status to answer.</summary>
        public Func<string, bool, HttpStatusCode> Answer { get; set; } = (_, _) => HttpStatusCode.Accepted;

        /// <summary>Answers 202, but only after <paramref name="wait"/> of hh.ru's clock.</summary>
        public HttpStatusCode Slow(TimeSpan wait)
        {
            time.Advance(wait);
            return HttpStatusCode.Accepted;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal(HttpMethod.Post, request.Method);
            Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
            var body = await request.Content.ReadAsStringAsync(cancellationToken);
            Received.Add((request.RequestUri!, body));
            var document = JsonDocument.Parse(body);
            Bodies.Add(document);
            var id = document.RootElement.GetProperty("id").GetString()!;
            return new HttpResponseMessage(Answer(body, !_seen.Add(id)));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Bodies.ForEach(b => b.Dispose());
            }

            base.Dispose(disposing);
        }
    }
}
