using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Web;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Testing;

/// <summary>
/// The employer side of the fake hh.ru (../shared/hh-employer-api.md), served by <see cref="FakeHhApi"/> while
/// <see cref="FakeHhApi.IsEmployer"/> is on: webhook subscriptions (one per user+application, already_exist on a
/// second POST, deleted when access is revoked), active vacancies with counters, negotiations (responses and
/// invitations) with resumes (contact_value or the old value form, hidden_fields with nulls, owner.id), PDF links on
/// the API host or hh.ru/api_resume_converter, collections (50 a page, newest first, order_types, hidden flags),
/// the "viewed" side effect of topic_id, paid access, the daily resume-view limit (reset at the fake clock's UTC
/// midnight). A delivery loop POSTs webhook callbacks to the subscription URL the way hh.ru describes: 2-second
/// timeout, re-sent with a growing interval unless the answer is 2xx or 409, with switches for duplicates, lost
/// callbacks (webhooks off), a delay, out-of-order delivery and user_id "0". Ids are strings, dates look like
/// 2025-06-22T07:52:29+0300. The User-Agent and Bearer checks and the per-path faults (FakeHhApi.Fail: 429, captcha,
/// an HTML 5xx) are FakeHhApi's, so they hold for every employer call too.
/// </summary>
public sealed partial class FakeHhEmployer
{
    /// <summary>hh.ru's callback timeout: an answer later than this is a failure and the callback is sent again.</summary>
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(2);

    public const int MaxPerPage = 50;

    public const string NewNegotiation = "NEW_NEGOTIATION_VACANCY";

    public const string NewResponseOrInvitation = "NEW_RESPONSE_OR_INVITATION_VACANCY";

    public const string EmployerStateChange = "NEGOTIATION_EMPLOYER_STATE_CHANGE";

    public static readonly IReadOnlyList<string> ActionTypes =
    [
        NewNegotiation, NewResponseOrInvitation, EmployerStateChange, "VACANCY_CHANGE", "VACANCY_ARCHIVATION",
        "VACANCY_PROLONGATION", "VACANCY_PUBLICATION_FOR_VACANCY_MANAGER",
    ];

    /// <summary>The collections of every vacancy (id, name), in hh.ru's order.</summary>
    public static readonly IReadOnlyList<(string Id, string Name)> CollectionNames =
    [
        ("response", "Неразобранные"), ("consider", "Подумать"), ("interview", "Собеседование"),
        ("offer", "Предложение о работе"), ("hired", "Выход на работу"), ("discard", "Отказ"),
    ];

    private static readonly Dictionary<string, string> StateNames = new(StringComparer.Ordinal)
    {
        ["response"] = "Отклик", ["invitation"] = "Приглашение", ["consider"] = "Подумать", ["phone_interview"] = "Телефонное интервью",
        ["interview"] = "Собеседование", ["assessment"] = "Оценка", ["offer"] = "Предложение о работе", ["hired"] = "Выход на работу",
        ["discard"] = "Отказ", ["discard_by_employer"] = "Отказ", ["discard_after_interview"] = "Отказ после интервью",
    };

    private readonly FakeHhApi _api;
    private readonly FakeTimeProvider _time;
    private readonly Lock _gate = new();
    private long _sequence;
    private DateOnly _viewDay;
    private int _viewsToday;

    internal FakeHhEmployer(FakeHhApi api, FakeTimeProvider time)
    {
        _api = api;
        _time = time;
        _viewDay = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
    }

    /// <summary>The user's id in /me and in callbacks' user_id.</summary>
    public string UserId { get; set; } = FakeHhApi.UserId;

    public string EmployerId { get; set; } = "1455";

    public string EmployerName { get; set; } = "Acme HR";

    public string ManagerId { get; set; } = "87654321";

    public List<FakeEmployerVacancy> Vacancies { get; } = [];

    public List<FakeEmployerResume> Resumes { get; } = [];

    public List<FakeEmployerNegotiation> Negotiations { get; } = [];

    public List<FakeWebhookSubscription> Subscriptions { get; } = [];

    /// <summary>Every callback hh.ru made (and its fate), in the order the events happened.</summary>
    public List<FakeCallback> Callbacks { get; } = [];

    /// <summary>Every delivery attempt, in order, with its outcome.</summary>
    public ConcurrentQueue<FakeDeliveryAttempt> DeliveryAttempts { get; } = new();

    /// <summary>Calls per endpoint, keyed like "GET /resumes/{id}" (see <see cref="CallsTo"/>).</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>Resume reads (with or without topic_id) and file downloads that hh.ru served.</summary>
    public int ResumeViews { get; private set; }

    /// <summary>Responses marked viewed by a resume read with topic_id (or a download, see <see cref="DownloadMarksViewed"/>).</summary>
    public int ViewsMarked { get; private set; }

    public int Downloads { get; private set; }

    /// <summary>Contacts in the deprecated form: value (a phone object or a string) instead of contact_value.</summary>
    public bool OldContactForm { get; set; }

    /// <summary>Paid methods (resumes, negotiations, collections, files) answer 403 api_access_payment/action_must_be_payed.</summary>
    public bool PaidAccessRequired { get; set; }

    /// <summary>The company's daily resume-view limit; null = none. Over it: 429 resumes/view_limit_exceeded.</summary>
    public int? DailyViewLimit { get; set; }

    /// <summary>Views counted against <see cref="DailyViewLimit"/> today (the count resets at the fake clock's UTC midnight).</summary>
    public int ViewsToday
    {
        get
        {
            lock (_gate)
            {
                RollViewDay();
                return _viewsToday;
            }
        }
    }

    /// <summary>UNCONFIRMED at hh.ru whether downloads (whose links carry topic_id) mark a response viewed; off by default.</summary>
    public bool DownloadMarksViewed { get; set; }

    /// <summary>Where the PDF/RTF links point: null = the API host (https://api.hh.ru/resumes/…), or e.g. https://hh.ru/api_resume_converter/.</summary>
    public Uri? DownloadBase { get; set; }

    /// <summary>Collections flagged hidden:true.</summary>
    public HashSet<string> HiddenCollections { get; } = new(StringComparer.Ordinal) { "discard" };

    /// <summary>Due callbacks are sent newest first (hh.ru promises no order).</summary>
    public bool DeliverNewestFirst { get; set; }

    /// <summary>Every callback carries user_id "0" (seen in the wild; the app must not trust user_id alone).</summary>
    public bool ZeroUserId { get; set; }

    /// <summary>Webhooks off: events still happen (negotiations, counters) but their callbacks are lost, never sent; the poll must find them.</summary>
    public bool DropCallbacks { get; set; }

    /// <summary>Every callback is sent twice with the same id (hh.ru re-sends; the app answers 409 to the second).</summary>
    public bool DuplicateCallbacks { get; set; }

    /// <summary>hh.ru sends a new callback this long after its event (zero: at once, on the next delivery).</summary>
    public TimeSpan CallbackDelay { get; set; }

    /// <summary>The status of the view-limit answer: 429 as the contract says (resumes/view_limit_exceeded); 403 to check the app reads the value, not the code.</summary>
    public HttpStatusCode ViewLimitStatus { get; set; } = HttpStatusCode.TooManyRequests;

    /// <summary>
    /// UNCONFIRMED at hh.ru whether views of a responder's resume count against the daily limit: on (the default,
    /// the careful reading) every served view counts; off, a resume with a response or invitation to this employer is free.
    /// </summary>
    public bool ResponderViewsCount { get; set; } = true;

    /// <summary>
    /// UNCONFIRMED at hh.ru whether a responder's contacts come back without topic_id: off (the default) they do; on,
    /// GET /resumes/{id} without topic_id answers an empty contact list.
    /// </summary>
    public bool ContactsNeedTopic { get; set; }

    /// <summary>The growing intervals between attempts; after the last, hh.ru gives up on the callback.</summary>
    public IReadOnlyList<TimeSpan> RetryIntervals { get; set; } =
        [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)];

    /// <summary>A real-time bound on one delivery as well (a target that never answers while the fake clock stands still).</summary>
    public TimeSpan RealDeliveryTimeout { get; set; } = DeliveryTimeout;

    /// <summary>Callbacks still to be sent (due or waiting for their next attempt).</summary>
    public IReadOnlyList<FakeCallback> Pending
    {
        get
        {
            lock (_gate)
            {
                return Callbacks.Where(c => c.Status == FakeCallbackStatus.Pending).ToList();
            }
        }
    }

    public int CallsTo(string endpoint) => Calls.TryGetValue(endpoint, out var n) ? n : 0;

    // ---- seeding ----

    public FakeEmployerVacancy AddVacancy(string id, string name, string? managerId = null)
    {
        lock (_gate)
        {
            var vacancy = new FakeEmployerVacancy(id, name, _time.GetUtcNow()) { ManagerId = managerId ?? ManagerId };
            Vacancies.Add(vacancy);
            return vacancy;
        }
    }

    public FakeEmployerResume AddResume(string id, string? firstName = "Иван", string? lastName = "Иванов", string? ownerId = null)
    {
        lock (_gate)
        {
            var resume = new FakeEmployerResume(id, ownerId ?? "owner-" + id) { FirstName = firstName, LastName = lastName };
            Resumes.Add(resume);
            return resume;
        }
    }

    /// <summary>A candidate responds: a negotiation now, and a callback per subscribed action (NEW_NEGOTIATION_VACANCY, NEW_RESPONSE_OR_INVITATION_VACANCY).</summary>
    public FakeEmployerNegotiation AddResponse(string vacancyId, string resumeId, FakeCallbackQuirks flags = FakeCallbackQuirks.None) =>
        AddTopic(vacancyId, resumeId, invitation: false, flags);

    /// <summary>The employer invites a candidate: a negotiation in state invitation; only NEW_RESPONSE_OR_INVITATION_VACANCY fires.</summary>
    public FakeEmployerNegotiation AddInvitation(string vacancyId, string resumeId, FakeCallbackQuirks flags = FakeCallbackQuirks.None) =>
        AddTopic(vacancyId, resumeId, invitation: true, flags);

    /// <summary>A recruiter moves the negotiation to another stage; NEGOTIATION_EMPLOYER_STATE_CHANGE fires when subscribed.</summary>
    public void ChangeEmployerState(string topicId, string toState, FakeCallbackQuirks flags = FakeCallbackQuirks.None)
    {
        ArgumentNullException.ThrowIfNull(toState);
        lock (_gate)
        {
            var n = (TopicById(topicId) ?? throw new InvalidOperationException($"No negotiation {topicId}."));
            var from = n.EmployerState;
            if (from == toState)
            {
                return;
            }

            var now = _time.GetUtcNow();
            n.EmployerState = toState;
            n.State = toState switch
            {
                "invitation" or "interview" or "phone_interview" or "assessment" or "offer" or "hired" => "invitation",
                _ when toState.StartsWith("discard", StringComparison.Ordinal) => "discard",
                _ => n.State,
            };
            n.UpdatedAt = now;
            n.HasUpdates = true;
            Schedule(EmployerStateChange, n, flags, "state", new Dictionary<string, string?>
            {
                ["topic_id"] = n.Id,
                ["vacancy_id"] = n.VacancyId,
                ["resume_id"] = n.ResumeId,
                ["from_state"] = from,
                ["to_state"] = toState,
                ["employer_manager_id"] = ManagerId,
                ["transferred_at"] = FakeHhApi.HhDate(now),
            });
        }
    }

    /// <summary>The response is gone (deleted by the applicant): 404 negotiations/topic_not_found from now on.</summary>
    public void RemoveNegotiation(string topicId)
    {
        lock (_gate)
        {
            (TopicById(topicId) ?? throw new InvalidOperationException($"No negotiation {topicId}.")).Removed = true;
        }
    }

    /// <summary>
    /// A subscription already at hh.ru (as if POST /webhook/subscriptions happened earlier), with these action types and
    /// vacancies_only_mine=false. hh.ru keeps one per user+application, so a second one throws.
    /// </summary>
    public FakeWebhookSubscription Subscribe(Uri url, params string[] actionTypes)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(actionTypes);
        if (actionTypes.Length == 0 || actionTypes.Any(t => !ActionTypes.Contains(t)))
        {
            throw new ArgumentException("hh.ru needs at least one of its seven action types.", nameof(actionTypes));
        }

        lock (_gate)
        {
            if (Subscriptions.Count > 0)
            {
                throw new InvalidOperationException("hh.ru keeps one subscription per user and application (already_exist).");
            }

            var subscription = new FakeWebhookSubscription("sub" + Next().ToString(CultureInfo.InvariantCulture), url,
                actionTypes.Select(t => new FakeWebhookAction(t, false)).ToList(), _time.GetUtcNow());
            Subscriptions.Add(subscription);
            return subscription;
        }
    }

    // ---- scripted answers (for FakeHhApi.Fail) ----

    public static HttpResponseMessage PaidAccess() => FakeHhApi.Errors(HttpStatusCode.Forbidden, "api_access_payment", "action_must_be_payed");

    public static HttpResponseMessage ViewLimitExceeded() => FakeHhApi.Errors(HttpStatusCode.TooManyRequests, "resumes", "view_limit_exceeded");

    public static HttpResponseMessage TopicNotFound() => FakeHhApi.Errors(HttpStatusCode.NotFound, "negotiations", "topic_not_found");

    /// <summary>403 resumes/{quota_exceeded | no_available_service | cant_view_contacts}.</summary>
    public static HttpResponseMessage ContactsRefused(string value = "cant_view_contacts") => FakeHhApi.Errors(HttpStatusCode.Forbidden, "resumes", value);

    public static HttpResponseMessage Captcha() =>
        FakeHhApi.Json(HttpStatusCode.Forbidden, """{"errors":[{"type":"captcha_required","value":"captcha_required","captcha_url":"https://hh.ru/account/captcha?state=x"}],"request_id":"req-captcha"}""");

    /// <summary>What hh.ru answers a non-employer on an employer-only method.</summary>
    public static HttpResponseMessage NotAnEmployer() =>
        FakeHhApi.Json(HttpStatusCode.Forbidden, """{"description":"Forbidden","errors":[{"type":"forbidden"}],"request_id":"req-not-employer"}""");

    // ---- delivery ----

    /// <summary>
    /// Sends every due callback once (one attempt each) to its subscription's URL through <paramref name="target"/>:
    /// 2xx or 409 settles it; a timeout (2 s of fake time, or <see cref="RealDeliveryTimeout"/> of real time), a
    /// connection failure or any other status schedules the next attempt after a growing interval.
    /// </summary>
    public async Task<IReadOnlyList<FakeDeliveryAttempt>> DeliverPendingAsync(HttpMessageHandler target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var client = new HttpClient(target, disposeHandler: false);
        return await DeliverPendingAsync(client, ct);
    }

    /// <inheritdoc cref="DeliverPendingAsync(HttpMessageHandler, CancellationToken)"/>
    public async Task<IReadOnlyList<FakeDeliveryAttempt>> DeliverPendingAsync(HttpClient target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        List<(FakeCallback Callback, Uri Url)> due = [];
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var ready = Callbacks.Where(c => c.Status == FakeCallbackStatus.Pending && c.DueAt <= now);
            foreach (var callback in DeliverNewestFirst ? ready.Reverse().ToList() : ready.ToList())
            {
                var subscription = Subscriptions.FirstOrDefault(s => s.Id == callback.SubscriptionId);
                if (subscription is null)
                {
                    callback.Status = FakeCallbackStatus.Abandoned; // deleted (revoked access): hh.ru sends nothing more
                    continue;
                }

                due.Add((callback, subscription.Url));
            }
        }

        var attempts = new List<FakeDeliveryAttempt>();
        foreach (var (callback, url) in due)
        {
            var attempt = await SendAsync(target, callback, url, ct);
            attempts.Add(attempt);
            DeliveryAttempts.Enqueue(attempt);
            lock (_gate)
            {
                callback.Attempts.Add(attempt);
                if (attempt.Outcome is FakeDeliveryOutcome.Accepted or FakeDeliveryOutcome.Duplicate)
                {
                    callback.Status = FakeCallbackStatus.Delivered;
                }
                else if (callback.Attempts.Count > RetryIntervals.Count)
                {
                    callback.Status = FakeCallbackStatus.Abandoned;
                }
                else
                {
                    callback.DueAt = _time.GetUtcNow() + RetryIntervals[callback.Attempts.Count - 1];
                }
            }
        }

        return attempts;
    }

    /// <summary>Delivers, then moves the fake clock to the next due attempt and delivers again, until nothing is pending (or <paramref name="maxRounds"/>).</summary>
    public async Task<IReadOnlyList<FakeDeliveryAttempt>> DeliverUntilSettledAsync(HttpMessageHandler target, CancellationToken ct, int maxRounds = 20)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var client = new HttpClient(target, disposeHandler: false);
        return await DeliverUntilSettledAsync(client, ct, maxRounds);
    }

    /// <inheritdoc cref="DeliverUntilSettledAsync(HttpMessageHandler, CancellationToken, int)"/>
    public async Task<IReadOnlyList<FakeDeliveryAttempt>> DeliverUntilSettledAsync(HttpClient target, CancellationToken ct, int maxRounds = 20)
    {
        var all = new List<FakeDeliveryAttempt>();
        for (var round = 0; round < maxRounds; round++)
        {
            all.AddRange(await DeliverPendingAsync(target, ct));
            DateTimeOffset? next;
            lock (_gate)
            {
                next = Callbacks.Where(c => c.Status == FakeCallbackStatus.Pending).Select(c => (DateTimeOffset?)c.DueAt).Min();
            }

            if (next is null)
            {
                break;
            }

            var wait = next.Value - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                _time.Advance(wait);
            }
        }

        return all;
    }

    private async Task<FakeDeliveryAttempt> SendAsync(HttpClient target, FakeCallback callback, Uri url, CancellationToken ct)
    {
        var started = _time.GetUtcNow();
        using var fakeTimeout = new CancellationTokenSource(DeliveryTimeout, _time);
        using var realTimeout = new CancellationTokenSource(RealDeliveryTimeout, TimeProvider.System);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, fakeTimeout.Token, realTimeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(callback.Body, Encoding.UTF8, "application/json"),
        };
        FakeDeliveryOutcome outcome;
        int? status = null;
        try
        {
            using var response = await target.SendAsync(request, linked.Token);
            status = (int)response.StatusCode;
            outcome = _time.GetUtcNow() - started > DeliveryTimeout ? FakeDeliveryOutcome.Timeout
                : response.IsSuccessStatusCode ? FakeDeliveryOutcome.Accepted
                : response.StatusCode == HttpStatusCode.Conflict ? FakeDeliveryOutcome.Duplicate
                : FakeDeliveryOutcome.Rejected;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            outcome = FakeDeliveryOutcome.Timeout;
        }
        catch (HttpRequestException)
        {
            outcome = FakeDeliveryOutcome.ConnectionFailed;
        }

        return new FakeDeliveryAttempt(callback.Id, callback.ActionType, url, started, status, outcome);
    }

    // ---- the HTTP side ----

    /// <summary>Paths hh.ru serves only to employers (an applicant token gets 403).</summary>
    internal static bool IsEmployerOnly(string path) =>
        path.StartsWith("webhook/", StringComparison.Ordinal) || path.StartsWith("employers/", StringComparison.Ordinal)
        || path.StartsWith("api_resume_converter/", StringComparison.Ordinal)
        || (path.StartsWith("resumes/", StringComparison.Ordinal) && path.Contains("/download/", StringComparison.Ordinal))
        || (path.StartsWith("negotiations/", StringComparison.Ordinal) && CollectionNames.Any(c => path == "negotiations/" + c.Id));

    /// <summary>What this part answers while the account is an employer (everything else falls through to the applicant fake).</summary>
    internal static bool Serves(string method, string path) =>
        IsEmployerOnly(path)
        || (method == "GET" && (path == "negotiations" || path.StartsWith("negotiations/", StringComparison.Ordinal) || path.StartsWith("resumes/", StringComparison.Ordinal)))
        || (method == "POST" && (path == "negotiations" || path.StartsWith("resumes/", StringComparison.Ordinal)))
        || IsActionPath(method, path)
        || (method == "POST" && InvitationActions.Any(a => path == "negotiations/" + a));

    internal string MeJson() => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["auth_type"] = "employer",
        ["id"] = UserId,
        ["first_name"] = "Мария",
        ["last_name"] = "Кадрова",
        ["middle_name"] = null,
        ["email"] = "hr@example.com",
        ["is_employer"] = true,
        ["is_employer_integration"] = false,
        ["is_applicant"] = false,
        ["is_admin"] = false,
        ["is_application"] = false,
        ["employer"] = new { id = EmployerId, name = EmployerName, manager_id = "4062820" },
        ["manager"] = new { id = ManagerId, has_admin_rights = true, is_main_contact_person = true, has_multiple_manager_accounts = false },
    });

    /// <summary>The user revoked access or the token was invalidated: hh.ru deletes every subscription.</summary>
    internal void OnAccessRevoked()
    {
        lock (_gate)
        {
            Subscriptions.Clear();
        }
    }

    internal HttpResponseMessage Handle(string method, string path, Uri uri, string? body, Uri apiBase)
    {
        var query = HttpUtility.ParseQueryString(uri.Query);
        var segments = path.Split('/');
        lock (_gate)
        {
            return (method, segments) switch
            {
                ("GET", ["webhook", "subscriptions"]) => Count("GET /webhook/subscriptions", ListSubscriptions),
                ("POST", ["webhook", "subscriptions"]) => Count("POST /webhook/subscriptions", () => CreateSubscription(body)),
                ("PUT", ["webhook", "subscriptions", var id]) => Count("PUT /webhook/subscriptions/{id}", () => UpdateSubscription(id, body)),
                ("DELETE", ["webhook", "subscriptions", var id]) => Count("DELETE /webhook/subscriptions/{id}", () => DeleteSubscription(id)),
                ("GET", ["employers", var employer, "vacancies", "active"]) when query["resume_id"] is { } resumeId => Count("GET /employers/{id}/vacancies/active?resume_id", () => VacanciesForResume(employer, resumeId, query, apiBase)),
                ("POST", ["negotiations", var action]) when InvitationActions.Contains(action) => Count("POST /negotiations/{invitation}", () => Invite(query, body)),
                ("GET", ["employers", var employer, "vacancies", "active"]) => Count("GET /employers/{id}/vacancies/active", () => ActiveVacancies(employer, query)),
                ("GET", ["employers", _, "managers", _, "limits", "resume"]) => Count("GET /employers/{id}/managers/{id}/limits/resume", Limits),
                ("GET", ["negotiations"]) => Count("GET /negotiations", () => Paid(() => CollectionList(query, apiBase))),
                ("GET", ["negotiations", var name]) when CollectionNames.Any(c => c.Id == name) =>
                    Count("GET /negotiations/{collection}", () => Paid(() => CollectionPage(name, query, apiBase))),
                ("GET", ["negotiations", var id]) => Count("GET /negotiations/{id}", () => Paid(() => Negotiation(Uri.UnescapeDataString(id), apiBase))),
                ("GET", ["resumes", "mine"]) => FakeHhApi.Forbidden(),
                ("GET", ["resumes", var id]) => Count("GET /resumes/{id}", () => Paid(() => Resume(Uri.UnescapeDataString(id), query["topic_id"], apiBase))),
                ("GET", ["resumes", var id, "download", _]) => Count("GET /resumes/{id}/download/{file}", () => Paid(() => Download(Uri.UnescapeDataString(id), query))),
                ("GET", ["api_resume_converter", var id, "download", _]) => Count("GET /api_resume_converter/{id}/download/{file}", () => Paid(() => Download(Uri.UnescapeDataString(id), query))),
                (_, ["negotiations", var collection, var nid]) when IsActionPath(method, path) =>
                    Count(method + " /negotiations/{collection}/{id}", () => Paid(() => PerformAction(method, collection, Uri.UnescapeDataString(nid), body))),
                ("POST", _) => FakeHhApi.Forbidden(), // applying and raising resumes are applicant calls
                _ => FakeHhApi.Json(HttpStatusCode.NotFound, """{"errors":[{"type":"not_found"}]}"""),
            };
        }
    }

    private HttpResponseMessage Count(string endpoint, Func<HttpResponseMessage> handle)
    {
        Calls.AddOrUpdate(endpoint, 1, (_, n) => n + 1);
        return handle();
    }

    private HttpResponseMessage Paid(Func<HttpResponseMessage> handle) => PaidAccessRequired ? PaidAccess() : handle();

    // ---- subscriptions ----

    private HttpResponseMessage ListSubscriptions() =>
        FakeHhApi.Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { items = Subscriptions.Select(SubscriptionJson).ToList() }));

    private static object SubscriptionJson(FakeWebhookSubscription s) => new
    {
        id = s.Id,
        url = s.Url.AbsoluteUri,
        actions = s.Actions.Select(a => new Dictionary<string, object?>
        {
            ["type"] = a.Type,
            ["settings"] = a.VacanciesOnlyMine is { } mine ? new { vacancies_only_mine = mine } : null,
        }).ToList(),
    };

    private HttpResponseMessage CreateSubscription(string? body)
    {
        if (!TryReadSubscription(body, requireAll: true, out var url, out var actions))
        {
            return BadJson();
        }

        if (Subscriptions.Count > 0)
        {
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "notifications", "already_exist"); // one URL per user+application
        }

        var subscription = new FakeWebhookSubscription("sub" + Next().ToString(CultureInfo.InvariantCulture), url!, actions!, _time.GetUtcNow());
        Subscriptions.Add(subscription);
        return FakeHhApi.Json(HttpStatusCode.Created, JsonSerializer.Serialize(new { id = subscription.Id }));
    }

    private HttpResponseMessage UpdateSubscription(string id, string? body)
    {
        var subscription = Subscriptions.FirstOrDefault(s => s.Id == id);
        if (subscription is null)
        {
            return FakeHhApi.Errors(HttpStatusCode.NotFound, "not_found");
        }

        if (!TryReadSubscription(body, requireAll: false, out var url, out var actions))
        {
            return BadJson();
        }

        subscription.Url = url ?? subscription.Url;
        if (actions is not null)
        {
            subscription.Actions.Clear(); // replaced, not merged
            subscription.Actions.AddRange(actions);
        }

        return new HttpResponseMessage(HttpStatusCode.NoContent);
    }

    private HttpResponseMessage DeleteSubscription(string id) =>
        Subscriptions.RemoveAll(s => s.Id == id) > 0 ? new HttpResponseMessage(HttpStatusCode.NoContent) : FakeHhApi.Errors(HttpStatusCode.NotFound, "not_found");

    private static HttpResponseMessage BadJson() => FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_json_data", "invalid");

    private static bool TryReadSubscription(string? body, bool requireAll, out Uri? url, out List<FakeWebhookAction>? actions)
    {
        url = null;
        actions = null;
        try
        {
            using var doc = JsonDocument.Parse(body ?? string.Empty);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (root.TryGetProperty("url", out var u))
            {
                if (u.ValueKind != JsonValueKind.String || !Uri.TryCreate(u.GetString(), UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
                {
                    return false;
                }
            }

            if (root.TryGetProperty("actions", out var a))
            {
                if (a.ValueKind != JsonValueKind.Array || a.GetArrayLength() == 0)
                {
                    return false; // minItems 1; an empty list is not allowed on PUT either
                }

                actions = [];
                foreach (var item in a.EnumerateArray())
                {
                    if (!item.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String || !ActionTypes.Contains(t.GetString()))
                    {
                        return false;
                    }

                    bool? mine = null;
                    if (item.TryGetProperty("settings", out var s) && s.ValueKind == JsonValueKind.Object)
                    {
                        if (t.GetString() == "VACANCY_PUBLICATION_FOR_VACANCY_MANAGER")
                        {
                            return false; // additionalProperties: false
                        }

                        mine = s.TryGetProperty("vacancies_only_mine", out var m) && m.ValueKind is JsonValueKind.True or JsonValueKind.False ? m.GetBoolean() : false;
                    }

                    actions.Add(new FakeWebhookAction(t.GetString()!, mine));
                }
            }

            return !requireAll || (url is not null && actions is not null);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // ---- vacancies and limits ----

    private HttpResponseMessage ActiveVacancies(string employerId, System.Collections.Specialized.NameValueCollection query)
    {
        if (employerId != EmployerId)
        {
            return FakeHhApi.Errors(HttpStatusCode.Forbidden, "forbidden");
        }

        var page = Int(query["page"]) ?? 0;
        var perPage = Int(query["per_page"]) ?? 20;
        if (perPage is < 1 or > MaxPerPage)
        {
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_argument", "per_page");
        }

        var all = query["all_accessible"] == "true";
        var managers = query["manager_ids"]?.Split(',');
        var set = Vacancies.Where(v => !v.Archived && (all || (managers is null ? v.ManagerId == ManagerId : managers.Contains(v.ManagerId))))
            .OrderByDescending(v => v.CreatedAt).ThenByDescending(v => v.Id, StringComparer.Ordinal).ToList();
        var items = set.Skip(page * perPage).Take(perPage).Select(v =>
        {
            var topics = TopicsOfVacancy(v.Id).Where(n => !n.Removed).ToList();
            return new Dictionary<string, object?>
            {
                ["id"] = v.Id,
                ["name"] = v.Name,
                ["archived"] = false,
                ["created_at"] = FakeHhApi.HhDate(v.CreatedAt),
                ["expires_at"] = FakeHhApi.HhDate(v.CreatedAt.AddDays(30)),
                ["area"] = new { id = "1", name = "Москва" },
                ["manager"] = new { id = v.ManagerId },
                ["url"] = "https://api.hh.ru/vacancies/" + v.Id,
                ["alternate_url"] = "https://hh.ru/vacancy/" + v.Id,
                ["counters"] = new
                {
                    responses = topics.Count(n => !n.Invitation),
                    unread_responses = topics.Count(n => !n.Invitation && !n.Viewed),
                    invitations_and_responses = topics.Count,
                    invitations = topics.Count(n => n.Invitation),
                    resumes_in_progress = topics.Count(n => n.EmployerState != "response"),
                    views = v.Views,
                    calls = 0,
                    new_missed_calls = 0,
                },
            };
        }).ToList();
        var pages = (int)Math.Ceiling(set.Count / (double)perPage);
        return FakeHhApi.Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { found = set.Count, pages, page, per_page = perPage, items }));
    }

    private HttpResponseMessage Limits()
    {
        RollViewDay();
        var limit = DailyViewLimit ?? 100_000;
        return FakeHhApi.Json(HttpStatusCode.OK, JsonSerializer.Serialize(new
        {
            limits = new { resume_view = limit },
            spend = new { resume_view = _viewsToday },
            left = new { resume_view = Math.Max(0, limit - _viewsToday) },
        }));
    }

    // ---- negotiations and collections ----

    private HttpResponseMessage CollectionList(System.Collections.Specialized.NameValueCollection query, Uri apiBase)
    {
        var vacancyId = query["vacancy_id"];
        if (string.IsNullOrEmpty(vacancyId))
        {
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_argument", "vacancy_id"); // mandatory for employers
        }

        if (!Vacancies.Any(v => v.Id == vacancyId))
        {
            return FakeHhApi.Errors(HttpStatusCode.NotFound, "not_found");
        }

        var topics = TopicsOfVacancy(vacancyId).Where(n => !n.Removed).ToList();
        var escaped = Uri.EscapeDataString(vacancyId);
        var collections = CollectionNames.Select(c =>
        {
            var url = $"{apiBase.AbsoluteUri}negotiations/{c.Id}?vacancy_id={escaped}";
            var inside = topics.Where(n => CollectionOf(n.EmployerState) == c.Id).ToList();
            return new Dictionary<string, object?>
            {
                ["id"] = c.Id,
                ["name"] = c.Name,
                ["description"] = null,
                ["hidden"] = HiddenCollections.Contains(c.Id),
                ["url"] = url,
                ["counters"] = new { total = inside.Count, with_updates = inside.Count(n => n.HasUpdates) },
                ["order_types"] = new object[]
                {
                    new { id = "created_at", name = "По дате отклика", url = url + "&order_by=created_at" },
                    new { id = "last_change_time", name = "По дате изменения", url = url + "&order_by=last_change_time" },
                },
                ["sub_collections"] = Array.Empty<object>(),
            };
        }).ToList();
        var states = StateNames.Select(s => new { id = s.Key, name = s.Value }).ToList();
        return FakeHhApi.Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { collections, employer_states = states, generated_collections = Array.Empty<object>() }));
    }

    private HttpResponseMessage CollectionPage(string name, System.Collections.Specialized.NameValueCollection query, Uri apiBase)
    {
        var vacancyId = query["vacancy_id"];
        if (string.IsNullOrEmpty(vacancyId))
        {
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_argument", "vacancy_id");
        }

        if (!Vacancies.Any(v => v.Id == vacancyId))
        {
            return FakeHhApi.Errors(HttpStatusCode.NotFound, "not_found");
        }

        var page = Int(query["page"]) ?? 0;
        var perPage = Int(query["per_page"]) ?? 20;
        if (perPage is < 1 or > MaxPerPage)
        {
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_argument", "per_page");
        }

        var byCreation = query["order_by"] == "created_at";
        var set = TopicsOfVacancy(vacancyId).Where(n => !n.Removed && CollectionOf(n.EmployerState) == name)
            .OrderByDescending(n => byCreation ? n.CreatedAt : n.UpdatedAt).ThenByDescending(n => n.Sequence).ToList();
        var items = set.Skip(page * perPage).Take(perPage).Select(n =>
        {
            var item = NegotiationJson(n, apiBase);
            item.Remove("vacancy"); // collection items have no vacancy object
            return item;
        }).ToList();
        var pages = (int)Math.Ceiling(set.Count / (double)perPage);
        var orderedBy = byCreation
            ? new { id = "created_at", name = "По дате отклика" }
            : new { id = "last_change_time", name = "По дате изменения" };
        return FakeHhApi.Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { found = set.Count, pages, page, per_page = perPage, ordered_by = orderedBy, items }));
    }

    private HttpResponseMessage Negotiation(string id, Uri apiBase)
    {
        var n = TopicById(id);
        return n is null || n.Removed
            ? TopicNotFound()
            : FakeHhApi.Json(HttpStatusCode.OK, JsonSerializer.Serialize(NegotiationJson(n, apiBase)));
    }

    private Dictionary<string, object?> NegotiationJson(FakeEmployerNegotiation n, Uri apiBase)
    {
        var resume = ResumeById(n.ResumeId);
        var vacancy = Vacancies.FirstOrDefault(v => v.Id == n.VacancyId);
        return new Dictionary<string, object?>
        {
            ["id"] = n.Id,
            ["url"] = $"{apiBase.AbsoluteUri}negotiations/{n.Id}",
            ["created_at"] = FakeHhApi.HhDate(n.CreatedAt),
            ["updated_at"] = FakeHhApi.HhDate(n.UpdatedAt),
            ["state"] = IdName(n.State),
            ["employer_state"] = IdName(n.EmployerState),
            ["funnel_stage"] = null,
            ["source"] = n.Invitation ? "AUTO_INVITE" : "NEGOTIATION",
            ["has_updates"] = n.HasUpdates,
            ["viewed_by_opponent"] = false,
            ["chat_id"] = n.ChatId,
            ["messages_url"] = $"{apiBase.AbsoluteUri}negotiations/{n.Id}/messages",
            ["resume"] = resume is null || resume.Removed ? null : ShortResume(resume, n, apiBase),
            ["vacancy"] = vacancy is null ? null : new Dictionary<string, object?>
            {
                ["id"] = vacancy.Id,
                ["name"] = vacancy.Name,
                ["url"] = $"{apiBase.AbsoluteUri}vacancies/{vacancy.Id}",
                ["alternate_url"] = "https://hh.ru/vacancy/" + vacancy.Id,
                ["archived"] = vacancy.Archived,
                ["employer"] = new { id = EmployerId, name = EmployerName },
            },
            ["actions"] = ActionsJson(n, apiBase),
            ["templates"] = Array.Empty<object>(),
        };
    }

    private Dictionary<string, object?> ShortResume(FakeEmployerResume r, FakeEmployerNegotiation n, Uri apiBase)
    {
        var names = !r.HiddenFields.Contains("names_and_photo");
        return new Dictionary<string, object?>
        {
            ["id"] = r.Id,
            ["title"] = r.Title,
            ["first_name"] = names ? r.FirstName : null,
            ["last_name"] = names ? r.LastName : null,
            ["middle_name"] = names ? r.MiddleName : null,
            ["photo"] = null,
            ["age"] = r.Age,
            ["area"] = new { id = "1", name = r.Area },
            ["hidden_fields"] = HiddenFieldsJson(r),
            ["can_view_full_info"] = r.CanViewFullInfo,
            ["viewed"] = n.Viewed,
            ["owner"] = new { id = r.OwnerId },
            ["url"] = $"{apiBase.AbsoluteUri}resumes/{r.Id}?topic_id={n.Id}",
            ["alternate_url"] = $"https://hh.ru/resume/{r.Id}?t={n.Id}&vacancyId={n.VacancyId}",
            ["download"] = DownloadJson(r, n, apiBase),
        };
    }

    // ---- resumes and files ----

    private HttpResponseMessage Resume(string id, string? topicId, Uri apiBase)
    {
        var r = ResumeById(id);
        if (r is null || r.Removed)
        {
            return FakeHhApi.Errors(HttpStatusCode.NotFound, "not_found");
        }

        if (r.ContactsRefusal is { } refusal)
        {
            return ContactsRefused(refusal); // refused before it is served, so not a view
        }

        if (!TryCountView(r))
        {
            return ViewLimit();
        }

        var topic = topicId is null ? null : TopicById(topicId) is { } t && t.ResumeId == id && !t.Removed ? t : null;
        if (topic is not null && !topic.Viewed)
        {
            topic.Viewed = true;
            ViewsMarked++;
        }

        var names = !r.HiddenFields.Contains("names_and_photo");
        var experience = !r.HiddenFields.Contains("experience");
        var json = new Dictionary<string, object?>
        {
            ["id"] = r.Id,
            ["title"] = r.Title,
            ["first_name"] = names ? r.FirstName : null,
            ["last_name"] = names ? r.LastName : null,
            ["middle_name"] = names ? r.MiddleName : null,
            ["photo"] = null,
            ["age"] = r.Age,
            ["gender"] = new { id = "male", name = "Мужской" },
            ["area"] = new { id = "1", name = r.Area, url = $"{apiBase.AbsoluteUri}areas/1" },
            ["salary"] = r.SalaryAmount is null ? null : new { amount = r.SalaryAmount, currency = "RUR" },
            ["total_experience"] = new { months = r.ExperienceMonths },
            ["experience"] = new[]
            {
                new { position = r.Title, company = experience ? "ООО Прошлое место" : null, start = "2021-01-01", end = (string?)null },
            },
            ["contact"] = ContactsNeedTopic && topic is null ? [] : ContactsJson(r),
            ["site"] = r.HiddenFields.Contains("other_contacts") ? Array.Empty<object>() : new object[] { new { type = new { id = "personal", name = "Личный сайт" }, url = "https://example.com/" + r.Id } },
            ["hidden_fields"] = HiddenFieldsJson(r),
            ["can_view_full_info"] = r.CanViewFullInfo,
            ["view_without_contacts_reason"] = null,
            ["owner"] = new { id = r.OwnerId, comments = new { url = $"{apiBase.AbsoluteUri}applicant_comments/{r.OwnerId}" } },
            ["alternate_url"] = "https://hh.ru/resume/" + r.Id,
            ["download"] = DownloadJson(r, topic, apiBase),
            ["created_at"] = FakeHhApi.HhDate(r.CreatedAt),
            ["updated_at"] = FakeHhApi.HhDate(r.CreatedAt),
        };
        return FakeHhApi.Json(HttpStatusCode.OK, JsonSerializer.Serialize(json));
    }

    private List<Dictionary<string, object?>> ContactsJson(FakeEmployerResume r)
    {
        var list = new List<Dictionary<string, object?>>();
        if (r.Phone is { } phone && !r.HiddenFields.Contains("phones"))
        {
            var formatted = $"+{phone.Country} ({phone.City}) {phone.Number}";
            var item = new Dictionary<string, object?>
            {
                ["type"] = new { id = "cell", name = "Мобильный телефон" },
                ["comment"] = "Звонить после 12",
                ["preferred"] = r.Email is null,
                ["verified"] = false,
                ["need_verification"] = true,
            };
            if (OldContactForm)
            {
                item["value"] = new { country = phone.Country, city = phone.City, number = phone.Number, formatted };
            }
            else
            {
                item["kind"] = "phone";
                item["contact_value"] = formatted;
            }

            list.Add(item);
        }

        if (r.Email is { } email && !r.HiddenFields.Contains("email"))
        {
            var item = new Dictionary<string, object?>
            {
                ["type"] = new { id = "email", name = "Эл. почта" },
                ["preferred"] = true,
            };
            item[OldContactForm ? "value" : "contact_value"] = email;
            if (!OldContactForm)
            {
                item["kind"] = "email";
            }

            list.Add(item);
        }

        if (r.Telegram is { } telegram && !r.HiddenFields.Contains("other_contacts"))
        {
            var item = new Dictionary<string, object?>
            {
                ["type"] = new { id = "telegram", name = "telegram" },
                ["preferred"] = false,
                ["links"] = new { web = "https://t.me/" + telegram.TrimStart('@') },
            };
            item[OldContactForm ? "value" : "contact_value"] = telegram;
            if (!OldContactForm)
            {
                item["kind"] = "primary";
            }

            list.Add(item);
        }

        return list;
    }

    private static List<object> HiddenFieldsJson(FakeEmployerResume r) =>
        r.HiddenFields.Select(h => (object)new { id = h, name = h }).ToList();

    private object DownloadJson(FakeEmployerResume r, FakeEmployerNegotiation? n, Uri apiBase)
    {
        var root = (DownloadBase ?? new Uri(apiBase, "resumes/")).AbsoluteUri;
        var context = n is null ? string.Empty : $"&topic_id={n.Id}&vacancy_id={n.VacancyId}";
        return new
        {
            pdf = new { url = $"{root}{r.Id}/download/resume_{r.Id}.pdf?type=pdf{context}" },
            rtf = new { url = $"{root}{r.Id}/download/resume_{r.Id}.rtf?type=rtf{context}" },
        };
    }

    private HttpResponseMessage Download(string id, System.Collections.Specialized.NameValueCollection query)
    {
        var r = ResumeById(id);
        if (r is null || r.Removed)
        {
            return FakeHhApi.Errors(HttpStatusCode.NotFound, "not_found");
        }

        if (!TryCountView(r))
        {
            return ViewLimit();
        }

        Downloads++;
        if (DownloadMarksViewed && query["topic_id"] is { } topicId && TopicById(topicId) is { Viewed: false } topic)
        {
            topic.Viewed = true;
            ViewsMarked++;
        }

        var rtf = query["type"] == "rtf";
        var bytes = rtf
            ? Encoding.ASCII.GetBytes("{\\rtf1\\ansi fake resume " + r.Id + "}")
            : PdfBytes(r);
        HttpContent content = r.FileLengthUnknown
            ? new StreamContent(new UnseekableStream(bytes)) // chunked: no Content-Length
            : new ByteArrayContent(bytes);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(rtf ? "application/rtf" : "application/pdf");
        return response;
    }

    /// <summary>The PDF: a small valid-looking file, or <see cref="FakeEmployerResume.PdfSize"/> bytes of it.</summary>
    private static byte[] PdfBytes(FakeEmployerResume r)
    {
        var head = Encoding.ASCII.GetBytes("%PDF-1.4\n% fake resume " + r.Id + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        if (r.PdfSize is not { } size || size <= head.Length)
        {
            return head;
        }

        var bytes = new byte[size];
        head.CopyTo(bytes, 0);
        bytes.AsSpan(head.Length).Fill((byte)' ');
        return bytes;
    }

    private HttpResponseMessage ViewLimit() => FakeHhApi.Errors(ViewLimitStatus, "resumes", "view_limit_exceeded");

    /// <summary>
    /// One view against the daily limit: false (and nothing counted) when the limit is spent. With
    /// <see cref="ResponderViewsCount"/> off, a resume with a live topic at this employer is served without counting.
    /// </summary>
    private bool TryCountView(FakeEmployerResume r)
    {
        RollViewDay();
        var free = !ResponderViewsCount && TopicsOfResume(r.Id).Any(n => !n.Removed);
        if (!free && DailyViewLimit is { } limit && _viewsToday >= limit)
        {
            return false;
        }

        if (!free)
        {
            _viewsToday++;
        }

        ResumeViews++;
        return true;
    }

    private void RollViewDay()
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        if (today != _viewDay)
        {
            _viewDay = today;
            _viewsToday = 0;
        }
    }

    // ---- events and callbacks ----

    private FakeEmployerNegotiation AddTopic(string vacancyId, string resumeId, bool invitation, FakeCallbackQuirks flags)
    {
        lock (_gate)
        {
            if (!Vacancies.Any(v => v.Id == vacancyId))
            {
                throw new InvalidOperationException($"No vacancy {vacancyId}: AddVacancy first.");
            }

            if (ResumeById(resumeId) is null)
            {
                AddResume(resumeId);
            }

            if (TopicsOfResume(resumeId).Any(n => n.VacancyId == vacancyId && !n.Removed))
            {
                throw new InvalidOperationException("hh.ru keeps one response or invitation per vacancy and resume.");
            }

            var sequence = Next();
            var now = _time.GetUtcNow();
            var topic = new FakeEmployerNegotiation((4574397000 + sequence).ToString(CultureInfo.InvariantCulture), vacancyId, resumeId, now, sequence)
            {
                Invitation = invitation,
                State = invitation ? "invitation" : "response",
                EmployerState = invitation ? "invitation" : "response",
                HasUpdates = !invitation,
                ChatId = 3000 + sequence,
            };
            Negotiations.Add(topic);
            foreach (var type in invitation ? [NewResponseOrInvitation] : new[] { NewNegotiation, NewResponseOrInvitation })
            {
                Schedule(type, topic, flags, "topic", new Dictionary<string, string?>
                {
                    ["topic_id"] = topic.Id,
                    ["vacancy_id"] = vacancyId,
                    ["resume_id"] = resumeId,
                    ["employer_id"] = EmployerId,
                    [type == NewNegotiation ? "negotiation_date" : "response_date"] = FakeHhApi.HhDate(now),
                    ["chat_id"] = topic.ChatId.ToString(CultureInfo.InvariantCulture),
                });
            }

            return topic;
        }
    }

    /// <summary>A callback per subscription that holds <paramref name="type"/> (and, with vacancies_only_mine, only for this manager's vacancies).</summary>
    private void Schedule(string type, FakeEmployerNegotiation topic, FakeCallbackQuirks flags, string kind, Dictionary<string, string?> payload)
    {
        var vacancy = Vacancies.First(v => v.Id == topic.VacancyId);
        foreach (var subscription in Subscriptions)
        {
            var action = subscription.Actions.FirstOrDefault(a => a.Type == type);
            if (action is null || (action.VacanciesOnlyMine == true && vacancy.ManagerId != ManagerId))
            {
                continue;
            }

            var id = $"notification{Next().ToString(CultureInfo.InvariantCulture)}{kind}{topic.Id}";
            var userId = ZeroUserId || flags.HasFlag(FakeCallbackQuirks.ZeroUserId) ? "0" : UserId;
            var body = JsonSerializer.Serialize(new { id, subscription_id = subscription.Id, action_type = type, user_id = userId, payload });
            var due = _time.GetUtcNow() + CallbackDelay;
            var lost = DropCallbacks || flags.HasFlag(FakeCallbackQuirks.Lose);
            var callback = new FakeCallback(id, subscription.Id, type, userId, topic.Id, body, due)
            {
                Status = lost ? FakeCallbackStatus.Lost : FakeCallbackStatus.Pending,
            };
            Callbacks.Add(callback);
            if (!lost && (DuplicateCallbacks || flags.HasFlag(FakeCallbackQuirks.Duplicate)))
            {
                Callbacks.Add(new FakeCallback(id, subscription.Id, type, userId, topic.Id, body, due));
            }
        }
    }

    private static string CollectionOf(string employerState) => employerState switch
    {
        "response" => "response",
        "consider" => "consider",
        "invitation" or "phone_interview" or "interview" or "assessment" => "interview",
        "offer" => "offer",
        "hired" => "hired",
        _ when employerState.StartsWith("discard", StringComparison.Ordinal) => "discard",
        _ => "response",
    };

    private static object IdName(string id) => new { id, name = StateNames.GetValueOrDefault(id, id) };

    private long Next() => Interlocked.Increment(ref _sequence);

    private static int? Int(string? s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}

/// <summary>A read-only, unseekable stream: StreamContent over it has no length, like a chunked answer.</summary>
internal sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
{
    public override bool CanSeek => false;
}

/// <summary>What happens to the callbacks of one event.</summary>
[Flags]
public enum FakeCallbackQuirks
{
    None = 0,

    /// <summary>hh.ru sends the same callback (same id) twice.</summary>
    Duplicate = 1,

    /// <summary>hh.ru never sends it (delivery is not guaranteed); the poll must find the response.</summary>
    Lose = 2,

    /// <summary>user_id is "0".</summary>
    ZeroUserId = 4,
}

public enum FakeCallbackStatus
{
    Pending,
    Delivered,
    Lost,

    /// <summary>Attempts exhausted, or the subscription was deleted.</summary>
    Abandoned,
}

public enum FakeDeliveryOutcome
{
    /// <summary>2xx.</summary>
    Accepted,

    /// <summary>409: taken as success (a duplicate).</summary>
    Duplicate,

    /// <summary>Any other status: sent again later.</summary>
    Rejected,

    /// <summary>No answer within 2 seconds: sent again later.</summary>
    Timeout,

    ConnectionFailed,
}

public sealed record FakeDeliveryAttempt(string CallbackId, string ActionType, Uri Url, DateTimeOffset At, int? StatusCode, FakeDeliveryOutcome Outcome);

public sealed class FakeCallback(string id, string subscriptionId, string actionType, string userId, string topicId, string body, DateTimeOffset dueAt)
{
    public string Id { get; } = id;

    public string SubscriptionId { get; } = subscriptionId;

    public string ActionType { get; } = actionType;

    public string UserId { get; } = userId;

    public string TopicId { get; } = topicId;

    /// <summary>The JSON body as sent: {id, subscription_id, action_type, user_id, payload{…}}, all strings.</summary>
    public string Body { get; } = body;

    public DateTimeOffset DueAt { get; set; } = dueAt;

    public FakeCallbackStatus Status { get; set; } = FakeCallbackStatus.Pending;

    public List<FakeDeliveryAttempt> Attempts { get; } = [];
}

public sealed record FakeWebhookAction(string Type, bool? VacanciesOnlyMine);

public sealed class FakeWebhookSubscription(string id, Uri url, List<FakeWebhookAction> actions, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    public Uri Url { get; set; } = url;

    public List<FakeWebhookAction> Actions { get; } = actions;

    public DateTimeOffset CreatedAt { get; } = createdAt;
}

public sealed class FakeEmployerVacancy(string id, string name, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    public string Name { get; set; } = name;

    public DateTimeOffset CreatedAt { get; set; } = createdAt;

    public string ManagerId { get; set; } = string.Empty;

    public bool Archived { get; set; }

    public int Views { get; set; }
}

/// <summary>A phone as hh.ru's old value object has it: country, city code, number.</summary>
public sealed record FakePhone(string Country, string City, string Number);

public sealed class FakeEmployerResume(string id, string ownerId)
{
    public string Id { get; } = id;

    public string OwnerId { get; } = ownerId;

    public string Title { get; set; } = "C# разработчик";

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? MiddleName { get; set; }

    public int? Age { get; set; } = 30;

    public string Area { get; set; } = "Москва";

    public decimal? SalaryAmount { get; set; } = 250000;

    public int ExperienceMonths { get; set; } = 60;

    public FakePhone? Phone { get; set; } = new("7", "926", "123-45-67");

    public string? Email { get; set; } = "candidate@example.com";

    public string? Telegram { get; set; }

    /// <summary>What the applicant hid: names_and_photo, phones, email, other_contacts, experience; those come back null or absent.</summary>
    public HashSet<string> HiddenFields { get; } = new(StringComparer.Ordinal);

    public bool CanViewFullInfo { get; set; } = true;

    /// <summary>Deleted or hidden by the applicant: 404.</summary>
    public bool Removed { get; set; }

    /// <summary>GET /resumes/{id} answers 403 resumes/{this}: quota_exceeded, no_available_service or cant_view_contacts (null: served).</summary>
    public string? ContactsRefusal { get; set; }

    /// <summary>The PDF's size in bytes (null: a few hundred bytes); for the client's 20 MB cap.</summary>
    public int? PdfSize { get; set; }

    /// <summary>The file comes without Content-Length (chunked), so a size cap must count while reading.</summary>
    public bool FileLengthUnknown { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = new(2025, 1, 10, 9, 0, 0, TimeSpan.Zero);
}

public sealed class FakeEmployerNegotiation(string id, string vacancyId, string resumeId, DateTimeOffset createdAt, long sequence)
{
    public string Id { get; } = id;

    public string VacancyId { get; } = vacancyId;

    public string ResumeId { get; } = resumeId;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public long Sequence { get; } = sequence;

    public DateTimeOffset UpdatedAt { get; set; } = createdAt;

    /// <summary>What the applicant sees: response, invitation, discard.</summary>
    public string State { get; set; } = "response";

    /// <summary>The employer's stage (decides the collection).</summary>
    public string EmployerState { get; set; } = "response";

    public bool Invitation { get; set; }

    /// <summary>Set by a resume read with topic_id: the response is no longer "unread".</summary>
    public bool Viewed { get; set; }

    public bool HasUpdates { get; set; }

    public long ChatId { get; set; }

    public bool Removed { get; set; }
}
