using System.Net;
using System.Text;
using HhFunctions.OAuth;
using HhFunctions.Queues;
using HhFunctions.Recruiting;
using HhFunctions.State;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Recruiting;
using HhFunctions.Tokens;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using HhFunctions.Telegram;

namespace HhFunctions.Tests.Reliability;

/// <summary>
/// Bad input against every HTTP function: each gets a clear 4xx answer (Telegram's webhook: 200 "Ignored", so
/// Telegram does not retry it), and nothing is stored (no token pair, account still not connected, no Telegram message,
/// nothing in the recruiting store and nothing on its queue: hh.ru's callback route is in the corpus too).
/// </summary>
public sealed class BadInputCorpusTests
{
    public sealed record BadInput(string Name, Func<Context, Task<HttpRequestMessage>> Build, int[] Expected, string? MustContain = null)
    {
        public override string ToString() => Name;
    }

    public sealed class Context(AppFactory app)
    {
        public AppFactory App { get; } = app;

        /// <summary>A state the app really issued (via /api/oauth/start).</summary>
        public async Task<string> IssuedStateAsync()
        {
            using var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            var start = await client.GetAsync(new Uri("/api/oauth/start", UriKind.Relative));
            var location = start.Headers.Location ?? throw new InvalidOperationException("no redirect from /api/oauth/start");
            return System.Web.HttpUtility.ParseQueryString(location.Query)["state"]!;
        }

        /// <summary>A status-page form POST with the page's own antiforgery value.</summary>
        public async Task<HttpRequestMessage> FormAsync(params (string Key, string Value)[] fields)
        {
            var all = fields.ToDictionary(f => f.Key, f => f.Value);
            all.TryAdd("af", await App.FormTokenAsync());
            return new HttpRequestMessage(HttpMethod.Post, new Uri("/api/status", UriKind.Relative)) { Content = new FormUrlEncodedContent(all) };
        }

        public Task<HttpRequestMessage> PasteAsync(string pasted) => FormAsync(("form", "code"), ("pasted", pasted));

        public Task<HttpRequestMessage> ImportAsync(string access, string refresh) => FormAsync(("form", "tokens"), ("access", access), ("refresh", refresh));

        /// <summary>Held until the app is disposed: an import or refresh in progress elsewhere.</summary>
        public ILease? HeldLock { get; set; }

        public async Task<string> SetupLinkAsync()
        {
            using var scope = App.Services.CreateScope();
            var link = await scope.ServiceProvider.GetRequiredService<SetupLinks>().CreateAsync(CancellationToken.None);
            return System.Web.HttpUtility.ParseQueryString(link.Query)["t"]!;
        }
    }

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, new Uri(url, UriKind.Relative));

    private static HttpRequestMessage Post(string url, string body) =>
        new(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static string E(string s) => Uri.EscapeDataString(s);

    /// <summary>A webhook call as Telegram makes it, with the configured secret unless told otherwise.</summary>
    private static HttpRequestMessage Webhook(string body, string? secret = Testing.FakeTelegramApi.WebhookSecret)
    {
        var request = Post("/api/telegram/webhook", body);
        if (secret is not null)
        {
            request.Headers.Add(HhFunctions.Telegram.TelegramWebhookEndpoint.SecretHeader, secret);
        }

        return request;
    }

    /// <summary>A callback as hh.ru makes it (POST /api/hh/webhook/{key}, JSON), with the configured key unless told otherwise.</summary>
    /// <summary>Bitrix24's outgoing event (sync back) with the right token and lead 123, each part replaceable.</summary>
    private static HttpRequestMessage BitrixEvent(Action<List<KeyValuePair<string, string>>>? change = null, string key = RecruitingKit.WebhookKey, string? token = Testing.FakeBitrix24Portal.OutgoingToken)
    {
        var form = Testing.FakeBitrix24Portal.EventForm("ONCRMLEADUPDATE", 123, token, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToList();
        change?.Invoke(form);
        return new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/bitrix/events/{key}", UriKind.Relative)) { Content = new FormUrlEncodedContent(form) };
    }

    private static void Set(List<KeyValuePair<string, string>> form, string key, string? value)
    {
        form.RemoveAll(p => p.Key == key);
        if (value is not null)
        {
            form.Add(new(key, value));
        }
    }

    private static HttpRequestMessage HhCallback(string body, string key = RecruitingKit.WebhookKey, string contentType = "application/json") =>
        new(HttpMethod.Post, new Uri($"/api/hh/webhook/{key}", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, contentType) };

    /// <summary>A well-formed new-response callback with one part replaced.</summary>
    private static string CallbackWith(string? id = "\"n-1\"", string? action = "\"NEW_RESPONSE_OR_INVITATION_VACANCY\"", string payload = "{\"topic_id\":\"4574397199\",\"vacancy_id\":\"700\"}")
    {
        var fields = new List<string>();
        if (id is not null)
        {
            fields.Add("\"id\":" + id);
        }

        if (action is not null)
        {
            fields.Add("\"action_type\":" + action);
        }

        fields.Add("\"subscription_id\":\"s1\",\"user_id\":\"0\",\"payload\":" + payload);
        return "{" + string.Join(',', fields) + "}";
    }

    private static HttpRequestMessage Form(string url, Dictionary<string, string> fields) =>
        new(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = new FormUrlEncodedContent(fields) };

    public static TheoryData<BadInput> Corpus() =>
    [
        new("callback: no parameters", _ => Task.FromResult(Get("/api/oauth/callback")), [400], "state"),
        new("callback: code without state", _ => Task.FromResult(Get("/api/oauth/callback?code=abc")), [400], "state"),
        new("callback: empty state", _ => Task.FromResult(Get("/api/oauth/callback?state=&code=abc")), [400], "state"),
        new("callback: unknown state", _ => Task.FromResult(Get("/api/oauth/callback?state=never-issued&code=abc")), [400], "unknown state"),
        new("callback: path-like state", _ => Task.FromResult(Get("/api/oauth/callback?state=" + E("../../etc/passwd") + "&code=abc")), [400], "unknown state"),
        new("callback: control characters in state", _ => Task.FromResult(Get("/api/oauth/callback?state=%00%01%1F&code=abc")), [400], "unknown state"),
        new("callback: malformed percent-encoding", _ => Task.FromResult(Get("/api/oauth/callback?state=%ZZ%&code=%G1")), [400]),
        new("callback: unicode state", _ => Task.FromResult(Get("/api/oauth/callback?state=" + E("состояние🙂") + "&code=abc")), [400], "unknown state"),
        new("callback: repeated state", _ => Task.FromResult(Get("/api/oauth/callback?state=a&state=b&code=abc")), [400], "more than once"),
        new("callback: repeated code", async c => Get($"/api/oauth/callback?state={E(await c.IssuedStateAsync())}&code=a&code=b"), [400], "more than once"),
        new("callback: oversized query", _ => Task.FromResult(Get("/api/oauth/callback?state=" + new string('s', 5000) + "&code=abc")), [414]),
        new("callback: oversized code", async c => Get($"/api/oauth/callback?state={E(await c.IssuedStateAsync())}&code={new string('c', 3000)}"), [400], "code"),
        new("callback: missing code", async c => Get($"/api/oauth/callback?state={E(await c.IssuedStateAsync())}"), [400], "code"),
        new("callback: access_denied", async c => Get($"/api/oauth/callback?state={E(await c.IssuedStateAsync())}&error=access_denied"), [400], "declined"),
        new("callback: other provider error", async c => Get($"/api/oauth/callback?state={E(await c.IssuedStateAsync())}&error=server_error"), [400], "nothing was changed"),
        new("callback: script in error", async c => Get($"/api/oauth/callback?state={E(await c.IssuedStateAsync())}&error={E("<script>alert(1)</script>")}"), [400], "&lt;script&gt;"),
        new("callback: unknown code", async c => Get($"/api/oauth/callback?state={E(await c.IssuedStateAsync())}&code=not-a-real-code"), [400], "code"),
        new("callback: expired state", async c =>
        {
            var state = await c.IssuedStateAsync();
            c.App.Time.Advance(OAuthFlow.StateLifetime + TimeSpan.FromMinutes(1));
            return Get($"/api/oauth/callback?state={E(state)}&code={E(c.App.Hh.IssueCode(c.App.RedirectUri.AbsoluteUri))}");
        }, [400], "expired"),
        new("callback: replayed state", async c =>
        {
            var state = await c.IssuedStateAsync();
            using var client = c.App.CreateClient();
            (await client.GetAsync(new Uri($"/api/oauth/callback?state={E(state)}&error=access_denied", UriKind.Relative))).Dispose();
            return Get($"/api/oauth/callback?state={E(state)}&code={E(c.App.Hh.IssueCode(c.App.RedirectUri.AbsoluteUri))}");
        }, [400], "already used"),
        new("callback: code for another redirect URI", async c => Get($"/api/oauth/callback?state={E(await c.IssuedStateAsync())}&code={E(c.App.Hh.IssueCode("https://evil.example/cb"))}"), [400, 503], "redirect"),
        new("callback: code already used", async c =>
        {
            var code = c.App.Hh.IssueCode(c.App.RedirectUri.AbsoluteUri);
            // hh.ru accepted this code once before (e.g. a double click on another device) and then the pair was revoked.
            await c.App.Hh.HandleAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(c.App.Hh.ApiBase, "token"))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["client_id"] = Testing.FakeHhApi.ClientId, ["client_secret"] = Testing.FakeHhApi.ClientSecret, ["code"] = code, ["redirect_uri"] = c.App.RedirectUri.AbsoluteUri }),
                Headers = { { "User-Agent", "test" } },
            }, CancellationToken.None);
            return Get($"/api/oauth/callback?state={E(await c.IssuedStateAsync())}&code={E(code)}");
        }, [400], "already been used"),
        new("paste: junk", c => c.PasteAsync("<html>hello, world</html>"), [400], "does not look like"),
        new("paste: address without code", c => c.PasteAsync("https://hh.ru/?from=oauth&lang=RU"), [400], "has no"),
        new("paste: access_denied address", c => c.PasteAsync("https://hh.ru/?error=access_denied"), [400], "declined"),
        new("paste: 10,000 characters", c => c.PasteAsync(new string('c', 10_000)), [400], "characters long"),
        new("paste: code of another application", c => c.PasteAsync(c.App.Hh.IssueCode(c.App.RedirectUri.AbsoluteUri, Testing.FakeHhApi.OtherClientId)), [400], "issued to"),
        new("paste: code already used", async c =>
        {
            var code = c.App.Hh.IssueCode(c.App.RedirectUri.AbsoluteUri);
            await ExchangeElsewhereAsync(c, code);
            return await c.PasteAsync(code);
        }, [400], "already been used"),
        new("paste: code older than 10 minutes", async c =>
        {
            var code = c.App.Hh.IssueCode(c.App.RedirectUri.AbsoluteUri);
            var request = await c.PasteAsync(code);
            c.App.Time.Advance(Testing.FakeHhApi.CodeLifetime + TimeSpan.FromMinutes(1));
            return request;
        }, [400], "code expired"),
        new("paste: state that does not match", c => c.PasteAsync($"https://hh.ru/?code={E(c.App.Hh.IssueCode(c.App.RedirectUri.AbsoluteUri))}&state=not-issued-by-this-app"), [400], "does not match"),
        new("paste: expired state", async c =>
        {
            var state = await c.IssuedStateAsync();
            var request = await c.PasteAsync($"https://hh.ru/?code={E(c.App.Hh.IssueCode(c.App.RedirectUri.AbsoluteUri))}&state={E(state)}");
            c.App.Time.Advance(OAuthFlow.StateLifetime + TimeSpan.FromMinutes(1));
            return request;
        }, [400], "expired"),
        new("import: token with a space", c =>
        {
            var (a, r, _) = c.App.Hh.SeedTokens();
            return c.ImportAsync(a[..6] + " " + a[6..], r);
        }, [400], "space or a line break"),
        new("import: token with a line break", c =>
        {
            var (a, r, _) = c.App.Hh.SeedTokens();
            return c.ImportAsync(a, r[..6] + "\r\n" + r[6..]);
        }, [400], "space or a line break"),
        new("import: access and refresh swapped", c =>
        {
            var (a, r, _) = c.App.Hh.SeedTokens();
            return c.ImportAsync(r, a);
        }, [400], "swapped"),
        new("import: refresh token hh.ru already rotated", c =>
        {
            var (a, r, _) = c.App.Hh.SeedTokens(TimeSpan.FromMinutes(30));
            c.App.Time.Advance(TimeSpan.FromHours(1));
            c.App.Hh.RotateElsewhere(r);
            return c.ImportAsync(a, r);
        }, [400], "already used"),
        new("import: 10,000-character token", c => c.ImportAsync(new string('A', 10_000), "RT-" + new string('r', 40)), [400], "characters long"),
        new("import: one token missing", c => c.ImportAsync("AT-" + new string('a', 40), string.Empty), [400], "missing"),
        new("import: while another import or refresh holds the lock", async c =>
        {
            var (a, r, _) = c.App.Hh.SeedTokens();
            var request = await c.ImportAsync(a, r);
            c.HeldLock = await c.App.Services.GetRequiredService<IDistributedLock>().TryAcquireAsync(TokenManager.RefreshLockName, TimeSpan.FromMinutes(5), TimeSpan.Zero, CancellationToken.None);
            return request;
        }, [409], "in progress"),
        new("status form: no antiforgery value", c => c.FormAsync(("form", "code"), ("pasted", "abcdefgh"), ("af", string.Empty)), [403], "antiforgery"),
        new("status form: unknown form", c => c.FormAsync(("form", "delete-everything")), [400], "does not say"),
        new("link: no token", _ => Task.FromResult(Get("/api/oauth/link")), [400], "not a setup link"),
        new("link: unknown token", _ => Task.FromResult(Get("/api/oauth/link?t=forged")), [400], "not a setup link"),
        new("link: oversized token", _ => Task.FromResult(Get("/api/oauth/link?t=" + new string('t', 3000))), [400]),
        new("link: expired token", async c =>
        {
            var t = await c.SetupLinkAsync();
            c.App.Time.Advance(SetupLinks.Lifetime + TimeSpan.FromMinutes(1));
            return Get("/api/oauth/link?t=" + E(t));
        }, [400], "expired"),
        new("link: used token", async c =>
        {
            var t = await c.SetupLinkAsync();
            using var client = c.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            (await client.GetAsync(new Uri("/api/oauth/link?t=" + E(t), UriKind.Relative))).Dispose();
            return Get("/api/oauth/link?t=" + E(t));
        }, [400], "already used"),
        new("start: POST", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, new Uri("/api/oauth/start", UriKind.Relative))), [405]),
        new("callback: DELETE", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Delete, new Uri("/api/oauth/callback?state=x", UriKind.Relative))), [405]),
        new("status: PUT", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Put, new Uri("/api/status", UriKind.Relative))), [405]),
        new("status: POST JSON instead of the form", _ => Task.FromResult(Post("/api/status", "{\"form\":\"bump\"}")), [403], "antiforgery"),
        new("status: POST raise-now form without the antiforgery value", _ => Task.FromResult(Form("/api/status", new() { ["form"] = "bump" })), [403], "antiforgery"),
        new("webhook: body over 1 MiB", _ => Task.FromResult(Post("/api/telegram/webhook", "{\"pad\":\"" + new string('x', 1_100_000) + "\"}")), [413]),
        new("unknown route", _ => Task.FromResult(Post("/api/no-such-function", "{}")), [404]),
        new("status: POST empty form", _ => Task.FromResult(Form("/api/status", [])), [403], "antiforgery"),
        new("status: POST forged antiforgery value", _ => Task.FromResult(Form("/api/status", new() { ["af"] = "forged-value", ["form"] = "bump" })), [403], "antiforgery"),
        new("status: POST form over 1 MiB", _ => Task.FromResult(Form("/api/status", new() { ["pasted"] = new string('x', 1_100_000) })), [413]),
        new("status: query over 4 KiB", _ => Task.FromResult(Get("/api/status?x=" + new string('x', 5000))), [414]),
        new("link: t given twice", _ => Task.FromResult(Get("/api/oauth/link?t=a&t=b")), [400], "more than once"),
        new("webhook: no secret, junk body", _ => Task.FromResult(Webhook("{oops", secret: null)), [401]),
        new("webhook: right secret, body is not JSON", _ => Task.FromResult(Webhook("{oops")), [200], "Ignored"),
        new("webhook: right secret, JSON array", _ => Task.FromResult(Webhook("[1,2,3]")), [200], "Ignored"),
        new("webhook: right secret, deeply nested JSON", _ => Task.FromResult(Webhook("{\"message\":" + new string('[', 200) + new string(']', 200) + "}")), [200], "Ignored"),
        new("webhook: right secret, empty body", _ => Task.FromResult(Webhook(string.Empty)), [200], "Ignored"),
        new("webhook: /connect from another chat", _ => Task.FromResult(Webhook(Testing.FakeTelegramApi.TextUpdate(9_001, "/connect", chatId: 13))), [200], "Ignored"),
        new("hh webhook: wrong key", _ => Task.FromResult(HhCallback(CallbackWith(), key: "wrong-key_0123456789abcdefghijklmnopqrstuv")), [404], "not found"),
        new("hh webhook: the key one character short", _ => Task.FromResult(HhCallback(CallbackWith(), key: RecruitingKit.WebhookKey[..^1])), [404], "not found"),
        new("hh webhook: no key", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, new Uri("/api/hh/webhook/", UriKind.Relative)) { Content = new StringContent(CallbackWith(), Encoding.UTF8, "application/json") }), [404]),
        new("hh webhook: GET", _ => Task.FromResult(Get($"/api/hh/webhook/{RecruitingKit.WebhookKey}")), [405]),
        new("hh webhook: empty body", _ => Task.FromResult(HhCallback(string.Empty)), [400], "not JSON"),
        new("hh webhook: HTML error page", _ => Task.FromResult(HhCallback("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>")), [400], "not JSON"),
        new("hh webhook: not JSON", _ => Task.FromResult(HhCallback("{\"id\":\"n-1\",")), [400], "not JSON"),
        new("hh webhook: JSON array", _ => Task.FromResult(HhCallback("[" + CallbackWith() + "]")), [400], "not a JSON object"),
        new("hh webhook: JSON string", _ => Task.FromResult(HhCallback("\"NEW_RESPONSE_OR_INVITATION_VACANCY\"")), [400], "not a JSON object"),
        new("hh webhook: missing id", _ => Task.FromResult(HhCallback(CallbackWith(id: null))), [400], "id and action_type"),
        new("hh webhook: missing action_type", _ => Task.FromResult(HhCallback(CallbackWith(action: null))), [400], "id and action_type"),
        new("hh webhook: id is an object", _ => Task.FromResult(HhCallback(CallbackWith(id: "{\"x\":1}"))), [400], "id and action_type"),
        new("hh webhook: id of 10,000 characters", _ => Task.FromResult(HhCallback(CallbackWith(id: "\"" + new string('i', 10_000) + "\""))), [400], "too long"),
        new("hh webhook: payload not an object", _ => Task.FromResult(HhCallback(CallbackWith(payload: "\"4574397199\""))), [400], "payload must be an object"),
        new("hh webhook: payload missing", _ => Task.FromResult(HhCallback("{\"id\":\"n-1\",\"action_type\":\"NEW_RESPONSE_OR_INVITATION_VACANCY\"}")), [400], "payload must be an object"),
        new("hh webhook: topic_id with path characters", _ => Task.FromResult(HhCallback(CallbackWith(payload: "{\"topic_id\":\"../../state.json\"}"))), [400], "topic_id"),
        new("hh webhook: topic_id percent-encoded path", _ => Task.FromResult(HhCallback(CallbackWith(payload: "{\"topic_id\":\"..%2F..%2Fetc%2Fpasswd\"}"))), [400], "topic_id"),
        new("hh webhook: topic_id with a NUL", _ => Task.FromResult(HhCallback(CallbackWith(payload: "{\"topic_id\":\"45\\u000073\"}"))), [400], "topic_id"),
        new("hh webhook: huge number as topic_id", _ => Task.FromResult(HhCallback(CallbackWith(payload: "{\"topic_id\":1e400}"))), [400], "topic_id"),
        new("hh webhook: 40-digit number as topic_id", _ => Task.FromResult(HhCallback(CallbackWith(payload: "{\"topic_id\":" + new string('9', 40) + "}"))), [400], "topic_id"),
        new("hh webhook: negative number as topic_id", _ => Task.FromResult(HhCallback(CallbackWith(payload: "{\"topic_id\":-4574397199}"))), [400], "topic_id"),
        new("hh webhook: huge number as id", _ => Task.FromResult(HhCallback(CallbackWith(id: "123456789012345678901234567890e300"))), [400], "id"),
        new("hh webhook: deeply nested JSON", _ => Task.FromResult(HhCallback(CallbackWith(payload: "{\"topic_id\":\"4574397199\",\"x\":" + new string('[', 200) + new string(']', 200) + "}"))), [400], "nested"),
        new("hh webhook: body over 64 KB", _ => Task.FromResult(HhCallback(CallbackWith(payload: "{\"topic_id\":\"4574397199\",\"pad\":\"" + new string('x', 70_000) + "\"}"))), [413], "larger than"),
        new("hh webhook: body over 64 KB without Content-Length", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/hh/webhook/{RecruitingKit.WebhookKey}", UriKind.Relative))
        {
            Content = new UnknownLengthContent(Encoding.UTF8.GetBytes(CallbackWith(payload: "{\"topic_id\":\"4574397199\",\"pad\":\"" + new string('x', 70_000) + "\"}")), "application/json"),
        }), [413], "larger than"),
        new("hh webhook: form-encoded instead of JSON", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/hh/webhook/{RecruitingKit.WebhookKey}", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = "n-1", ["action_type"] = "NEW_RESPONSE_OR_INVITATION_VACANCY", ["payload"] = "{\"topic_id\":\"4574397199\"}" }),
        }), [415], "must be JSON"),
        new("hh webhook: a valid callback sent as text/plain", _ => Task.FromResult(HhCallback(CallbackWith(), contentType: "text/plain")), [415], "must be JSON"),
        new("hh webhook: a valid callback sent as text/html", _ => Task.FromResult(HhCallback(CallbackWith(), contentType: "text/html")), [415], "must be JSON"),
        new("bitrix events: wrong key", _ => Task.FromResult(BitrixEvent(key: "wrong-key_0123456789abcdefghijklmnopqrstuv")), [404], "not found"),
        new("bitrix events: no key", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, new Uri("/api/bitrix/events/", UriKind.Relative)) { Content = new FormUrlEncodedContent(Testing.FakeBitrix24Portal.EventForm("ONCRMLEADUPDATE", 123, Testing.FakeBitrix24Portal.OutgoingToken, DateTimeOffset.UnixEpoch)) }), [404]),
        new("bitrix events: GET", _ => Task.FromResult(Get($"/api/bitrix/events/{RecruitingKit.WebhookKey}")), [405]),
        new("bitrix events: no application token", _ => Task.FromResult(BitrixEvent(token: null)), [401], "application_token"),
        new("bitrix events: wrong application token", _ => Task.FromResult(BitrixEvent(token: "forgedTokenForgedTokenForged0000")), [401], "application_token"),
        new("bitrix events: the token one character short", _ => Task.FromResult(BitrixEvent(token: Testing.FakeBitrix24Portal.OutgoingToken[..^1])), [401], "application_token"),
        new("bitrix events: the token given twice", _ => Task.FromResult(BitrixEvent(f => f.Add(new("auth[application_token]", Testing.FakeBitrix24Portal.OutgoingToken)))), [401], "application_token"),
        new("bitrix events: empty body", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/bitrix/events/{RecruitingKit.WebhookKey}", UriKind.Relative)) { Content = new StringContent(string.Empty, Encoding.UTF8, "application/x-www-form-urlencoded") }), [401], "application_token"),
        new("bitrix events: JSON instead of a form", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/bitrix/events/{RecruitingKit.WebhookKey}", UriKind.Relative)) { Content = new StringContent("{\"event\":\"ONCRMLEADUPDATE\"}", Encoding.UTF8, "application/json") }), [415], "must be a form"),
        new("bitrix events: HTML error page", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/bitrix/events/{RecruitingKit.WebhookKey}", UriKind.Relative)) { Content = new StringContent("<html><body><h1>502 Bad Gateway</h1></body></html>", Encoding.UTF8, "text/html") }), [415], "must be a form"),
        new("bitrix events: body over 16 KB", _ => Task.FromResult(BitrixEvent(f => f.Add(new("pad", new string('x', 20_000))))), [413], "larger than"),
        new("bitrix events: body over 16 KB without Content-Length", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/bitrix/events/{RecruitingKit.WebhookKey}", UriKind.Relative))
        {
            Content = new UnknownLengthContent(Encoding.UTF8.GetBytes("event=ONCRMLEADUPDATE&pad=" + new string('x', 20_000)), "application/x-www-form-urlencoded"),
        }), [413], "larger than"),
        new("bitrix events: right token, no record id", _ => Task.FromResult(BitrixEvent(f => Set(f, "data[FIELDS][ID]", null))), [400], "data[FIELDS][ID]"),
        new("bitrix events: right token, record id with path characters", _ => Task.FromResult(BitrixEvent(f => Set(f, "data[FIELDS][ID]", "../../state.json"))), [400], "data[FIELDS][ID]"),
        new("bitrix events: right token, record id of 40 digits", _ => Task.FromResult(BitrixEvent(f => Set(f, "data[FIELDS][ID]", new string('9', 40)))), [400], "data[FIELDS][ID]"),
        new("bitrix events: right token, negative record id", _ => Task.FromResult(BitrixEvent(f => Set(f, "data[FIELDS][ID]", "-5"))), [400], "data[FIELDS][ID]"),
        new("bitrix events: right token, an event that is no update", _ => Task.FromResult(BitrixEvent(f => Set(f, "event", "ONCRMLEADADD"))), [202], "nothing to do"),
        new("bitrix events: right token, no event name", _ => Task.FromResult(BitrixEvent(f => Set(f, "event", null))), [202], "nothing to do"),
        new("invite form: no antiforgery value", _ => Task.FromResult(Form("/api/recruiting/invite", new() { ["resume"] = "https://hh.ru/resume/a1b2c3d4e5f60718293a", ["vacancy"] = "123456" })), [403], "antiforgery"),
        new("invite form: forged antiforgery value", _ => Task.FromResult(Form("/api/recruiting/invite", new() { ["af"] = "forged-value", ["resume"] = "https://hh.ru/resume/a1b2c3d4e5f60718293a", ["vacancy"] = "123456" })), [403], "antiforgery"),
        new("invite form: JSON instead of the form", _ => Task.FromResult(Post("/api/recruiting/invite", "{\"resume\":\"a1b2c3d4e5f60718293a\",\"vacancy\":\"1\"}")), [403], "antiforgery"),
        new("invite form: not a resume link", async c => Form("/api/recruiting/invite", new() { ["af"] = await c.App.FormTokenAsync(), ["resume"] = "https://example.com/resume/a1b2c3d4e5f60718293a", ["vacancy"] = "123456" }), [400], "resume address"),
        new("invite form: not a vacancy", async c => Form("/api/recruiting/invite", new() { ["af"] = await c.App.FormTokenAsync(), ["resume"] = "https://hh.ru/resume/a1b2c3d4e5f60718293a", ["vacancy"] = "<script>alert(1)</script>" }), [400], "vacancy id"),
        new("invite form: a vacancy with a query glued on", async c => Form("/api/recruiting/invite", new() { ["af"] = await c.App.FormTokenAsync(), ["resume"] = "a1b2c3d4e5f60718293a", ["vacancy"] = "1&vacancy=2" }), [400], "vacancy id"),
        new("invite form: message over 2000 characters", async c => Form("/api/recruiting/invite", new() { ["af"] = await c.App.FormTokenAsync(), ["resume"] = "a1b2c3d4e5f60718293a", ["vacancy"] = "123456", ["message"] = new string('x', 2500) }), [400], "longer than"),
        new("invite: PUT", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Put, new Uri("/api/recruiting/invite", UriKind.Relative))), [405]),
        new("desk form: no antiforgery value", _ => Task.FromResult(Form("/api/recruiting", new() { ["form"] = "assignee", ["vacancy"] = "700", ["user"] = "6" })), [403], "antiforgery"),
        new("desk form: forged antiforgery value", _ => Task.FromResult(Form("/api/recruiting", new() { ["af"] = "forged-value", ["form"] = "assignee", ["vacancy"] = "700", ["user"] = "6" })), [403], "antiforgery"),
        new("desk form: unknown form", async c => Form("/api/recruiting", new() { ["af"] = await c.App.FormTokenAsync(), ["form"] = "delete-everything" }), [400], "does not say"),
        new("desk form: non-numeric user id", async c => Form("/api/recruiting", new() { ["af"] = await c.App.FormTokenAsync(), ["form"] = "assignee", ["vacancy"] = "700", ["user"] = "olga" }), [400], "whole number"),
        new("desk form: user id too large", async c => Form("/api/recruiting", new() { ["af"] = await c.App.FormTokenAsync(), ["form"] = "assignee", ["vacancy"] = "700", ["user"] = new string('9', 40) }), [400], "whole number"),
        new("desk form: vacancy with path characters", async c => Form("/api/recruiting", new() { ["af"] = await c.App.FormTokenAsync(), ["form"] = "assignee", ["vacancy"] = "../../state.json", ["user"] = "6" }), [400], "Choose a vacancy"),
        new("desk form: unknown vacancy", async c => Form("/api/recruiting", new() { ["af"] = await c.App.FormTokenAsync(), ["form"] = "assignee", ["vacancy"] = "700", ["user"] = "6" }), [400], "does not know this vacancy"),
        new("desk form: repeated field", async c => new HttpRequestMessage(HttpMethod.Post, new Uri("/api/recruiting", UriKind.Relative))
        {
            Content = new StringContent($"af={E(await c.App.FormTokenAsync())}&form=assignee&vacancy=700&vacancy=701&user=6", Encoding.UTF8, "application/x-www-form-urlencoded"),
        }, [400], "repeats a field"),
        new("desk form: POST JSON instead of the form", _ => Task.FromResult(Post("/api/recruiting", "{\"form\":\"assignee\",\"vacancy\":\"700\"}")), [403], "antiforgery"),
        new("desk form: over 1 MiB", _ => Task.FromResult(Form("/api/recruiting", new() { ["user"] = new string('9', 1_100_000) })), [413]),
        new("desk: PUT", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Put, new Uri("/api/recruiting", UriKind.Relative))), [405]),
        new("desk export: POST", _ => Task.FromResult(Post("/api/recruiting/responses.csv", "{}")), [405]),
        new("health: POST", _ => Task.FromResult(Post("/api/health", "{}")), [405]),
        new("health: query over 4 KiB", _ => Task.FromResult(Get("/api/health?x=" + new string('x', 5000))), [414]),
        new("health: a query and headers it does not read", _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, new Uri("/api/health?check=<script>&verbose=../../state.json", UriKind.Relative)) { Headers = { { "Accept", "text/html" } } }), [200, 503], "\"checks\""),
    ];

    /// <summary>A body sent in chunks, without Content-Length (the size is known only once it is read).</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLengthContent(byte[] bytes, string mediaType)
        {
            _bytes = bytes;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task BadInput_IsRejectedClearly_AndNothingIsStored(BadInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var recruitingEvents = new SentMessages<RecruitingEvent>();
        var crmStageEvents = new SentMessages<CrmStageEvent>();
        using var app = AppFactory.With(new Dictionary<string, string?>
            {
                ["Recruiting:WebhookKey"] = RecruitingKit.WebhookKey,
                ["Recruiting:SyncBack"] = "true", // Bitrix24's outgoing events route is in the corpus too
                ["Bitrix24:OutgoingToken"] = Testing.FakeBitrix24Portal.OutgoingToken,
            })
            .WithServices(s => s.AddSingleton<IQueue<RecruitingEvent>>(recruitingEvents).AddSingleton<IQueue<CrmStageEvent>>(crmStageEvents));
        var context = new Context(app);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = await input.Build(context);

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        var status = (int)response.StatusCode;
        var ok = input.Expected.Contains(status);
        var mentions = input.MustContain is null || body.Contains(input.MustContain, StringComparison.OrdinalIgnoreCase);
        using var scope = app.Services.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<ITokenVault>().ReadAsync(CancellationToken.None);
        var account = await scope.ServiceProvider.GetRequiredService<IStateStore>().GetAccountAsync(CancellationToken.None);
        var recruiting = scope.ServiceProvider.GetRequiredService<IRecruitingStore>();
        var recruitingFolder = Path.Combine(app.DataPath, "recruiting");
        var recruitingFiles = Directory.Exists(recruitingFolder)
            ? Directory.EnumerateFiles(recruitingFolder, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList()
            : [];
        var recruitingUntouched = recruitingEvents.SentQueue.IsEmpty && crmStageEvents.SentQueue.IsEmpty && recruitingFiles.Count == 0
            && (await recruiting.ListOutboxAsync(10, CancellationToken.None)).Count == 0 && (await recruiting.ListFailedAsync(10, CancellationToken.None)).Count == 0;
        var nothingStored = stored is null && account.Status == AccountStatus.NotConnected && app.Telegram.Messages.IsEmpty && recruitingUntouched;
        ReliabilityLedger.Record(LedgerKind.BadInput, input.Name, ok && mentions && nothingStored, 0, $"HTTP {status}");

        Assert.True(ok, $"{input.Name}: expected HTTP {string.Join("/", input.Expected)}, got {status}: {Shorten(body)}");
        Assert.True(mentions, $"{input.Name}: the answer does not say '{input.MustContain}': {Shorten(body)}");
        Assert.True(nothingStored, $"{input.Name}: something was stored (pair: {stored is not null}, account: {account.Status}, telegram: {app.Telegram.Messages.Count}, "
            + $"recruiting events queued: {recruitingEvents.SentQueue.Count}, CRM stage events queued: {crmStageEvents.SentQueue.Count}, recruiting files: {string.Join(", ", recruitingFiles.Select(f => Path.GetRelativePath(recruitingFolder, f)))}).");
    }

    /// <summary>hh.ru accepted this code once before (another device, a double click).</summary>
    private static async Task ExchangeElsewhereAsync(Context c, string code) =>
        (await c.App.Hh.HandleAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(c.App.Hh.ApiBase, "token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["client_id"] = Testing.FakeHhApi.ClientId, ["client_secret"] = Testing.FakeHhApi.ClientSecret, ["code"] = code, ["redirect_uri"] = c.App.RedirectUri.AbsoluteUri }),
            Headers = { { "User-Agent", "test" } },
        }, CancellationToken.None)).Dispose();

    [Fact]
    public void Corpus_HasAtLeastThirtyCases() => Assert.True(Corpus().Count >= 30);

    private static string Shorten(string body) => body.Length <= 400 ? body : body[..400] + "…";
}
