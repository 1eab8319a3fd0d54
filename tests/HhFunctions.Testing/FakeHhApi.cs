using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Web;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Testing;

/// <summary>
/// A stateful, contract-faithful fake of the hh.ru API (docs/hh-api.md) at the HTTP boundary:
/// form-encoded POST /token (authorization_code, refresh_token, client_credentials), single-use refresh tokens usable
/// only after the access token expired, revocation, the application token (one live at a time, a new one revokes
/// the old, at most one per 5 minutes, good for vacancy search and vacancy pages only), GET /me, paged GET
/// /resumes/mine, POST /resumes/{id}/publish with
/// next_publish_at and 429 touch_limit_exceeded, User-Agent checks. Time comes from a FakeTimeProvider.
/// Faults can be scripted per path. Every request is recorded.
/// </summary>
public sealed class FakeHhApi
{
    public const string ClientId = "test-client-id";
    public const string ClientSecret = "test-client-secret-DO-NOT-LOG";
    public static readonly TimeSpan AccessLifetime = TimeSpan.FromDays(14);
    public static readonly TimeSpan PublishInterval = TimeSpan.FromHours(4);

    private readonly FakeTimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AccessToken> _access = [];
    private readonly Dictionary<string, RefreshToken> _refresh = [];
    private readonly Dictionary<string, IssuedCode> _codes = [];
    private readonly HashSet<string> _usedCodes = [];
    private readonly HashSet<string> _states = [];
    private readonly Dictionary<string, bool> _appTokens = []; // value -> revoked
    private DateTimeOffset? _appTokenIssuedAt;
    private readonly Lock _faultGate = new();
    private readonly List<Fault> _faults = []; // in order; guarded by _faultGate
    private int _counter;

    /// <summary>The connected user's hh.ru id (GET /me's id, webhook callbacks' user_id).</summary>
    public const string UserId = "42";

    public FakeHhApi(FakeTimeProvider time)
    {
        _time = time;
        Employer = new FakeHhEmployer(this, time);
    }

    /// <summary>The API's base as the fake writes it into URLs it hands out (the fake server sets its own address).</summary>
    public Uri ApiBase { get; set; } = new("https://api.hh.ru/");

    /// <summary>
    /// The connected account is an employer (a manager user): GET /me says auth_type employer with employer{id,name}
    /// and manager{id}, and <see cref="Employer"/> serves the employer calls. Off (the default): an applicant, and
    /// employer-only calls answer 403.
    /// </summary>
    public bool IsEmployer { get; set; }

    /// <summary>Webhook subscriptions and callbacks, vacancies, negotiations, resumes and files as an employer sees them.</summary>
    public FakeHhEmployer Employer { get; }

    public List<FakeResume> Resumes { get; } = [];

    /// <summary>Vacancy search, saved searches and similar vacancies.</summary>
    public FakeHhVacancies Search { get; } = new();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int PageSize { get; set; } = 50;

    /// <summary>Simulated network latency: added to the fake clock for every request.</summary>
    public Func<TimeSpan>? Latency { get; set; }

    /// <summary>Every value this fake issued or accepts as a secret, for "never leaked" checks.</summary>
    public IReadOnlyCollection<string> Secrets
    {
        get
        {
            lock (_gate)
            {
                return [.. _access.Keys, .. _refresh.Keys, .. _codes.Keys, .. _usedCodes, .. _states, .. _appTokens.Keys, ClientSecret];
            }
        }
    }

    /// <summary>Refresh tokens hh.ru would still accept: the app must be able to produce each of them.</summary>
    public IReadOnlyList<string> LiveRefreshTokens
    {
        get
        {
            lock (_gate)
            {
                return _refresh.Values.Where(r => !r.Used && r.RevokedReason is null).Select(r => r.Value).ToList();
            }
        }
    }

    public int RefreshCalls { get; private set; }

    /// <summary>hh.ru issues an application token at most once per this interval ("403 app token refresh too early").</summary>
    public static readonly TimeSpan AppTokenInterval = TimeSpan.FromMinutes(5);

    /// <summary>Every POST /token with grant_type=client_credentials that reached the fake.</summary>
    public int AppTokenRequests { get; private set; }

    /// <summary>Application tokens issued (to this app, not <see cref="IssueAppTokenElsewhere"/>).</summary>
    public int AppTokensIssued { get; private set; }

    /// <summary>Application-token requests refused as "app token refresh too early".</summary>
    public int AppTokenTooEarly { get; private set; }

    /// <summary>The application token hh.ru accepts now (null: none issued).</summary>
    public string? LiveAppToken
    {
        get
        {
            lock (_gate)
            {
                return _appTokens.Where(t => !t.Value).Select(t => t.Key).SingleOrDefault();
            }
        }
    }

    /// <summary>
    /// Someone got a new application token elsewhere (dev.hh.ru's admin page, another copy of the app): the one the
    /// app holds is revoked and the 5-minute clock starts again.
    /// </summary>
    public string IssueAppTokenElsewhere()
    {
        lock (_gate)
        {
            return IssueAppToken();
        }
    }

    public int SuccessfulRefreshes { get; private set; }

    public int EarlyPublishRejections => Resumes.Sum(r => r.EarlyRejections);

    /// <summary>An authorization code lives this long (hh.ru: "fairly short"), and works once.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    /// <summary>A client id hh.ru knows, but not this app's: codes issued to it are refused to <see cref="ClientId"/>.</summary>
    public const string OtherClientId = "other-application-id";

    /// <summary>
    /// The redirect URI registered for <see cref="ClientId"/> at dev.hh.ru. Null: any redirect_uri is accepted at
    /// the authorize step (the older tests' behaviour); the token endpoint still wants the one the code was issued for.
    /// </summary>
    public string? RegisteredRedirectUri { get; set; }

    /// <summary>
    /// "Application without applicant access" (hh.ru since 2025-12-15): /me still answers, but applicant calls with a
    /// user's token (GET /resumes/mine, POST /resumes/{id}/publish, applying, saved searches, similar vacancies, and
    /// vacancy search, whose "app" badge hh.ru removed) get 403 {"errors":[{"type":"forbidden"}]}. The application
    /// token still searches.
    /// </summary>
    public bool NoApplicantAccess { get; set; }

    /// <summary>A code the user "got" by approving access on hh.ru, valid for <paramref name="redirectUri"/>.</summary>
    public string IssueCode(string redirectUri, string clientId = ClientId)
    {
        lock (_gate)
        {
            var code = $"code-{Next()}-{Guid.NewGuid():N}";
            _codes[code] = new IssuedCode(redirectUri, clientId, _time.GetUtcNow());
            return code;
        }
    }

    /// <summary>
    /// The user opens hh.ru's authorize page and allows access: returns where hh.ru sends the browser
    /// ({redirect_uri}?code=…&amp;state=…), or throws when hh.ru would refuse the redirect_uri. Without a
    /// redirect_uri, the registered one is used (as hh.ru does).
    /// </summary>
    public Uri Authorize(Uri authorizeUrl)
    {
        ArgumentNullException.ThrowIfNull(authorizeUrl);
        var query = HttpUtility.ParseQueryString(authorizeUrl.Query);
        var clientId = query["client_id"] ?? throw new InvalidOperationException("authorize without client_id");
        var given = query["redirect_uri"];
        var registered = clientId == ClientId ? RegisteredRedirectUri : null;
        if (given is not null && registered is not null && !RedirectMatches(registered, given))
        {
            throw new InvalidOperationException($"hh.ru refuses redirect_uri {given}: it does not match the registered {registered}.");
        }

        var redirect = given ?? registered ?? throw new InvalidOperationException("no redirect_uri and none registered");
        var code = IssueCode(redirect, clientId);
        var state = query["state"];
        if (state is not null)
        {
            lock (_gate)
            {
                _states.Add(state);
            }
        }

        var separator = redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return new Uri(redirect + separator + "code=" + Uri.EscapeDataString(code) + (state is null ? string.Empty : "&state=" + Uri.EscapeDataString(state)));
    }

    /// <summary>
    /// hh.ru's redirect_uri rule: against a registered http://example.com/oauth, a subdomain, a longer path and extra
    /// query parameters are allowed; another scheme, domain or path, or a port the registered value lacks, are not.
    /// </summary>
    public static bool RedirectMatches(string registered, string given)
    {
        if (!Uri.TryCreate(registered, UriKind.Absolute, out var r) || !Uri.TryCreate(given, UriKind.Absolute, out var g))
        {
            return false;
        }

        var hostOk = string.Equals(g.Host, r.Host, StringComparison.OrdinalIgnoreCase) || g.Host.EndsWith("." + r.Host, StringComparison.OrdinalIgnoreCase);
        var portOk = g.Port == r.Port && HasExplicitPort(given) == HasExplicitPort(registered);
        var basePath = r.AbsolutePath.TrimEnd('/');
        var pathOk = g.AbsolutePath.TrimEnd('/') == basePath || g.AbsolutePath.StartsWith(basePath + "/", StringComparison.Ordinal);
        return g.Scheme == r.Scheme && hostOk && portOk && pathOk;
    }

    private static bool HasExplicitPort(string uri)
    {
        var afterScheme = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var authority = afterScheme.Split('/', '?', '#')[0];
        return authority.Contains(':', StringComparison.Ordinal);
    }

    /// <summary>Another app or script refreshed this pair (after its expiry): the copied pair is now spent.</summary>
    public (string Access, string Refresh, DateTimeOffset ExpiresAt) RotateElsewhere(string refreshToken)
    {
        lock (_gate)
        {
            var refresh = _refresh[refreshToken];
            refresh.Used = true;
            _access[refresh.AccessToken].Rotated = true;
            return IssuePair(AccessLifetime);
        }
    }

    /// <summary>Seeds an already connected account and returns its pair (as if a code exchange happened earlier).</summary>
    public (string Access, string Refresh, DateTimeOffset ExpiresAt) SeedTokens(TimeSpan? lifetime = null)
    {
        lock (_gate)
        {
            return IssuePair(lifetime ?? AccessLifetime);
        }
    }

    public FakeResume AddResume(string id, string title, string status = "published", DateTimeOffset? nextPublishAt = null)
    {
        var resume = new FakeResume(id, title, status) { NextPublishAt = nextPublishAt };
        Resumes.Add(resume);
        return resume;
    }

    /// <summary>The user revoked access (or changed the password): every token stops working.</summary>
    public void RevokeAll(string reason = "token was revoked")
    {
        lock (_gate)
        {
            foreach (var a in _access.Values)
            {
                a.Revoked = true;
            }

            foreach (var r in _refresh.Values)
            {
                r.RevokedReason = reason;
            }

            Employer.OnAccessRevoked(); // hh.ru deletes the user's webhook subscriptions
        }
    }

    /// <summary>The next request whose path starts with <paramref name="pathPrefix"/> gets this response instead.</summary>
    /// <summary>
    /// The next request to the path IS handled (e.g. the resume is raised) but its answer is lost and this
    /// response comes back instead, like a gateway timeout after the work was done.
    /// </summary>
    public void FailAfterHandling(string pathPrefix, Func<HttpResponseMessage> response)
    {
        lock (_faultGate)
        {
            _faults.Add(new Fault(pathPrefix, response, null, AfterHandling: true));
        }
    }

    public void Fail(string pathPrefix, Func<HttpResponseMessage> response, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            lock (_faultGate)
            {
                _faults.Add(new Fault(pathPrefix, response, null));
            }
        }
    }

    /// <summary>The next request to the path IS handled (e.g. the application recorded), then the connection breaks: this exception.</summary>
    public void ThrowAfterHandling(string pathPrefix, Func<Exception> exception)
    {
        lock (_faultGate)
        {
            _faults.Add(new Fault(pathPrefix, null, exception, AfterHandling: true));
        }
    }

    /// <summary>Scripted faults (Fail, Throw and their after-handling forms) no request has taken yet.</summary>
    public int FaultsLeft
    {
        get
        {
            lock (_faultGate)
            {
                return _faults.Count;
            }
        }
    }

    /// <summary>The next request to the path throws (connection refused, timeout...).</summary>
    public void Throw(string pathPrefix, Func<Exception> exception, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            lock (_faultGate)
            {
                _faults.Add(new Fault(pathPrefix, null, exception));
            }
        }
    }

    /// <summary>Lets a refresh succeed at hh.ru but runs <paramref name="afterRotation"/> before answering (e.g. to simulate a crash).</summary>
    public Action? AfterRotation { get; set; }

    public static HttpResponseMessage Html(HttpStatusCode status) => new(status)
    {
        Content = new StringContent("<html><head><title>DDoS-Guard</title></head><body>Checking your browser…</body></html>", Encoding.UTF8, "text/html"),
    };

    public static HttpResponseMessage Json(HttpStatusCode status, string json) => new(status)
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
    };

    public static HttpResponseMessage Errors(HttpStatusCode status, string type, string? value = null) =>
        Json(status, value is null
            ? $$"""{"errors":[{"type":"{{type}}"}],"request_id":"req-1"}"""
            : $$"""{"errors":[{"type":"{{type}}","value":"{{value}}"}],"request_id":"req-1"}""");

    public async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
        var path = request.RequestUri!.AbsolutePath.TrimStart('/');
        Requests.Enqueue(new RecordedRequest(request.Method.Method, request.RequestUri, request.Headers.Authorization?.Parameter, body, _time.GetUtcNow())
        {
            UserAgent = request.Headers.NonValidated.TryGetValues("User-Agent", out var ua) ? ua.ToString() : null,
            HhUserAgent = request.Headers.NonValidated.TryGetValues("HH-User-Agent", out var hhUa) ? hhUa.ToString() : null,
        });
        if (Latency?.Invoke() is { } latency && latency > TimeSpan.Zero)
        {
            _time.Advance(latency);
        }

        var fault = TakeFault(path);
        if (fault is { AfterHandling: false })
        {
            if (fault.Exception is not null)
            {
                throw fault.Exception();
            }

            return fault.Response!();
        }

        if (!request.Headers.TryGetValues("HH-User-Agent", out _) && request.Headers.UserAgent.Count == 0)
        {
            return Errors(HttpStatusCode.BadRequest, "bad_user_agent", "unset");
        }

        var form = request.Method == HttpMethod.Post && path == "negotiations" ? await ReadFormAsync(request, body, ct) : null;
        HttpResponseMessage handled;
        lock (_gate)
        {
            handled = (request.Method.Method, path) switch
            {
                (var m, var p) when IsEmployer && FakeHhEmployer.Serves(m, p) =>
                    Authorized(request, _ => Employer.Handle(m, p, request.RequestUri!, body, ApiBase)),
                (_, var p) when !IsEmployer && FakeHhEmployer.IsEmployerOnly(p) => Authorized(request, _ => FakeHhEmployer.NotAnEmployer()),
                ("DELETE", "oauth/token") => Authorized(request, Invalidate),
                ("POST", "negotiations") => Authorized(request, _ => NoApplicantAccess ? Forbidden() : Apply(form!)),
                ("GET", "negotiations") => Authorized(request, _ => NoApplicantAccess ? Forbidden() : NegotiationsList(request.RequestUri!)),
                ("GET", var p) when p.StartsWith("vacancies/", StringComparison.Ordinal) && p.Count(c => c == '/') == 1 =>
                    Authorized(request, _ => OneVacancy(Uri.UnescapeDataString(p["vacancies/".Length..])), applicationAllowed: true),
                ("POST", "token") => Token(request, body),
                ("GET", "me") when IsAppToken(request) => Authorized(request, _ => Json(HttpStatusCode.OK, """{"auth_type":"application","is_applicant":false,"is_employer":false,"is_admin":false,"is_application":true}"""), applicationAllowed: true),
                ("GET", "me") when IsEmployer => Authorized(request, _ => Json(HttpStatusCode.OK, Employer.MeJson())),
                ("GET", "me") => Authorized(request, _ => Json(HttpStatusCode.OK, """{"id":"42","first_name":"Ivan","last_name":"Petrov","email":"ivan@example.com","is_applicant":true,"is_employer":false}""")),
                ("GET", "resumes/mine") => Authorized(request, _ => NoApplicantAccess ? Forbidden() : ResumesMine(request.RequestUri!)),
                ("GET", var p) when p.StartsWith("resumes/", StringComparison.Ordinal) && p.Count(c => c == '/') == 1 =>
                    Authorized(request, _ => NoApplicantAccess ? Forbidden() : OneResume(Uri.UnescapeDataString(p["resumes/".Length..]))),
                ("POST", var p) when p.StartsWith("resumes/", StringComparison.Ordinal) && p.EndsWith("/publish", StringComparison.Ordinal) =>
                    Authorized(request, _ => NoApplicantAccess ? Forbidden() : Publish(p["resumes/".Length..^"/publish".Length])),
                ("PUT", var p) when p.EndsWith("/publish", StringComparison.Ordinal) => Errors(HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
                ("GET", "vacancies") => Authorized(request, _ => NoApplicantAccess && !IsAppToken(request) ? Forbidden() : Search.Handle("vacancies", request.RequestUri!, ApiBase)!, applicationAllowed: true),
                ("GET", var p) when FakeHhVacancies.Serves(p) => Authorized(request, _ => NoApplicantAccess ? Forbidden() : Search.Handle(p, request.RequestUri!, ApiBase)!),
                _ => Json(HttpStatusCode.NotFound, """{"errors":[{"type":"not_found"}]}"""),
            };
        }

        if (fault is { AfterHandling: true })
        {
            handled.Dispose();
            if (fault.Exception is not null)
            {
                throw fault.Exception();
            }

            return fault.Response!();
        }

        return handled;
    }

    /// <summary>The oldest fault scripted for this path, if any; faults for other paths stay queued.</summary>
    private Fault? TakeFault(string path)
    {
        lock (_faultGate)
        {
            var index = _faults.FindIndex(f => path.StartsWith(f.PathPrefix, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            var fault = _faults[index];
            _faults.RemoveAt(index);
            return fault;
        }
    }

    private HttpResponseMessage Token(HttpRequestMessage request, string? body)
    {
        if (request.Content?.Headers.ContentType?.MediaType != "application/x-www-form-urlencoded" || body is null)
        {
            return Json(HttpStatusCode.BadRequest, """{"error":"unsupported_grant_type","error_description":"unsupported grant_type"}""");
        }

        var form = HttpUtility.ParseQueryString(body);
        switch (form["grant_type"])
        {
            case "authorization_code":
                if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
                {
                    return TokenError("invalid_client", "client_id or client_secret not found");
                }

                var code = form["code"] ?? string.Empty;
                if (_usedCodes.Contains(code))
                {
                    return TokenError("invalid_grant", "code has already been used");
                }

                if (!_codes.TryGetValue(code, out var issued) || issued.ClientId != form["client_id"])
                {
                    // A code issued to another application does not exist for this one.
                    return TokenError("invalid_request", "code not found");
                }

                _codes.Remove(code);
                _usedCodes.Add(code);
                if (_time.GetUtcNow() - issued.IssuedAt > CodeLifetime)
                {
                    return TokenError("invalid_grant", "code expired");
                }

                if (issued.RedirectUri != form["redirect_uri"])
                {
                    return TokenError("invalid_request", "bad redirect url");
                }

                return PairResponse(IssuePair(AccessLifetime));

            case "refresh_token":
                RefreshCalls++;
                var value = form["refresh_token"] ?? string.Empty;
                if (!_refresh.TryGetValue(value, out var refresh))
                {
                    return TokenError("invalid_request", "token not found");
                }

                if (refresh.RevokedReason is { } reason)
                {
                    return TokenError("invalid_grant", reason);
                }

                if (refresh.Used)
                {
                    return TokenError("invalid_grant", "token has already been refreshed");
                }

                if (_time.GetUtcNow() < _access[refresh.AccessToken].ExpiresAt)
                {
                    return TokenError("invalid_grant", "token not expired");
                }

                refresh.Used = true;
                _access[refresh.AccessToken].Rotated = true;
                SuccessfulRefreshes++;
                var pair = IssuePair(AccessLifetime);
                AfterRotation?.Invoke();
                return PairResponse(pair);

            case "client_credentials":
                AppTokenRequests++;
                if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
                {
                    return TokenError("invalid_client", "client_id or client_secret not found");
                }

                if (_appTokenIssuedAt is { } last && _time.GetUtcNow() < last + AppTokenInterval)
                {
                    AppTokenTooEarly++;
                    return Json(HttpStatusCode.Forbidden, """{"error":"forbidden","error_description":"app token refresh too early"}""");
                }

                AppTokensIssued++;
                return Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { access_token = IssueAppToken(), token_type = "bearer" }));

            default:
                return Json(HttpStatusCode.BadRequest, """{"error":"unsupported_grant_type","error_description":"unsupported grant_type"}""");
        }
    }

    /// <summary>A new application token; the one before is revoked. Caller holds _gate.</summary>
    private string IssueAppToken()
    {
        foreach (var key in _appTokens.Keys.ToList())
        {
            _appTokens[key] = true;
        }

        var token = $"APP{Next()}-{Guid.NewGuid():N}";
        _appTokens[token] = false;
        _appTokenIssuedAt = _time.GetUtcNow();
        return token;
    }

    private bool IsAppToken(HttpRequestMessage request) =>
        request.Headers.Authorization is { Scheme: "Bearer", Parameter: { } bearer } && _appTokens.ContainsKey(bearer);

    /// <summary>
    /// The bearer must be a live user token; with <paramref name="applicationAllowed"/> (vacancy search and pages,
    /// /me) a live application token does too. Elsewhere an application token gets 403 oauth/user_auth_expected; a
    /// revoked one 403 oauth/bad_authorization.
    /// </summary>
    private HttpResponseMessage Authorized(HttpRequestMessage request, Func<AccessToken, HttpResponseMessage> next, bool applicationAllowed = false)
    {
        var bearer = request.Headers.Authorization is { Scheme: "Bearer" } auth ? auth.Parameter : null;
        if (bearer is null)
        {
            return Errors(HttpStatusCode.Forbidden, "forbidden");
        }

        if (_appTokens.TryGetValue(bearer, out var revoked))
        {
            return revoked
                ? Errors(HttpStatusCode.Forbidden, "oauth", "bad_authorization")
                : applicationAllowed
                    ? next(new AccessToken(bearer, DateTimeOffset.MaxValue))
                    : Errors(HttpStatusCode.Forbidden, "oauth", "user_auth_expected");
        }

        if (!_access.TryGetValue(bearer, out var token))
        {
            return Errors(HttpStatusCode.Forbidden, "oauth", "bad_authorization");
        }

        if (token.Revoked)
        {
            return Errors(HttpStatusCode.Forbidden, "oauth", "token_revoked");
        }

        if (token.Rotated || _time.GetUtcNow() >= token.ExpiresAt)
        {
            return Errors(HttpStatusCode.Forbidden, "oauth", "token_expired");
        }

        return next(token);
    }

    /// <summary>DELETE /oauth/token: the token and its refresh token stop working, and hh.ru drops the user's subscriptions.</summary>
    private HttpResponseMessage Invalidate(AccessToken token)
    {
        token.Revoked = true;
        foreach (var r in _refresh.Values.Where(r => r.AccessToken == token.Value))
        {
            r.RevokedReason = "token was revoked";
        }

        Employer.OnAccessRevoked();
        return new HttpResponseMessage(HttpStatusCode.NoContent);
    }

    private HttpResponseMessage OneResume(string id)
    {
        var resume = Resumes.FirstOrDefault(r => r.Id == id);
        return resume is null
            ? Errors(HttpStatusCode.NotFound, "not_found")
            : Json(HttpStatusCode.OK, JsonSerializer.Serialize(ResumeJson(resume, _time.GetUtcNow())));
    }

    private static Dictionary<string, object?> ResumeJson(FakeResume r, DateTimeOffset now)
    {
        var published = r.Status == "published";
        var can = published ? r.NextPublishAt is null || r.NextPublishAt <= now : (bool?)null;
        return new Dictionary<string, object?>
        {
            ["id"] = r.Id,
            ["title"] = r.Title,
            ["status"] = new { id = r.Status, name = r.Status },
            ["blocked"] = r.Status == "blocked",
            ["finished"] = true,
            ["can_publish_or_update"] = can,
            ["next_publish_at"] = published && r.NextPublishAt is { } n ? HhDate(n) : null,
            ["updated_at"] = HhDate(r.UpdatedAt ?? now.AddDays(-1)),
            ["alternate_url"] = "https://hh.ru/resume/" + r.Id,
            ["skill_set"] = r.SkillSet,
        };
    }

    private HttpResponseMessage ResumesMine(Uri uri)
    {
        var query = HttpUtility.ParseQueryString(uri.Query);
        var page = int.TryParse(query["page"], CultureInfo.InvariantCulture, out var p) ? p : 0;
        var perPage = Math.Min(int.TryParse(query["per_page"], CultureInfo.InvariantCulture, out var pp) ? pp : 20, PageSize);
        var now = _time.GetUtcNow();
        var items = Resumes.Skip(page * perPage).Take(perPage).Select(r => ResumeJson(r, now)).ToList();
        var pages = (int)Math.Ceiling(Resumes.Count / (double)perPage);
        return Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { items, found = Resumes.Count, pages, page, per_page = perPage }));
    }

    private HttpResponseMessage Publish(string id)
    {
        var resume = Resumes.FirstOrDefault(r => r.Id == Uri.UnescapeDataString(id));
        if (resume is null)
        {
            return Errors(HttpStatusCode.NotFound, "not_found");
        }

        if (resume.Status is "blocked" or "on_moderation" || resume.MandatoryFieldsMissing)
        {
            return Errors(HttpStatusCode.BadRequest, "bad_request");
        }

        var now = _time.GetUtcNow();
        if (resume.NextPublishAt is { } next && now < next)
        {
            resume.EarlyRejections++;
            return Errors(HttpStatusCode.TooManyRequests, "resumes", "touch_limit_exceeded");
        }

        resume.Status = "published";
        resume.Raises.Add(now);
        resume.UpdatedAt = now;
        resume.NextPublishAt = now + PublishInterval;
        return new HttpResponseMessage(HttpStatusCode.NoContent);
    }

    // ---- applying and tracking (docs/hh-api.md §B, §C) ----

    public List<FakeVacancyDetail> Vacancies { get; } = [];

    /// <summary>Every application hh.ru recorded, in order.</summary>
    public List<FakeNegotiation> Negotiations { get; } = [];

    /// <summary>POST /negotiations that arrived for a vacancy the resume had already applied to: "sent twice".</summary>
    public int DuplicateApplications { get; private set; }

    /// <summary>Every POST /negotiations that reached the fake (before faults), for "how many were sent" checks.</summary>
    public int ApplyPosts => Requests.Count(r => r.Method == "POST" && r.Uri.AbsolutePath == "/negotiations");

    /// <summary>Runs right after an application is recorded (e.g. to script faults for what follows).</summary>
    public Action? AfterApply { get; set; }

    /// <summary>hh.ru's cap per rolling 24 hours (200).</summary>
    public int DailyApplicationCap { get; set; } = 200;

    /// <summary>How the cap is refused: 400/403/429 with negotiations/limit_exceeded, or 0 for a bare 429 (hh.ru staff's reading).</summary>
    public int LimitStatus { get; set; } = 400;

    /// <summary>GET /negotiations page size the fake serves at most.</summary>
    public int NegotiationsPageSize { get; set; } = 100;

    public FakeVacancyDetail AddVacancy(string id, string name, string employer = "HeadHunter")
    {
        var v = new FakeVacancyDetail(id, name, employer);
        Vacancies.Add(v);
        return v;
    }

    /// <summary>An application made elsewhere (the website), already on hh.ru.</summary>
    public FakeNegotiation AddNegotiation(string vacancyId, string resumeId, DateTimeOffset? at = null)
    {
        lock (_gate)
        {
            var n = new FakeNegotiation((Next() + 9000).ToString(CultureInfo.InvariantCulture), vacancyId, resumeId, null, at ?? _time.GetUtcNow());
            Negotiations.Add(n);
            return n;
        }
    }

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpRequestMessage request, string? body, CancellationToken ct)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.Content is MultipartFormDataContent multipart)
        {
            foreach (var part in multipart)
            {
                var name = part.Headers.ContentDisposition?.Name?.Trim('"');
                if (name is not null)
                {
                    form[name] = await part.ReadAsStringAsync(ct);
                }
            }
        }
        else if (request.Content?.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded" && body is not null)
        {
            var parsed = HttpUtility.ParseQueryString(body);
            foreach (var key in parsed.AllKeys.OfType<string>())
            {
                form[key] = parsed[key] ?? string.Empty;
            }
        }

        return form;
    }

    private HttpResponseMessage Apply(Dictionary<string, string> form)
    {
        var vacancyId = form.GetValueOrDefault("vacancy_id");
        var resumeId = form.GetValueOrDefault("resume_id");
        if (string.IsNullOrEmpty(vacancyId) || !vacancyId.All(char.IsDigit))
        {
            return Errors(HttpStatusCode.BadRequest, "bad_argument", "vacancy_id");
        }

        var vacancy = Vacancies.FirstOrDefault(v => v.Id == vacancyId);
        if (vacancy is null)
        {
            return Errors(HttpStatusCode.BadRequest, "negotiations", "vacancy_not_found");
        }

        if (resumeId is null || !Resumes.Any(r => r.Id == resumeId && r.Status == "published"))
        {
            return Errors(HttpStatusCode.Forbidden, "negotiations", "resume_not_found");
        }

        if (Negotiations.Any(n => n.VacancyId == vacancyId && n.ResumeId == resumeId))
        {
            DuplicateApplications++;
            return Json(HttpStatusCode.Forbidden, """{"description":"Forbidden","errors":[{"type":"negotiations","value":"already_applied"}],"request_id":"req-dup"}""");
        }

        if (vacancy.Archived)
        {
            return Errors(HttpStatusCode.Forbidden, "negotiations", "invalid_vacancy");
        }

        if (vacancy.ResponseUrl is { } external)
        {
            var redirect = new HttpResponseMessage(HttpStatusCode.SeeOther);
            redirect.Headers.Location = new Uri(external);
            return redirect;
        }

        if (vacancy.HasTest)
        {
            return Errors(HttpStatusCode.Forbidden, "negotiations", "test_required");
        }

        var message = form.GetValueOrDefault("message");
        if (vacancy.LetterRequired && string.IsNullOrWhiteSpace(message))
        {
            return Errors(HttpStatusCode.Forbidden, "negotiations", "empty_message");
        }

        if (message is { Length: > 10_000 })
        {
            return Errors(HttpStatusCode.Forbidden, "negotiations", "too_long_message");
        }

        var now = _time.GetUtcNow();
        if (Negotiations.Count(n => n.CreatedAt > now - TimeSpan.FromHours(24)) >= DailyApplicationCap)
        {
            return LimitStatus == 0
                ? new HttpResponseMessage(HttpStatusCode.TooManyRequests)
                : Errors((HttpStatusCode)LimitStatus, "negotiations", "limit_exceeded");
        }

        var negotiation = new FakeNegotiation((Next() + 9000).ToString(CultureInfo.InvariantCulture), vacancyId, resumeId, message, now);
        Negotiations.Add(negotiation);
        AfterApply?.Invoke();
        var created = new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(string.Empty, Encoding.UTF8, "text/html") };
        created.Headers.Location = new Uri("/negotiations/" + negotiation.Id, UriKind.Relative);
        return created;
    }

    private HttpResponseMessage OneVacancy(string id)
    {
        var v = Vacancies.FirstOrDefault(x => x.Id == id);
        if (v is null)
        {
            return Errors(HttpStatusCode.NotFound, "not_found");
        }

        var relations = Negotiations.Where(n => n.VacancyId == id).Select(n => n.State switch
        {
            "invitation" => "got_invitation",
            "discard" => "got_rejection",
            _ => "got_response",
        }).Concat(v.ExtraRelations).Distinct().ToList();
        return Json(HttpStatusCode.OK, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = v.Id,
            ["name"] = v.Name,
            ["employer"] = new { id = "e" + v.Id, name = v.Employer },
            ["archived"] = v.Archived,
            ["has_test"] = v.HasTest,
            ["test"] = v.HasTest ? new { required = true } : null,
            ["response_letter_required"] = v.LetterRequired,
            ["type"] = new { id = v.ResponseUrl is null ? "open" : "direct", name = "x" },
            ["response_url"] = v.ResponseUrl,
            ["relations"] = relations,
            ["key_skills"] = v.KeySkills.Select(k => new { name = k }).ToList(),
            ["alternate_url"] = "https://hh.ru/vacancy/" + v.Id,
            ["negotiations_url"] = "https://api.hh.ru/negotiations?vacancy_id=" + v.Id,
        }));
    }

    private HttpResponseMessage NegotiationsList(Uri uri)
    {
        var query = HttpUtility.ParseQueryString(uri.Query);
        var page = int.TryParse(query["page"], CultureInfo.InvariantCulture, out var p) ? p : 0;
        var perPage = Math.Min(int.TryParse(query["per_page"], CultureInfo.InvariantCulture, out var pp) ? pp : 20, NegotiationsPageSize);
        var vacancyId = query["vacancy_id"];
        var all = Negotiations.Where(n => vacancyId is null || n.VacancyId == vacancyId).OrderByDescending(n => n.UpdatedAt).ToList();
        var items = all.Skip(page * perPage).Take(perPage).Select(n =>
        {
            var v = Vacancies.FirstOrDefault(x => x.Id == n.VacancyId);
            return new Dictionary<string, object?>
            {
                ["id"] = n.Id,
                ["state"] = new { id = n.State, name = n.State },
                ["created_at"] = HhDate(n.CreatedAt),
                ["updated_at"] = HhDate(n.UpdatedAt),
                ["has_updates"] = n.HasUpdates,
                ["viewed_by_opponent"] = n.Viewed,
                ["hidden"] = false,
                ["source"] = "NEGOTIATION",
                ["url"] = "https://api.hh.ru/negotiations/" + n.Id,
                ["vacancy"] = new { id = n.VacancyId, name = v?.Name ?? "Vacancy " + n.VacancyId, employer = new { id = "e", name = v?.Employer ?? "Employer" }, alternate_url = "https://hh.ru/vacancy/" + n.VacancyId, archived = v?.Archived ?? false },
            };
        }).ToList();
        var pages = (int)Math.Ceiling(all.Count / (double)perPage);
        return Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { found = all.Count, pages, page, per_page = perPage, items }));
    }

    /// <summary>The employer acts on an application: state (invitation, discard), viewed, a new message.</summary>
    public void EmployerActs(string vacancyId, string? state = null, bool? viewed = null, bool newMessage = false)
    {
        lock (_gate)
        {
            var n = Negotiations.Single(x => x.VacancyId == vacancyId);
            n.State = state ?? n.State;
            n.Viewed = viewed ?? n.Viewed;
            n.HasUpdates |= newMessage || state is not null;
            n.UpdatedAt = _time.GetUtcNow();
        }
    }

    private (string Access, string Refresh, DateTimeOffset ExpiresAt) IssuePair(TimeSpan lifetime)
    {
        var n = Next();
        var access = $"AT{n}-{Guid.NewGuid():N}";
        var refresh = $"RT{n}-{Guid.NewGuid():N}";
        var expires = _time.GetUtcNow() + lifetime;
        _access[access] = new AccessToken(access, expires);
        _refresh[refresh] = new RefreshToken(refresh, access);
        return (access, refresh, expires);
    }

    /// <summary>hh.ru's answer to an applicant call from an application without applicant access.</summary>
    public static HttpResponseMessage Forbidden() =>
        Json(HttpStatusCode.Forbidden, """{"description":"Forbidden","errors":[{"type":"forbidden"}],"request_id":"req-forbidden"}""");

    private HttpResponseMessage PairResponse((string Access, string Refresh, DateTimeOffset ExpiresAt) pair) =>
        Json(HttpStatusCode.OK, JsonSerializer.Serialize(new
        {
            access_token = pair.Access,
            token_type = "bearer",
            expires_in = (long)(pair.ExpiresAt - _time.GetUtcNow()).TotalSeconds,
            refresh_token = pair.Refresh,
        }));

    private static HttpResponseMessage TokenError(string error, string description) =>
        Json(HttpStatusCode.BadRequest, JsonSerializer.Serialize(new { error, error_description = description }));

    /// <summary>hh.ru's date format: offset without a colon.</summary>
    public static string HhDate(DateTimeOffset value) =>
        value.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+0300";

    private int Next() => Interlocked.Increment(ref _counter);

    private sealed record IssuedCode(string RedirectUri, string ClientId, DateTimeOffset IssuedAt);

    private sealed record Fault(string PathPrefix, Func<HttpResponseMessage>? Response, Func<Exception>? Exception, bool AfterHandling = false);

    private sealed class AccessToken(string value, DateTimeOffset expiresAt)
    {
        public string Value { get; } = value;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public bool Revoked { get; set; }

        /// <summary>Replaced by a refresh: hh.ru answers token_expired for it, not token_revoked.</summary>
        public bool Rotated { get; set; }
    }

    private sealed class RefreshToken(string value, string accessToken)
    {
        public string Value { get; } = value;

        public string AccessToken { get; } = accessToken;

        public bool Used { get; set; }

        public string? RevokedReason { get; set; }
    }
}

public sealed class FakeResume(string id, string title, string status)
{
    public string Id { get; } = id;

    public string Title { get; } = title;

    public string Status { get; set; } = status;

    public DateTimeOffset? NextPublishAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public bool MandatoryFieldsMissing { get; set; }

    public List<DateTimeOffset> Raises { get; } = [];

    public int EarlyRejections { get; set; }

    public List<string> SkillSet { get; } = [];
}

public sealed class FakeVacancyDetail(string id, string name, string employer)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public string Employer { get; } = employer;

    public bool Archived { get; set; }

    public bool HasTest { get; set; }

    public bool LetterRequired { get; set; }

    /// <summary>Set: a direct vacancy (303 to this address).</summary>
    public string? ResponseUrl { get; set; }

    public List<string> KeySkills { get; } = [];

    /// <summary>Relations other than the fake's own applications (favorited, blacklisted...).</summary>
    public List<string> ExtraRelations { get; } = [];
}

public sealed class FakeNegotiation(string id, string vacancyId, string resumeId, string? message, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    public string VacancyId { get; } = vacancyId;

    public string ResumeId { get; } = resumeId;

    public string? Message { get; } = message;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset UpdatedAt { get; set; } = createdAt;

    public string State { get; set; } = "response";

    public bool Viewed { get; set; }

    public bool HasUpdates { get; set; }
}

public sealed record RecordedRequest(string Method, Uri Uri, string? Bearer, string? Body, DateTimeOffset At)
{
    /// <summary>The User-Agent header as sent (null: none).</summary>
    public string? UserAgent { get; init; }

    /// <summary>The HH-User-Agent header as sent (null: none).</summary>
    public string? HhUserAgent { get; init; }
}
