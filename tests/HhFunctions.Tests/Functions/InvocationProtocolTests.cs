using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HhFunctions.Functions;
using HhFunctions.Tests.Infrastructure;

namespace HhFunctions.Tests.Functions;

/// <summary>The custom-handler payload protocol: the host POSTs {Data, Metadata} to /{FunctionName}.</summary>
public sealed class InvocationProtocolTests : IClassFixture<AppFactory>
{
    private readonly AppFactory _app;

    public InvocationProtocolTests(AppFactory app) => _app = app;

    [Fact]
    public void ReadHttpTrigger_DocumentedPayload_MapsMethodUrlQueryAndHeaders()
    {
        var payload = InvocationProtocol.ParsePayload(Payloads.Read("http-invocation.json"));

        var request = InvocationProtocol.ReadHttpTrigger(payload);

        Assert.Equal("GET", request.Method);
        Assert.Equal("https://hhfunctions.example/api/oauth/callback?state=abc&code=xyz", request.Url.AbsoluteUri);
        Assert.Equal("abc", request.Query["state"]);
        Assert.Equal("xyz", request.Query["code"]);
        Assert.Equal("text/html", request.Header("accept"));
        Assert.Null(request.Body);
    }

    [Fact]
    public void ReadTimer_DocumentedPayload_ReadsPastDueAndNext()
    {
        var timer = InvocationProtocol.ReadTimer(InvocationProtocol.ParsePayload(Payloads.Read("timer-invocation.json")));

        Assert.False(timer.IsPastDue);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 12, 1, 0, TimeSpan.Zero), timer.ScheduledNext);
    }

    [Fact]
    public async Task PostFunctionName_HttpPayload_AnswersWithResOutput()
    {
        using var client = _app.CreateClient();
        using var body = new StringContent(Payloads.Read("http-invocation.json"), Encoding.UTF8, "application/json");

        var response = await client.PostAsync(new Uri("/OAuthCallback", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var res = doc.RootElement.GetProperty("Outputs").GetProperty("res");
        // The state "abc" was never issued: the function's own answer is a 400 page, carried inside a 200 invocation.
        Assert.Equal(400, res.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("text/html", res.GetProperty("headers").GetProperty("Content-Type").GetString(), StringComparison.Ordinal);
        Assert.Contains("unknown state", res.GetProperty("body").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("Logs").ValueKind);
        Assert.True(doc.RootElement.TryGetProperty("ReturnValue", out _));
    }

    [Fact]
    public async Task PostFunctionName_StatusPayloadAskingJson_ReturnsJsonBody()
    {
        using var client = _app.CreateClient();
        var payload = new
        {
            Data = new { req = new { Url = "https://hhfunctions.example/api/status", Method = "GET", Query = new { }, Headers = new Dictionary<string, string[]> { ["Accept"] = ["application/json"] } } },
            Metadata = new { },
        };

        var response = await client.PostAsJsonAsync(new Uri("/Status", UriKind.Relative), payload);

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var res = doc.RootElement.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        using var status = JsonDocument.Parse(res.GetProperty("body").GetString()!);
        Assert.Equal("NotConnected", status.RootElement.GetProperty("accountStatus").GetString());
    }

    [Fact]
    public async Task PostFunctionName_RedirectingFunction_CarriesLocationHeader()
    {
        using var client = _app.CreateClient();
        var payload = new
        {
            Data = new { req = new { Url = "https://hhfunctions.example/api/oauth/start", Method = "GET", Query = new { }, Headers = new { } } },
            Metadata = new { },
        };

        var response = await client.PostAsJsonAsync(new Uri("/OAuthStart", UriKind.Relative), payload);

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var res = doc.RootElement.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(302, res.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("https://hh.ru/oauth/authorize?", res.GetProperty("headers").GetProperty("Location").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/OAuthCallback", "")]
    [InlineData("/OAuthCallback", "{not json")]
    [InlineData("/OAuthCallback", "[]")]
    [InlineData("/OAuthCallback", "{\"Metadata\":{}}")]
    [InlineData("/OAuthCallback", "{\"Data\":{}}")]
    [InlineData("/OAuthCallback", "{\"Data\":{\"req\":{\"Method\":\"GET\"}}}")]
    [InlineData("/OAuthCallback", "{\"Data\":{\"req\":{\"Url\":\"not a url\"}}}")]
    [InlineData("/BumpResumes", "{\"Data\":{}}")]
    [InlineData("/BumpResumes", "{\"Data\":{\"timer\":\"{broken\"}}")]
    [InlineData("/Status", "{\"Data\":{\"req\":42}}")]
    public async Task PostFunctionName_InvalidPayload_Returns400WithReason(string path, string body)
    {
        using var client = _app.CreateClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task PostFunctionName_WrongMethodInPayload_Returns405Output()
    {
        using var client = _app.CreateClient();
        var payload = new
        {
            Data = new { req = new { Url = "https://hhfunctions.example/api/status", Method = "DELETE", Query = new { }, Headers = new { } } },
            Metadata = new { },
        };

        var response = await client.PostAsJsonAsync(new Uri("/Status", UriKind.Relative), payload);

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(405, doc.RootElement.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
    }

    [Theory]
    [InlineData("PUT", "/api/status")] // POST is the status page's forms
    [InlineData("PUT", "/api/oauth/callback")]
    [InlineData("DELETE", "/api/oauth/start")]
    public async Task ForwardedRoute_WrongMethod_Returns405(string method, string path)
    {
        using var client = _app.CreateClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task ForwardedRoute_RepeatedParameter_Returns400()
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync(new Uri("/api/oauth/callback?state=a&state=b&code=c", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than once", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedRoute_RepeatedParameterWithMarkup_NamedEncodedOnce()
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync(new Uri("/api/oauth/callback?%3Cb%3E=1&%3Cb%3E=2", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("&#39;&lt;b&gt;&#39; is given more than once", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedRoute_OversizedQuery_Returns414()
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync(new Uri("/api/oauth/callback?state=" + new string('x', 5000), UriKind.Relative));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }
}
