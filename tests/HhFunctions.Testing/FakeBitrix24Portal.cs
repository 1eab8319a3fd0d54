using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Testing;

/// <summary>What a scripted fault does to the next matching call (<see cref="FakeBitrix24Portal.Fail(string, Bitrix24Fault, int)"/>).</summary>
public enum Bitrix24Fault
{
    /// <summary>500 INTERNAL_SERVER_ERROR; nothing is done.</summary>
    ServerError,

    /// <summary>No answer until the request is cancelled (the client's attempt timeout).</summary>
    Hang,

    /// <summary>A 502 HTML page from a proxy in front of the portal; nothing is done.</summary>
    HtmlPage,

    /// <summary>The call is done, then the connection drops before the answer (HttpRequestException).</summary>
    AnswerLostAfterDone,

    /// <summary>503 QUERY_LIMIT_EXCEEDED regardless of the bucket; nothing is done.</summary>
    QueryLimit,

    /// <summary>503 OVERLOAD_LIMIT: REST blocked by hand.</summary>
    OverloadLimit,

    /// <summary>500 PORTAL_DELETED.</summary>
    PortalDeleted,

    /// <summary>429 OPERATION_TIME_LIMIT without a <c>time</c> object.</summary>
    TimeLimitWithoutTime,
}

/// <summary>
/// A stateful, contract-faithful fake Bitrix24 portal (../shared/bitrix24-api.md) at the HTTP boundary, reached through
/// its incoming webhook <c>{scheme}://{host}/rest/{user}/{secret}/{method}[.json]</c> with JSON POST bodies. Time
/// comes from a FakeTimeProvider. It keeps the portal's leaky bucket (each HTTP request adds one, <see cref="RatePerSecond"/>
/// drains per second, above <see cref="Burst"/> a request gets 503 QUERY_LIMIT_EXCEEDED; a batch counts as one), a
/// per-method time budget in ten one-minute baskets (429 OPERATION_TIME_LIMIT with <c>operating_reset_at</c>) and a
/// <c>time</c> object in every answer. Methods: batch (with <c>$result[key][…]</c> references), crm.item.add/update/get/list
/// (lead 1, deal 2, contact 3), the legacy crm.lead/contact/deal add and list, crm.duplicate.findbycomm,
/// crm.timeline.comment.add/list, crm.status.list/add, user.get. Faults can be scripted per method; every request is recorded.
/// </summary>
public sealed partial class FakeBitrix24Portal
{
    public const string Host = "hhtest.bitrix24.test";
    public const int UserId = 1;
    public const string Secret = "fakeb24secretDONOTLOG7x9q2";
    public const int PageSize = 50;

    private static readonly string[] DefaultSources = ["CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER", "RECOMMENDATION", "TRADE_SHOW", "WEBFORM", "CALLBACK", "RC_GENERATOR", "STORE", "OTHER"];
    private static readonly string[] DefaultLeadStatuses = ["NEW", "IN_PROCESS", "PROCESSED", "JUNK", "CONVERTED"];
    private static readonly string[] DefaultDealStages = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE"];

    /// <summary>Fields crm.item.* keeps; any other is silently ignored, as the portal does (custom ufCrm* fields are kept).</summary>
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "title", "name", "secondName", "lastName", "birthdate", "honorific", "post", "comments", "opened",
        "sourceId", "sourceDescription", "stageId", "statusId", "categoryId", "assignedById", "typeId",
        "originatorId", "originId", "originVersion", "contactId", "contactIds", "companyId", "opportunity", "currencyId",
    };

    private readonly FakeTimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, SortedDictionary<long, JsonObject>> _items = new() { [1] = [], [2] = [], [3] = [] };
    private readonly List<JsonObject> _statuses = [];
    private readonly Dictionary<string, List<(DateTimeOffset Start, double Seconds)>> _baskets = new(StringComparer.Ordinal);
    private readonly List<(string Method, Func<HttpResponseMessage>? Response, Bitrix24Fault? Fault)> _faults = [];
    private long _nextId = 100;
    private long _nextFieldId = 1000;
    private double _bucket;
    private DateTimeOffset _bucketAt;
    private long _httpRequests;
    private long _rateLimited;

    public FakeBitrix24Portal(FakeTimeProvider time)
    {
        _time = time;
        _bucketAt = time.GetUtcNow();
        var sort = 10;
        foreach (var (entity, ids) in new[] { ("SOURCE", DefaultSources), ("STATUS", DefaultLeadStatuses), ("DEAL_STAGE", DefaultDealStages) })
        {
            foreach (var id in ids)
            {
                _statuses.Add(Status(entity, id, id[..1] + id[1..].ToLowerInvariant().Replace('_', ' '), sort += 10, system: true));
            }
        }
    }

    /// <summary>The webhook address the app is configured with (Bitrix24__WebhookUrl).</summary>
    public static Uri WebhookUrl { get; } = new($"https://{Host}/rest/{UserId}/{Secret}/");

    /// <summary>Every value a leak check must never find in logs, messages or pages.</summary>
    public static IReadOnlyCollection<string> Secrets { get; } = [Secret, WebhookUrl.AbsoluteUri, $"/rest/{UserId}/{Secret}"];

    /// <summary>X: the counter's level above which requests get 503 QUERY_LIMIT_EXCEEDED (50; 250 on Enterprise).</summary>
    public int Burst { get; set; } = 50;

    /// <summary>Y: the counter's drain per second (2; 5 on Enterprise).</summary>
    public double RatePerSecond { get; set; } = 2;

    /// <summary>Seconds each call of a method adds to its time budget (<see cref="DefaultCost"/> when not listed).</summary>
    public ConcurrentDictionary<string, double> MethodCost { get; } = new(StringComparer.Ordinal);

    public double DefaultCost { get; set; } = 0.05;

    /// <summary>A method's summed seconds over ten one-minute baskets above which it gets 429 (the docs' example: 480).</summary>
    public double OperatingLimit { get; set; } = 480;

    /// <summary>The webhook was deleted, or expired: every call gets 401 NO_AUTH_FOUND.</summary>
    public bool Revoked { get; set; }

    /// <summary>The webhook lacks the crm scope: crm.* calls get 403 insufficient_scope (batch itself needs only basic).</summary>
    public bool MissingCrmScope { get; set; }

    /// <summary>crm.status.add saves a custom STATUS_ID with a UC_ prefix (one reading of the docs) instead of as given.</summary>
    public bool StatusIdGetsUcPrefix { get; set; }

    /// <summary>Empty parts of a batch answer (result, result_error, …) and an empty findbycomm result come as [] (the docs' examples) rather than {}.</summary>
    public bool EmptyAsArrays { get; set; } = true;

    /// <summary>crm.timeline.comment.add with FILES is allowed inside a batch (UNCONFIRMED; refused with 405 by default).</summary>
    public bool FilesInBatchAllowed { get; set; }

    /// <summary>Every HTTP request that reached the fake, in order.</summary>
    public ConcurrentQueue<Bitrix24Request> Requests { get; } = new();

    /// <summary>Timeline comments, in order.</summary>
    public ConcurrentQueue<Bitrix24Comment> Comments { get; } = new();

    public long HttpRequests => Interlocked.Read(ref _httpRequests);

    /// <summary>Requests refused with 503 QUERY_LIMIT_EXCEEDED by the bucket (scripted faults not counted).</summary>
    public long RateLimitedRequests => Interlocked.Read(ref _rateLimited);

    /// <summary>The bucket's counter now.</summary>
    public double BucketLevel
    {
        get
        {
            lock (_gate)
            {
                return Drained(_time.GetUtcNow());
            }
        }
    }

    /// <summary>Records of a type (1 lead, 2 deal, 3 contact).</summary>
    public int Count(int entityTypeId)
    {
        lock (_gate)
        {
            return _items.TryGetValue(entityTypeId, out var items) ? items.Count : 0;
        }
    }

    /// <summary>A copy of every record of a type, by id.</summary>
    public IReadOnlyList<JsonObject> Items(int entityTypeId)
    {
        lock (_gate)
        {
            return _items[entityTypeId].Values.Select(i => (JsonObject)i.DeepClone()).ToList();
        }
    }

    /// <summary>Records of a type stamped with this originId (the duplicate detector: more than one is a duplicate).</summary>
    public int CountByOrigin(int entityTypeId, string originId)
    {
        lock (_gate)
        {
            return _items[entityTypeId].Values.Count(i => Str(i["originId"]) == originId);
        }
    }

    /// <summary>originIds that more than one record of a type carries.</summary>
    public IReadOnlyList<string> DuplicateOrigins(int entityTypeId)
    {
        lock (_gate)
        {
            return _items[entityTypeId].Values.Select(i => Str(i["originId"])).Where(o => !string.IsNullOrEmpty(o))
                .GroupBy(o => o!, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        }
    }

    /// <summary>The statuses of a dictionary (SOURCE, STATUS, DEAL_STAGE…), as crm.status.list gives them.</summary>
    public IReadOnlyList<JsonObject> StatusesOf(string entityId)
    {
        lock (_gate)
        {
            return _statuses.Where(s => Str(s["ENTITY_ID"]) == entityId).Select(s => (JsonObject)s.DeepClone()).ToList();
        }
    }

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> ("*": any, "batch": the batch request itself) fail this way.</summary>
    public void Fail(string method, Bitrix24Fault fault, int times = 1)
    {
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _faults.Add((method, null, fault));
            }
        }
    }

    /// <summary>The next call of <paramref name="method"/> gets this answer instead (nothing is done).</summary>
    public void Fail(string method, Func<HttpResponseMessage> response, int times = 1)
    {
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _faults.Add((method, response, null));
            }
        }
    }

    /// <summary>Scripted faults (<see cref="Fail(string, Bitrix24Fault, int)"/>) no request has taken yet.</summary>
    public int FaultsLeft
    {
        get
        {
            lock (_gate)
            {
                return _faults.Count;
            }
        }
    }

    /// <summary>Fills the bucket as other apps on the same IP would: the next requests get 503 until it drains.</summary>
    public void FillBucket(double level)
    {
        lock (_gate)
        {
            _bucket = level;
            _bucketAt = _time.GetUtcNow();
        }
    }

    public async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        Interlocked.Increment(ref _httpRequests);
        var uri = request.RequestUri!;
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(ct);
        var match = WebhookPath().Match(uri.AbsolutePath);
        var method = match.Success ? match.Groups["method"].Value : string.Empty;
        Requests.Enqueue(new Bitrix24Request(method, request.Method.Method, Header(request, "User-Agent"), request.Content?.Headers.ContentType?.MediaType,
            Header(request, "Accept"), body, _time.GetUtcNow()));

        HttpResponseMessage? early;
        (Func<HttpResponseMessage>? Response, Bitrix24Fault? Fault)? fault;
        lock (_gate)
        {
            early = Admit(uri, match);
            fault = early is null ? TakeFault(method) : null;
        }

        if (early is not null)
        {
            return early;
        }

        if (fault is { Response: { } scripted })
        {
            return scripted();
        }

        switch (fault?.Fault)
        {
            case Bitrix24Fault.ServerError:
                return Error(HttpStatusCode.InternalServerError, "INTERNAL_SERVER_ERROR", "Internal server error");
            case Bitrix24Fault.Hang:
                await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct);
                break;
            case Bitrix24Fault.HtmlPage:
                return new HttpResponseMessage(HttpStatusCode.BadGateway)
                {
                    Content = new StringContent("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>", Encoding.UTF8, "text/html"),
                };
            case Bitrix24Fault.QueryLimit:
                return Error(HttpStatusCode.ServiceUnavailable, "QUERY_LIMIT_EXCEEDED", "Too many requests");
            case Bitrix24Fault.OverloadLimit:
                return Error(HttpStatusCode.ServiceUnavailable, "OVERLOAD_LIMIT", "REST API is blocked due to overload.");
            case Bitrix24Fault.PortalDeleted:
                return Error(HttpStatusCode.InternalServerError, "PORTAL_DELETED", "Portal was deleted");
            case Bitrix24Fault.TimeLimitWithoutTime:
                return Error(HttpStatusCode.TooManyRequests, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.");
        }

        JsonObject parameters;
        try
        {
            parameters = ParseBody(request, uri, body);
        }
        catch (JsonException)
        {
            return Error(HttpStatusCode.BadRequest, "INVALID_REQUEST", "Invalid JSON in the request body");
        }

        HttpResponseMessage response;
        lock (_gate)
        {
            response = method == "batch" ? Batch(parameters) : Single(method, parameters);
        }

        if (fault?.Fault == Bitrix24Fault.AnswerLostAfterDone)
        {
            response.Dispose();
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The fake portal dropped the connection after doing the call.");
        }

        return response;
    }

    /// <summary>The bucket, the https rule and the webhook's authorization: an answer when the request stops here.</summary>
    private HttpResponseMessage? Admit(Uri uri, Match match)
    {
        var now = _time.GetUtcNow();
        var level = Drained(now);
        _bucketAt = now;
        if (level > Burst)
        {
            _bucket = level;
            Interlocked.Increment(ref _rateLimited);
            return Error(HttpStatusCode.ServiceUnavailable, "QUERY_LIMIT_EXCEEDED", "Too many requests");
        }

        _bucket = level + 1;
        if (uri.Scheme == Uri.UriSchemeHttp && uri.Host == Host)
        {
            return Error(HttpStatusCode.BadRequest, "INVALID_REQUEST", "HTTPS required.");
        }

        if (!match.Success)
        {
            return Error(HttpStatusCode.NotFound, "ERROR_METHOD_NOT_FOUND", "Method not found!");
        }

        if (Revoked || match.Groups["user"].Value != UserId.ToString(CultureInfo.InvariantCulture) || match.Groups["secret"].Value != Secret)
        {
            return Error(HttpStatusCode.Unauthorized, "NO_AUTH_FOUND", "Wrong authorization data");
        }

        return null;
    }

    private double Drained(DateTimeOffset now) =>
        Math.Max(0, _bucket - (Math.Max(0, (now - _bucketAt).TotalSeconds) * RatePerSecond));

    private (Func<HttpResponseMessage>? Response, Bitrix24Fault? Fault)? TakeFault(string method)
    {
        var index = _faults.FindIndex(f => f.Method == method || f.Method == "*");
        if (index < 0)
        {
            return null;
        }

        var fault = _faults[index];
        _faults.RemoveAt(index);
        return (fault.Response, fault.Fault);
    }

    private static JsonObject ParseBody(HttpRequestMessage request, Uri uri, string body)
    {
        var parameters = string.IsNullOrWhiteSpace(body)
            ? []
            : request.Content?.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded"
                ? ParseQuery(body)
                : JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        if (uri.Query.Length > 1)
        {
            foreach (var (key, value) in ParseQuery(uri.Query[1..]))
            {
                parameters[key] = value?.DeepClone();
            }
        }

        return parameters;
    }

    // ---- batch ------------------------------------------------------------------------------------------------

    private HttpResponseMessage Batch(JsonObject parameters)
    {
        var start = _time.GetUtcNow();
        var commands = parameters["cmd"] switch
        {
            JsonObject obj => obj.Select(c => (c.Key, Command: Str(c.Value) ?? string.Empty)).ToList(),
            JsonArray array => array.Select((c, i) => (Key: i.ToString(CultureInfo.InvariantCulture), Command: Str(c) ?? string.Empty)).ToList(),
            _ => null,
        };
        if (commands is null)
        {
            return Error(HttpStatusCode.BadRequest, "INVALID_ARG_VALUE", "cmd is required");
        }

        if (commands.Count > 50)
        {
            return Error(HttpStatusCode.BadRequest, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded");
        }

        var halt = Str(parameters["halt"]) is "1" or "true";
        var results = new JsonObject();
        var errors = new JsonObject();
        var totals = new JsonObject();
        var next = new JsonObject();
        var times = new JsonObject();
        foreach (var (key, command) in commands)
        {
            var q = command.IndexOf('?', StringComparison.Ordinal);
            var method = (q < 0 ? command : command[..q]).Trim();
            var sub = ParseQuery(q < 0 ? string.Empty : command[(q + 1)..]);
            Substitute(sub, results);
            JsonObject answer;
            if (method == "batch")
            {
                answer = ErrorBody("ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage");
            }
            else if (method == "crm.timeline.comment.add" && !FilesInBatchAllowed && sub["fields"]?["FILES"] is not null)
            {
                answer = ErrorBody("ERROR_BATCH_METHOD_NOT_ALLOWED", "File upload is not allowed for batch usage");
            }
            else
            {
                var (_, envelope) = Invoke(method, sub);
                answer = envelope;
            }

            if (answer.ContainsKey("error"))
            {
                errors[key] = new JsonObject { ["error"] = answer["error"]?.DeepClone(), ["error_description"] = answer["error_description"]?.DeepClone() };
                if (halt)
                {
                    break;
                }

                continue;
            }

            results[key] = answer["result"]?.DeepClone();
            times[key] = answer["time"]?.DeepClone();
            if (answer["total"] is { } total)
            {
                totals[key] = total.DeepClone();
            }

            if (answer["next"] is { } n)
            {
                next[key] = n.DeepClone();
            }
        }

        var result = new JsonObject
        {
            ["result"] = Part(results),
            ["result_error"] = Part(errors),
            ["result_total"] = Part(totals),
            ["result_next"] = Part(next),
            ["result_time"] = Part(times),
        };
        return Json(HttpStatusCode.OK, new JsonObject { ["result"] = result, ["time"] = Time(start, null) });
    }

    private JsonNode Part(JsonObject part) => part.Count == 0 && EmptyAsArrays ? new JsonArray() : part;

    /// <summary>Replaces <c>$result[key][path…]</c> in every value with the earlier answer's value.</summary>
    private static void Substitute(JsonNode? node, JsonObject results)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is JsonValue v && Str(v) is { } s && s.Contains("$result[", StringComparison.Ordinal))
                    {
                        obj[key] = Resolve(s, results);
                    }
                    else
                    {
                        Substitute(obj[key], results);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue v && Str(v) is { } s && s.Contains("$result[", StringComparison.Ordinal))
                    {
                        array[i] = Resolve(s, results);
                    }
                    else
                    {
                        Substitute(array[i], results);
                    }
                }

                break;
        }
    }

    private static string Resolve(string text, JsonObject results) =>
        ReferencePattern().Replace(text, m =>
        {
            JsonNode? node = results[m.Groups["key"].Value];
            foreach (Capture step in m.Groups["path"].Captures)
            {
                node = node switch
                {
                    JsonObject o => o[step.Value],
                    JsonArray a when int.TryParse(step.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                    _ => null,
                };
            }

            return node is JsonValue ? Str(node) ?? string.Empty : m.Value;
        });

    // ---- single methods ---------------------------------------------------------------------------------------

    private HttpResponseMessage Single(string method, JsonObject parameters)
    {
        var (status, envelope) = Invoke(method, parameters);
        return Json(status, envelope);
    }

    /// <summary>One method call (direct or inside a batch): scope, time budget, then the method. Returns the envelope.</summary>
    private (HttpStatusCode Status, JsonObject Envelope) Invoke(string method, JsonObject p)
    {
        var start = _time.GetUtcNow();
        if (MissingCrmScope && method.StartsWith("crm.", StringComparison.Ordinal))
        {
            return (HttpStatusCode.Forbidden, ErrorBody("insufficient_scope", "The request requires higher privileges than provided by the webhook token"));
        }

        if (!Handlers.TryGetValue(method, out var handler) && !StageHandlers.TryGetValue(method, out handler))
        {
            return (HttpStatusCode.NotFound, ErrorBody("ERROR_METHOD_NOT_FOUND", "Method not found!"));
        }

        var baskets = _baskets.TryGetValue(method, out var b) ? b : _baskets[method] = [];
        baskets.RemoveAll(x => x.Start + TimeSpan.FromMinutes(10) <= start);
        if (baskets.Sum(x => x.Seconds) > OperatingLimit)
        {
            var blocked = ErrorBody("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.");
            blocked["time"] = Time(start, method);
            return (HttpStatusCode.TooManyRequests, blocked);
        }

        JsonObject envelope;
        HttpStatusCode status;
        try
        {
            (status, envelope) = (HttpStatusCode.OK, handler(this, p));
        }
        catch (PortalError e)
        {
            (status, envelope) = (e.Status, ErrorBody(e.Code, e.Message));
        }

        var cost = MethodCost.TryGetValue(method, out var c) ? c : DefaultCost;
        if (baskets.Count > 0 && baskets[^1].Start + TimeSpan.FromMinutes(1) > start)
        {
            baskets[^1] = (baskets[^1].Start, baskets[^1].Seconds + cost);
        }
        else
        {
            baskets.Add((start, cost));
        }

        envelope["time"] = Time(start, method);
        return (status, envelope);
    }

    private static readonly Dictionary<string, Func<FakeBitrix24Portal, JsonObject, JsonObject>> Handlers = new(StringComparer.Ordinal)
    {
        ["crm.item.add"] = (f, p) => f.ItemAdd(p),
        ["crm.item.update"] = (f, p) => f.ItemUpdate(p),
        ["crm.item.get"] = (f, p) => f.ItemGet(p),
        ["crm.item.list"] = (f, p) => f.ItemList(p),
        ["crm.lead.add"] = (f, p) => f.LegacyAdd(1, p),
        ["crm.deal.add"] = (f, p) => f.LegacyAdd(2, p),
        ["crm.contact.add"] = (f, p) => f.LegacyAdd(3, p),
        ["crm.lead.list"] = (f, p) => f.LegacyList(1, p),
        ["crm.deal.list"] = (f, p) => f.LegacyList(2, p),
        ["crm.contact.list"] = (f, p) => f.LegacyList(3, p),
        ["crm.duplicate.findbycomm"] = (f, p) => f.FindByComm(p),
        ["crm.timeline.comment.add"] = (f, p) => f.CommentAdd(p),
        ["crm.timeline.comment.list"] = (f, p) => f.CommentList(p),
        ["crm.status.list"] = (f, p) => f.StatusList(p),
        ["crm.status.add"] = (f, p) => f.StatusAdd(p),
        ["user.get"] = (f, p) => f.UserGet(p),
    };

    // ---- users (user.get: scope user, user_brief or user_basic; ../shared/bitrix24-api.md §9.3) ---------------

    private readonly List<JsonObject> _users = [new JsonObject { ["ID"] = UserId.ToString(CultureInfo.InvariantCulture), ["ACTIVE"] = true, ["NAME"] = "Portal", ["LAST_NAME"] = "Admin", ["EMAIL"] = "admin@hhtest.bitrix24.test" }];
    private long _nextUserId = 10;

    /// <summary>The webhook lacks the user scopes: user.get gets 401 insufficient_scope, as the portal answers a method outside the webhook's scopes.</summary>
    public bool MissingUserScope { get; set; }

    /// <summary>Adds a portal user (an employee); returns their id. Inactive (fired) users are not listed by user.get's ACTIVE filter.</summary>
    public long AddUser(string name, string lastName, bool active = true)
    {
        lock (_gate)
        {
            var id = ++_nextUserId;
            _users.Add(new JsonObject { ["ID"] = id.ToString(CultureInfo.InvariantCulture), ["ACTIVE"] = active, ["NAME"] = name, ["LAST_NAME"] = lastName, ["EMAIL"] = "user" + id.ToString(CultureInfo.InvariantCulture) + "@hhtest.bitrix24.test" });
            return id;
        }
    }

    /// <summary>user.get: FILTER (ACTIVE, ID), sorted by ID, pages of 50 with total and next; select limits the fields (ID always comes); values as strings, ACTIVE a boolean.</summary>
    private JsonObject UserGet(JsonObject p)
    {
        if (MissingUserScope)
        {
            throw new PortalError(HttpStatusCode.Forbidden, "insufficient_scope", "The request requires higher privileges than provided by the webhook token");
        }

        var filter = (p["FILTER"] ?? p["filter"]) as JsonObject ?? [];
        var matching = _users.Where(u =>
        {
            if (filter["ACTIVE"] is { } active && (Str(active) is "true" or "Y" or "1") != (u["ACTIVE"]?.GetValue<bool>() == true))
            {
                return false;
            }

            return filter["ID"] is not { } id || Str(id) == Str(u["ID"]);
        }).OrderBy(u => long.Parse(Str(u["ID"])!, CultureInfo.InvariantCulture)).ToList();
        var select = Strings(p["select"] ?? p["SELECT"]);
        var (page, total, next) = Page(matching, p["start"]);
        var items = new JsonArray(page.Select(u =>
        {
            var copy = new JsonObject();
            foreach (var (key, value) in u)
            {
                if (select.Count == 0 || select.Contains(key) || key == "ID")
                {
                    copy[key] = value?.DeepClone();
                }
            }

            return (JsonNode)copy;
        }).ToArray());
        var envelope = Ok(items);
        envelope["total"] = total;
        if (next is not null)
        {
            envelope["next"] = next;
        }

        return envelope;
    }

    private JsonObject ItemAdd(JsonObject p)
    {
        var type = EntityType(p);
        if (p["fields"] is not JsonObject fields)
        {
            throw new PortalError(HttpStatusCode.BadRequest, "100", "fields is required");
        }

        var item = new JsonObject { ["id"] = ++_nextId, ["entityTypeId"] = type };
        Apply(item, fields, adding: true);
        _items[type][_nextId] = item;
        return Ok(new JsonObject { ["item"] = Present(item, all: true) });
    }

    private JsonObject ItemUpdate(JsonObject p)
    {
        var type = EntityType(p);
        var item = Find(type, p["id"]);
        if (p["fields"] is not JsonObject fields)
        {
            throw new PortalError(HttpStatusCode.BadRequest, "100", "fields is required");
        }

        CheckStage(type, item, fields["stageId"]);
        Apply(item, fields, adding: false);
        OnItemUpdated(type, item);
        return Ok(new JsonObject { ["item"] = Present(item, all: true) });
    }

    private JsonObject ItemGet(JsonObject p)
    {
        var type = EntityType(p);
        return Ok(new JsonObject { ["item"] = Present(Find(type, p["id"]), all: true) });
    }

    private JsonObject ItemList(JsonObject p)
    {
        var type = EntityType(p);
        var select = Strings(p["select"]);
        var all = select.Count == 0 || select.Contains("*");
        var matching = _items[type].Values.Where(i => Matches(i, p["filter"] as JsonObject, legacy: false)).ToList();
        if (p["order"] is JsonObject order && order.FirstOrDefault() is { Key: "id" } o && Str(o.Value)?.ToUpperInvariant() == "DESC")
        {
            matching.Reverse();
        }

        var (page, total, next) = Page(matching, p["start"]);
        var items = new JsonArray(page.Select(i => (JsonNode)Present(i, all, select)).ToArray());
        var envelope = Ok(new JsonObject { ["items"] = items });
        envelope["total"] = total;
        if (next is not null)
        {
            envelope["next"] = next;
        }

        return envelope;
    }

    private JsonObject LegacyAdd(int type, JsonObject p)
    {
        if (p["fields"] is not JsonObject upper)
        {
            throw new PortalError(HttpStatusCode.BadRequest, "", "fields is required");
        }

        var fields = new JsonObject();
        var fm = new JsonArray();
        foreach (var (key, value) in upper)
        {
            if (key is "PHONE" or "EMAIL" or "WEB" or "IM")
            {
                foreach (var entry in value as JsonArray ?? [])
                {
                    fm.Add(new JsonObject { ["typeId"] = key, ["valueType"] = entry?["VALUE_TYPE"]?.DeepClone(), ["value"] = entry?["VALUE"]?.DeepClone() });
                }
            }
            else
            {
                fields[Camel(key == "STATUS_ID" && type == 1 ? "STAGE_ID" : key)] = value?.DeepClone();
            }
        }

        if (fm.Count > 0)
        {
            fields["fm"] = fm;
        }

        var item = new JsonObject { ["id"] = ++_nextId, ["entityTypeId"] = type };
        Apply(item, fields, adding: true);
        _items[type][_nextId] = item;
        return Ok(_nextId);
    }

    private JsonObject LegacyList(int type, JsonObject p)
    {
        var filter = new JsonObject();
        foreach (var (key, value) in p["filter"] as JsonObject ?? [])
        {
            var prefix = FilterPrefix().Match(key).Value;
            filter[prefix + Camel(key[prefix.Length..])] = value?.DeepClone();
        }

        var matching = _items[type].Values.Where(i => Matches(i, filter, legacy: true)).ToList();
        var (page, total, next) = Page(matching, p["start"]);
        var select = Strings(p["select"]);
        var rows = new JsonArray();
        foreach (var item in page)
        {
            var row = new JsonObject();
            foreach (var (key, value) in item)
            {
                var upper = Upper(key == "stageId" && type == 1 ? "statusId" : key);
                if (key == "fm" || (select.Count > 0 && !select.Contains("*") && !select.Contains(upper) && key != "id"))
                {
                    continue;
                }

                row[upper] = value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? Str(v) : value?.DeepClone();
            }

            foreach (var typeId in new[] { "PHONE", "EMAIL" })
            {
                if (select.Contains(typeId) && item["fm"] is JsonArray fm)
                {
                    row[typeId] = new JsonArray(fm.Where(e => Str(e?["typeId"]) == typeId)
                        .Select(e => (JsonNode)new JsonObject { ["ID"] = Str(e?["id"]), ["VALUE_TYPE"] = e?["valueType"]?.DeepClone(), ["VALUE"] = e?["value"]?.DeepClone(), ["TYPE_ID"] = typeId }).ToArray());
                }
            }

            rows.Add(row);
        }

        var envelope = Ok(rows);
        envelope["total"] = total;
        if (next is not null)
        {
            envelope["next"] = next;
        }

        return envelope;
    }

    private JsonObject FindByComm(JsonObject p)
    {
        var type = Str(p["type"]);
        if (type is not ("PHONE" or "EMAIL"))
        {
            throw new PortalError(HttpStatusCode.BadRequest, "", "Parameter 'type' is not defined or invalid");
        }

        var values = Strings(p["values"]);
        if (values.Count == 0 || values.Count > 20)
        {
            throw new PortalError(HttpStatusCode.BadRequest, "", "Parameter 'values' must contain 1 to 20 values");
        }

        var entityType = Str(p["entity_type"]);
        (string Name, int Type)[] types = entityType switch
        {
            null or "" => [("LEAD", 1), ("CONTACT", 3)],
            "LEAD" => [("LEAD", 1)],
            "CONTACT" => [("CONTACT", 3)],
            "COMPANY" => [],
            _ => throw new PortalError(HttpStatusCode.BadRequest, "", "Parameter 'entity_type' is invalid"),
        };
        var wanted = values.Select(v => Normalize(type, v)).Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
        var found = new JsonObject();
        foreach (var (name, id) in types)
        {
            var ids = _items[id].Values
                .Where(i => i["fm"] is JsonArray fm && fm.Any(e => Str(e?["typeId"]) == type && wanted.Contains(Normalize(type, Str(e?["value"]) ?? string.Empty))))
                .Select(i => (JsonNode)(long)i["id"]!.GetValue<long>()).ToArray();
            if (ids.Length > 0)
            {
                found[name] = new JsonArray(ids);
            }
        }

        return Ok(found.Count == 0 && EmptyAsArrays ? new JsonArray() : found);
    }

    private static string Normalize(string type, string value) =>
        type == "PHONE" ? new string(value.Where(char.IsAsciiDigit).ToArray()) : value.Trim().ToLowerInvariant();

    private JsonObject CommentAdd(JsonObject p)
    {
        if (p["fields"] is not JsonObject fields)
        {
            throw new PortalError(HttpStatusCode.BadRequest, "100", "Required fields missing: fields (lowercase)");
        }

        var entityType = Str(fields["ENTITY_TYPE"]);
        var type = entityType switch { "lead" => 1, "deal" => 2, "contact" => 3, _ => 0 };
        if (type == 0 || Str(fields["ENTITY_ID"]) is not { } idText)
        {
            throw new PortalError(HttpStatusCode.BadRequest, "100", "Required fields missing: ENTITY_ID, ENTITY_TYPE");
        }

        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var entityId) || !_items[type].ContainsKey(entityId))
        {
            throw new PortalError(HttpStatusCode.BadRequest, "OWNER_NOT_FOUND", "Owner not found");
        }

        var comment = Str(fields["COMMENT"]);
        if (string.IsNullOrWhiteSpace(comment))
        {
            throw new PortalError(HttpStatusCode.BadRequest, "INVALID_ARG_VALUE", "Comment is empty");
        }

        var files = new List<(string Name, byte[] Content)>();
        foreach (var pair in p["fields"]?["FILES"] as JsonArray ?? [])
        {
            var name = Str(pair?[0]);
            var data = Str(pair?[1]);
            var buffer = new byte[(data?.Length ?? 0) * 3 / 4 + 3];
            if (string.IsNullOrEmpty(data) || !Convert.TryFromBase64String(data, buffer, out var written))
            {
                throw new PortalError(HttpStatusCode.BadRequest, "INVALID_ARG_VALUE", "FILES: the file content is not Base64");
            }

            files.Add((string.IsNullOrEmpty(name) ? "file" + files.Count : name, buffer[..written]));
        }

        var id = ++_nextId;
        Comments.Enqueue(new Bitrix24Comment(id, entityType!, entityId, comment, files) { Created = _time.GetUtcNow() });
        return Ok(id);
    }

    /// <summary>
    /// crm.timeline.comment.list (B24 crm-timeline-comment-list.md): <c>filter</c> must name both ENTITY_ID and
    /// ENTITY_TYPE; an owner that does not exist (or is not readable) gets the documented 400 with an empty code,
    /// "Access denied.". Rows carry string ids (ID, ENTITY_ID, AUTHOR_ID), CREATED and COMMENT, and FILES as an object
    /// keyed by file id; <c>select</c> narrows the fields, <c>order</c> sorts by ID or CREATED (ascending when not given:
    /// the docs do not say, and the oldest-first reading is the one that pushes a recent comment past the first page),
    /// and pages are 50 with <c>total</c> and <c>next</c>.
    /// </summary>
    private JsonObject CommentList(JsonObject p)
    {
        var filter = p["filter"] as JsonObject;
        var entityType = Str(filter?["ENTITY_TYPE"]);
        var idText = Str(filter?["ENTITY_ID"]);
        if (string.IsNullOrEmpty(entityType) || string.IsNullOrEmpty(idText))
        {
            throw new PortalError(HttpStatusCode.BadRequest, "", "ENTITY_ID and ENTITY_TYPE are required in filter");
        }

        var type = entityType switch { "lead" => 1, "deal" => 2, "contact" => 3, _ => 0 };
        if (type == 0 || !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var entityId) || !_items[type].ContainsKey(entityId))
        {
            throw new PortalError(HttpStatusCode.BadRequest, "", "Access denied.");
        }

        var matching = Comments.Where(c => c.EntityType == entityType && c.EntityId == entityId).OrderBy(c => c.Id).ToList();
        if (p["order"] is JsonObject order && order.FirstOrDefault() is { Key: "ID" or "CREATED" } o && Str(o.Value)?.ToUpperInvariant() == "DESC")
        {
            matching.Reverse();
        }

        var select = Strings(p["select"]);
        var rows = new List<JsonObject>();
        foreach (var c in matching)
        {
            var files = new JsonObject();
            foreach (var (file, i) in c.Files.Select((f, i) => (f, i)))
            {
                var fileId = c.Id * 10 + i;
                files[fileId.ToString(CultureInfo.InvariantCulture)] = new JsonObject
                {
                    ["id"] = fileId,
                    ["date"] = IsoTime(c.Created),
                    ["type"] = "file",
                    ["name"] = file.Name,
                    ["size"] = file.Content.Length,
                    ["authorId"] = UserId,
                    ["urlDownload"] = $"https://{Host}/disk/downloadFile/{fileId}/?&ncc=1&filename={Uri.EscapeDataString(file.Name)}",
                };
            }

            var row = new JsonObject
            {
                ["ID"] = c.Id.ToString(CultureInfo.InvariantCulture),
                ["ENTITY_ID"] = c.EntityId.ToString(CultureInfo.InvariantCulture),
                ["ENTITY_TYPE"] = c.EntityType,
                ["CREATED"] = IsoTime(c.Created),
                ["COMMENT"] = c.Comment,
                ["AUTHOR_ID"] = UserId.ToString(CultureInfo.InvariantCulture),
                ["FILES"] = files,
            };
            if (select.Count > 0 && !select.Contains("*"))
            {
                foreach (var key in row.Select(r => r.Key).Where(k => !select.Contains(k)).ToList())
                {
                    row.Remove(key);
                }
            }

            rows.Add(row);
        }

        var (page, total, next) = Page(rows, p["start"]);
        var envelope = Ok(new JsonArray(page.Select(r => (JsonNode)r).ToArray()));
        envelope["total"] = total;
        if (next is not null)
        {
            envelope["next"] = next;
        }

        return envelope;
    }

    private static string IsoTime(DateTimeOffset moment) =>
        moment.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private JsonObject StatusList(JsonObject p)
    {
        var entity = Str(p["filter"]?["ENTITY_ID"]);
        return Ok(new JsonArray(_statuses.Where(s => entity is null || Str(s["ENTITY_ID"]) == entity).Select(s => (JsonNode)s.DeepClone()).ToArray()));
    }

    private JsonObject StatusAdd(JsonObject p)
    {
        var entity = Str(p["fields"]?["ENTITY_ID"]);
        var statusId = Str(p["fields"]?["STATUS_ID"]);
        var name = Str(p["fields"]?["NAME"]);
        if (string.IsNullOrEmpty(entity) || string.IsNullOrEmpty(statusId) || string.IsNullOrEmpty(name))
        {
            throw new PortalError(HttpStatusCode.BadRequest, "", "Required fields: ENTITY_ID, STATUS_ID, NAME");
        }

        var saved = StatusIdGetsUcPrefix && !statusId.StartsWith("UC_", StringComparison.Ordinal) ? "UC_" + statusId : statusId;
        if (_statuses.Any(s => Str(s["ENTITY_ID"]) == entity && Str(s["STATUS_ID"]) == saved))
        {
            throw new PortalError(HttpStatusCode.BadRequest, "", "Duplicate STATUS_ID");
        }

        var status = Status(entity, saved, name, int.TryParse(Str(p["fields"]?["SORT"]), CultureInfo.InvariantCulture, out var sort) ? sort : 500, system: false);
        _statuses.Add(status);
        return Ok(long.Parse(Str(status["ID"])!, CultureInfo.InvariantCulture));
    }

    private JsonObject Status(string entity, string statusId, string name, int sort, bool system) => new()
    {
        ["ID"] = (++_nextId).ToString(CultureInfo.InvariantCulture),
        ["ENTITY_ID"] = entity,
        ["STATUS_ID"] = statusId,
        ["NAME"] = name,
        ["NAME_INIT"] = system ? name : string.Empty,
        ["SORT"] = sort.ToString(CultureInfo.InvariantCulture),
        ["SYSTEM"] = system ? "Y" : "N",
        ["CATEGORY_ID"] = null,
        ["COLOR"] = "#39A8EF",
        ["SEMANTICS"] = null,
        ["EXTRA"] = new JsonObject { ["SEMANTICS"] = "process", ["COLOR"] = "#39A8EF" },
    };

    // ---- items ------------------------------------------------------------------------------------------------

    private static int EntityType(JsonObject p) =>
        int.TryParse(Str(p["entityTypeId"]), NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t is 1 or 2 or 3
            ? t
            : throw new PortalError(HttpStatusCode.BadRequest, "NOT_FOUND", "Smart process not found");

    private JsonObject Find(int type, JsonNode? id) =>
        long.TryParse(Str(id), NumberStyles.None, CultureInfo.InvariantCulture, out var key) && _items[type].TryGetValue(key, out var item)
            ? item
            : throw new PortalError(HttpStatusCode.BadRequest, "NOT_FOUND", "Element not found");

    /// <summary>Known fields are stored as given; fm on add is a list, on update an object keyed n0… (add) or an existing id (change, or delete with an empty value).</summary>
    private void Apply(JsonObject item, JsonObject fields, bool adding)
    {
        foreach (var (key, value) in fields)
        {
            if (key == "fm")
            {
                ApplyMultiFields(item, value, adding);
            }
            else if (KnownFields.Contains(key) || key.StartsWith("ufCrm", StringComparison.Ordinal))
            {
                item[key] = value?.DeepClone();
            }
        }

        if (adding && item["entityTypeId"]!.GetValue<int>() == 2)
        {
            item["categoryId"] ??= 0;
        }

        // Bitrix24 puts a new lead or deal on its pipeline's first stage and stamps every save.
        if (adding && item["entityTypeId"]!.GetValue<int>() is 1 or 2)
        {
            item["stageId"] ??= FirstStage(item);
        }

        item["updatedTime"] = Stamp(_time.GetUtcNow());
    }

    private void ApplyMultiFields(JsonObject item, JsonNode? value, bool adding)
    {
        var fm = item["fm"] as JsonArray ?? [];
        item["fm"] = fm;
        var entries = value switch
        {
            JsonArray array => array.Select(e => (Key: (string?)null, Entry: e as JsonObject)).ToList(),
            JsonObject obj when !adding => obj.Select(e => (Key: (string?)e.Key, Entry: e.Value as JsonObject)).ToList(),
            _ => throw new PortalError(HttpStatusCode.BadRequest, "100", "fm must be an array"),
        };
        foreach (var (key, entry) in entries)
        {
            if (entry is null || Str(entry["typeId"]) is not ("PHONE" or "EMAIL" or "WEB" or "IM" or "LINK"))
            {
                throw new PortalError(HttpStatusCode.BadRequest, "CRM_FIELD_ERROR_VALUE_NOT_VALID", "fm: typeId is not valid");
            }

            var existing = key is not null && long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var fieldId)
                ? fm.OfType<JsonObject>().FirstOrDefault(e => e["id"]!.GetValue<long>() == fieldId)
                : null;
            if (existing is not null)
            {
                if (string.IsNullOrEmpty(Str(entry["value"])))
                {
                    fm.Remove(existing);
                }
                else
                {
                    existing["value"] = entry["value"]?.DeepClone();
                    existing["valueType"] = entry["valueType"]?.DeepClone();
                }
            }
            else if (!string.IsNullOrEmpty(Str(entry["value"])))
            {
                fm.Add(new JsonObject { ["id"] = ++_nextFieldId, ["typeId"] = entry["typeId"]?.DeepClone(), ["valueType"] = entry["valueType"]?.DeepClone() ?? "WORK", ["value"] = entry["value"]?.DeepClone() });
            }
        }
    }

    /// <summary>An item as crm.item.* answers: every field (fm only with select *), or the selected ones plus id.</summary>
    private static JsonObject Present(JsonObject item, bool all, IReadOnlyCollection<string>? select = null)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in item)
        {
            if (all || key == "id" || select!.Contains(key))
            {
                if (key != "fm" || all)
                {
                    copy[key] = value?.DeepClone();
                }
            }
        }

        return copy;
    }

    /// <summary>The filter's conditions, ANDed: <c>=f</c> or <c>f</c> exact, <c>!=f</c>/<c>!f</c> not equal, <c>@f</c> in, <c>&gt;f</c>, <c>&lt;f</c> (numbers).</summary>
    private static bool Matches(JsonObject item, JsonObject? filter, bool legacy)
    {
        foreach (var (key, expected) in filter ?? [])
        {
            var prefix = FilterPrefix().Match(key).Value;
            var field = key[prefix.Length..];
            var actual = item[field];
            var actualValues = actual is JsonArray arr ? arr.Select(Str).ToList() : [Str(actual)];
            var expectedValues = expected is JsonArray e ? e.Select(Str).ToList() : [Str(expected)];
            var ok = prefix switch
            {
                "" or "=" => actualValues.Any(a => expectedValues.Count == 1 && string.Equals(a, expectedValues[0], legacy ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)),
                "!" or "!=" => expectedValues.Count == 1 && !actualValues.Any(a => a == expectedValues[0]),
                "@" => actualValues.Any(expectedValues.Contains),
                "!@" => !actualValues.Any(expectedValues.Contains),
                ">" or ">=" or "<" or "<=" => Compare(Str(actual), Str(expected), prefix),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Compare(string? actual, string? expected, string op) =>
        (double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
            && op switch { ">" => a > b, ">=" => a >= b, "<" => a < b, _ => a <= b })
        || (DateTimeOffset.TryParse(actual, CultureInfo.InvariantCulture, DateTimeStyles.None, out var da)
            && DateTimeOffset.TryParse(expected, CultureInfo.InvariantCulture, DateTimeStyles.None, out var db)
            && op switch { ">" => da > db, ">=" => da >= db, "<" => da < db, _ => da <= db });

    private static (List<JsonObject> Page, long Total, long? Next) Page(List<JsonObject> matching, JsonNode? startNode)
    {
        var startText = Str(startNode);
        var start = long.TryParse(startText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (start < 0)
        {
            return (matching.Take(PageSize).ToList(), 0, null); // start=-1: no counting
        }

        var page = matching.Skip((int)start).Take(PageSize).ToList();
        return (page, matching.Count, start + PageSize < matching.Count ? start + PageSize : (long?)null);
    }

    // ---- envelope ---------------------------------------------------------------------------------------------

    private JsonObject Time(DateTimeOffset start, string? method)
    {
        var finish = _time.GetUtcNow();
        var time = new JsonObject
        {
            ["start"] = start.ToUnixTimeMilliseconds() / 1000.0,
            ["finish"] = finish.ToUnixTimeMilliseconds() / 1000.0,
            ["duration"] = (finish - start).TotalSeconds,
            ["processing"] = (finish - start).TotalSeconds,
            ["date_start"] = IsoTime(start),
            ["date_finish"] = IsoTime(finish),
        };
        if (method is not null && _baskets.TryGetValue(method, out var baskets) && baskets.Count > 0)
        {
            time["operating_reset_at"] = (baskets[0].Start + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds();
            time["operating"] = baskets.Sum(x => x.Seconds);
        }
        else
        {
            time["operating_reset_at"] = (finish + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds();
            time["operating"] = 0;
        }

        return time;
    }

    /// <summary>The operating_reset_at a method's next answer would carry (the oldest basket's end), or null when it has none.</summary>
    public DateTimeOffset? OperatingResetAt(string method)
    {
        lock (_gate)
        {
            return _baskets.TryGetValue(method, out var baskets) && baskets.Count > 0 ? baskets[0].Start + TimeSpan.FromMinutes(10) : null;
        }
    }

    private static JsonObject Ok(JsonNode? result) => new() { ["result"] = result };

    private static JsonObject ErrorBody(string code, string description) => new() { ["error"] = code, ["error_description"] = description };

    public static HttpResponseMessage Error(HttpStatusCode status, string code, string description) =>
        Json(status, ErrorBody(code, description));

    public static HttpResponseMessage Json(HttpStatusCode status, JsonNode body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new HttpResponseMessage(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    // ---- PHP-style query strings --------------------------------------------------------------------------------

    /// <summary>Parses <c>a=1&amp;b[c]=2&amp;d[]=3&amp;e[0][f]=4</c> as PHP does (objects keyed 0..n-1 become arrays); values stay strings.</summary>
    public static JsonObject ParseQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var root = new JsonObject();
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq < 0 ? pair : pair[..eq]);
            var value = Decode(eq < 0 ? string.Empty : pair[(eq + 1)..]);
            var bracket = name.IndexOf('[', StringComparison.Ordinal);
            var path = new List<string> { bracket < 0 ? name : name[..bracket] };
            if (bracket >= 0)
            {
                path.AddRange(QueryKeyPart().Matches(name[bracket..]).Select(m => m.Groups[1].Value));
            }

            JsonObject node = root;
            for (var i = 0; i < path.Count; i++)
            {
                var key = path[i].Length == 0 ? node.Count.ToString(CultureInfo.InvariantCulture) : path[i];
                if (i == path.Count - 1)
                {
                    node[key] = value;
                }
                else
                {
                    if (node[key] is not JsonObject child)
                    {
                        child = [];
                        node[key] = child;
                    }

                    node = child;
                }
            }
        }

        return (JsonObject)Listify(root)!;
    }

    private static JsonNode? Listify(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            return node;
        }

        var keys = obj.Select(p => p.Key).ToList();
        foreach (var key in keys)
        {
            var child = obj[key];
            obj.Remove(key);
            obj[key] = Listify(child);
        }

        if (keys.Count > 0 && keys.Select((k, i) => k == i.ToString(CultureInfo.InvariantCulture)).All(b => b))
        {
            var array = new JsonArray();
            foreach (var key in keys)
            {
                var child = obj[key];
                obj.Remove(key);
                array.Add(child);
            }

            return array;
        }

        return obj;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static string? Str(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True => "Y",
        JsonValue v when v.GetValueKind() is JsonValueKind.False => "N",
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    private static List<string> Strings(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(Str).Where(s => s is not null).Select(s => s!).ToList(),
        JsonObject o => o.Select(p => Str(p.Value)).Where(s => s is not null).Select(s => s!).ToList(),
        JsonValue v when Str(v) is { } s => [s],
        _ => [],
    };

    private static string Camel(string upper)
    {
        var parts = upper.ToLowerInvariant().Split('_', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? upper : parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    private static string Upper(string camel) => CamelBoundary().Replace(camel, "$1_$2").ToUpperInvariant();

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(' ', values) : null;

    [GeneratedRegex(@"^/rest/(?<user>[^/]+)/(?<secret>[^/]+)/(?<method>[A-Za-z0-9_.]+?)(\.json)?/?$")]
    private static partial Regex WebhookPath();

    [GeneratedRegex(@"\$result\[(?<key>[^\[\]]+)\](\[(?<path>[^\[\]]*)\])*")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"^(!=|!@|!|=|@|>=|<=|>|<)?")]
    private static partial Regex FilterPrefix();

    [GeneratedRegex(@"\[([^\]]*)\]")]
    private static partial Regex QueryKeyPart();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex CamelBoundary();

    private sealed class PortalError(HttpStatusCode status, string code, string message) : Exception(message)
    {
        public HttpStatusCode Status { get; } = status;

        public string Code { get; } = code;
    }
}

/// <summary>One HTTP request the fake portal received (the body as sent: tests may read the fields, never a log).</summary>
public sealed record Bitrix24Request(string Method, string HttpMethod, string? UserAgent, string? ContentType, string? Accept, string Body, DateTimeOffset At)
{
    public JsonNode? Json => string.IsNullOrWhiteSpace(Body) ? null : JsonNode.Parse(Body);
}

/// <summary>A timeline comment: its id, owner, text and files (name, bytes).</summary>
public sealed record Bitrix24Comment(long Id, string EntityType, long EntityId, string Comment, IReadOnlyList<(string Name, byte[] Content)> Files)
{
    /// <summary>When the portal saved it (CREATED in crm.timeline.comment.list).</summary>
    public DateTimeOffset Created { get; init; }
}
