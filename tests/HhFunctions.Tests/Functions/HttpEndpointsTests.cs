using System.Net;
using HhFunctions.Tests.Infrastructure;

namespace HhFunctions.Tests.Functions;

/// <summary>The checks every HTTP endpoint shares (HttpEndpoints.RunAsync), through the standalone host's routes.</summary>
public sealed class HttpEndpointsTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("PUT", "/api/status")]
    [InlineData("PUT", "/api/oauth/callback")]
    [InlineData("DELETE", "/api/oauth/start")]
    [InlineData("GET", "/api/telegram/webhook")]
    public async Task Route_WrongMethod_Returns405(string method, string path)
    {
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Route_RepeatedParameter_Returns400()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/oauth/callback?state=a&state=b&code=c", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than once", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_app.Hh.Requests);
    }

    [Fact]
    public async Task Route_RepeatedParameterWithMarkup_NamedEncodedOnce()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/oauth/callback?%3Cb%3E=1&%3Cb%3E=2", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("&#39;&lt;b&gt;&#39; is given more than once", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_OversizedQuery_Returns414()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/oauth/callback?state=" + new string('x', 5000), UriKind.Relative));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/status")]
    [InlineData("/api/oauth/link?t=nope")]
    public async Task EveryAnswer_IsNotCached(string path)
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control is '{response.Headers.CacheControl}'");
    }
}
