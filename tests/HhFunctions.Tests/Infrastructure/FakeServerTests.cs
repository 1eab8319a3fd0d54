extern alias fakeserver;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using fakeserver::HhFunctions.FakeServer;
using HhFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>
/// tests/HhFunctions.FakeServer, the fakes run by hand (docs/bitrix24.md, "Run the fakes by hand"), started in this
/// process on a free loopback port: with <c>--employer</c> hh.ru's employer side answers over real HTTP with URLs
/// that point back at the server, its delivery loop POSTs the seeded responses' callbacks to the subscribed address,
/// and the Bitrix24 portal answers at <c>/rest/1/{secret}/</c>.
/// </summary>
public sealed class FakeServerTests : IAsyncLifetime, IDisposable
{
    private const string Key = "fake-server-test-key_0123456789abcdefghij";

    private readonly ConcurrentQueue<JsonObject> _callbacks = new();
    private WebApplication? _receiver;
    private WebApplication? _server;
    private HttpClient? _http;

    private WebApplication Server => _server!;

    private HttpClient Http => _http!;

    public async Task InitializeAsync()
    {
        // Stands in for the app's POST /api/hh/webhook/{key}: records each callback and answers 202.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _receiver = builder.Build();
        _receiver.MapPost("/api/hh/webhook/{key}", async (string key, HttpRequest request) =>
        {
            if (key != Key)
            {
                return Results.NotFound();
            }

            _callbacks.Enqueue((JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync()) as JsonObject)!);
            return Results.Accepted();
        });
        await _receiver.StartAsync();
        var webhook = new Uri(FakeServerApp.Address(_receiver), $"/api/hh/webhook/{Key}");

        Assert.True(FakeServerOptions.TryParse(["--port", "0", "--employer", "--responses", "2", "--webhook-url", webhook.AbsoluteUri, "--delivery-interval", "0.1"], out var options, out var error), error);
        _server = FakeServerApp.Build(options!);
        await _server.StartAsync();
        _http = new HttpClient { BaseAddress = FakeServerApp.Address(_server), Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("HhFunctionsTests/1.0");
    }

    public void Dispose() => _http?.Dispose();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.StopAsync();
            await _receiver.DisposeAsync();
        }
    }

    private async Task<(HttpStatusCode Status, JsonNode? Json)> HhGetAsync(string relative)
    {
        var (access, _, _) = Server.Services.GetRequiredService<FakeHhApi>().SeedTokens();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(relative, UriKind.RelativeOrAbsolute));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonNode.Parse(body) : null);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Json)> Bitrix24Async(string method, object parameters, string? webhook = null)
    {
        var url = new Uri(webhook ?? FakeServerApp.Bitrix24WebhookUrl(FakeServerApp.Address(Server)).AbsoluteUri + method);
        using var content = new StringContent(System.Text.Json.JsonSerializer.Serialize(parameters), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(url, content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Waits (real time: the server runs on it) until <paramref name="done"/> holds, at most 15 seconds.</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> done)
    {
        for (var i = 0; i < 300 && !done(); i++)
        {
            await Task.Delay(50);
        }

        return done();
    }

    [Fact]
    public async Task Employer_MeVacanciesNegotiationAndResume_AnswerWithUrlsBackAtTheServer()
    {
        var me = await HhGetAsync("/me");
        var vacancies = await HhGetAsync($"/employers/{me.Json!["employer"]!["id"]}/vacancies/active");
        var topicId = Server.Services.GetRequiredService<FakeHhApi>().Employer.Negotiations[0].Id;
        var negotiation = await HhGetAsync($"/negotiations/{topicId}");
        var resumeUrl = new Uri(negotiation.Json!["resume"]!["url"]!.ToString());
        var resume = await HhGetAsync(resumeUrl.PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.True(me.Json["is_employer"]!.GetValue<bool>());
        Assert.Equal(FakeServerApp.SeededVacancyId, vacancies.Json!["items"]![0]!["id"]!.ToString());
        Assert.Equal(HttpStatusCode.OK, negotiation.Status);
        Assert.Equal(FakeServerApp.Address(Server).Authority, resumeUrl.Authority); // the app's token goes only to its API host
        Assert.Equal(HttpStatusCode.OK, resume.Status);
        Assert.Equal("Anna", resume.Json!["first_name"]!.ToString());
    }

    [Fact]
    public async Task DeliveryLoop_PostsTheSeededAndNewResponsesCallbacksToTheSubscribedAddress()
    {
        var employer = Server.Services.GetRequiredService<FakeHhApi>().Employer;
        var seeded = employer.Negotiations.Select(n => n.Id).ToList();

        var first = await EventuallyAsync(() => _callbacks.Count >= 2);
        using var response = await Http.PostAsync(new Uri("/_fake/hh/responses", UriKind.Relative), new StringContent("""{"firstName":"Lev","lastName":"Handmade"}""", Encoding.UTF8, "application/json"));
        var added = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["topicId"]!.ToString();
        var second = await EventuallyAsync(() => _callbacks.Count >= 3);

        Assert.True(first, $"{_callbacks.Count} callback(s) arrived");
        Assert.True(second, $"{_callbacks.Count} callback(s) arrived");
        var topics = _callbacks.Select(c => c["payload"]!["topic_id"]!.ToString()).ToList();
        Assert.Equal([.. seeded, added], topics);
        Assert.All(_callbacks, c => Assert.Equal(FakeHhEmployer.NewResponseOrInvitation, c["action_type"]!.ToString()));
        Assert.All(employer.DeliveryAttempts, a => Assert.Equal(FakeDeliveryOutcome.Accepted, a.Outcome));
    }

    [Fact]
    public async Task Bitrix24_AddListAndState_WrongSecretRefused()
    {
        var added = await Bitrix24Async("crm.item.add", new { entityTypeId = 1, fields = new { title = "C# developer - Fakeeva Anna", originatorId = "hh.ru", originId = "4574397001" } });
        var listed = await Bitrix24Async("crm.item.list", new { entityTypeId = 1, filter = new Dictionary<string, string> { ["=originId"] = "4574397001" } });
        var wrong = await Bitrix24Async("crm.item.list", new { entityTypeId = 1 }, webhook: new Uri(FakeServerApp.Address(Server), "/rest/1/not-the-secret/crm.item.list").AbsoluteUri);
        var state = JsonNode.Parse(await Http.GetStringAsync(new Uri("/_fake/state", UriKind.Relative)))!;

        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.NotNull(added.Json!["result"]!["item"]!["id"]);
        Assert.NotNull(added.Json["time"]);
        Assert.Single(listed.Json!["result"]!["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("NO_AUTH_FOUND", wrong.Json!["error"]!.ToString());
        Assert.Equal("4574397001", state["bitrix24"]!["leads"]![0]!["originId"]!.ToString());
        Assert.True(state["employer"]!["isEmployer"]!.GetValue<bool>());
        Assert.DoesNotContain(FakeBitrix24Portal.Secret, state.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, state.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/rest/1/fakeb24secretDONOTLOG7x9q2/crm.item.add", "/rest/1/***/crm.item.add")]
    [InlineData("/rest/1/fakeb24secretDONOTLOG7x9q2/", "/rest/1/***/")]
    [InlineData("/bot123:abc/getUpdates", "/bot***/getUpdates")]
    [InlineData("/negotiations/4574397001", "/negotiations/4574397001")]
    public void LoggedPath_MasksTheBotTokenAndTheWebhookSecret(string path, string logged) =>
        Assert.Equal(logged, FakeServerApp.LoggedPath(new PathString(path)));

    [Theory]
    [InlineData("--port", "0")]
    [InlineData("--port", "5080", "--responses", "51")]
    [InlineData("--port", "5080", "--webhook-url", "ftp://x/")]
    [InlineData("--port", "5080", "--delivery-interval", "0")]
    public void Options_AcceptPortZero_RefuseBadRecruitingValues(params string[] args)
    {
        var ok = FakeServerOptions.TryParse(args, out var options, out var error);

        Assert.Equal(args.Length == 2, ok);
        Assert.True(ok ? options!.Port == 0 && !options.Employer : error is { Length: > 0 }, error);
    }
}
