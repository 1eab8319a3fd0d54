using System.Net;
using HhFunctions.HeadHunter;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.HeadHunter;

/// <summary>The HTTP clients as the app registers them: hh.ru API calls retry what is safe, the token endpoint never.</summary>
public sealed class HhClientResilienceTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private List<RecordedRequest> RequestsTo(string path) => _app.Hh.Requests.Where(r => r.Uri.AbsolutePath == path).ToList();

    [Fact]
    public async Task GetMeAsync_503ThenOk_IsRetriedAndSucceeds()
    {
        // Arrange
        var hh = _app.Services.GetRequiredService<HhClient>();
        var (access, _, _) = _app.Hh.SeedTokens();
        _app.Hh.Fail("me", () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), times: 2);

        // Act
        var me = await _app.Time.RunAsync(hh.GetMeAsync(access, CancellationToken.None));

        // Assert
        Assert.Equal("Ivan Petrov", me.DisplayName);
        Assert.Equal(3, RequestsTo("/me").Count);
    }

    [Fact]
    public async Task GetMeAsync_503Always_GivesUpAfterRetriesAsServerError()
    {
        // Arrange
        var hh = _app.Services.GetRequiredService<HhClient>();
        var (access, _, _) = _app.Hh.SeedTokens();
        _app.Hh.Fail("me", () => FakeHhApi.Html(HttpStatusCode.BadGateway), times: 10);

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => _app.Time.RunAsync(hh.GetMeAsync(access, CancellationToken.None)));

        // Assert
        Assert.Equal(HhErrorKind.ServerError, ex.Error.Kind);
        Assert.Equal(4, RequestsTo("/me").Count); // 1 + MaxRetryAttempts (3)
    }

    [Fact]
    public async Task GetMyResumesAsync_429WithRetryAfter_WaitsThatLongThenRetries()
    {
        // Arrange
        var hh = _app.Services.GetRequiredService<HhClient>();
        var (access, _, _) = _app.Hh.SeedTokens();
        _app.Hh.AddResume("r1", "Developer");
        _app.Hh.Fail("resumes/mine", () =>
        {
            var response = FakeHhApi.Errors(HttpStatusCode.TooManyRequests, "too_many_requests");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(45));
            return response;
        });

        // Act
        var resumes = await _app.Time.RunAsync(hh.GetMyResumesAsync(access, CancellationToken.None));

        // Assert
        Assert.Single(resumes);
        var attempts = RequestsTo("/resumes/mine");
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(45), $"retried after {attempts[1].At - attempts[0].At}, before Retry-After");
    }

    [Fact]
    public async Task PublishAsync_429TouchLimitExceeded_IsNotRetried()
    {
        // Arrange
        var hh = _app.Services.GetRequiredService<HhClient>();
        var (access, _, _) = _app.Hh.SeedTokens();
        _app.Hh.AddResume("r1", "Developer", nextPublishAt: FakeClock.Start.AddMinutes(30));

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => _app.Time.RunAsync(hh.PublishAsync(access, "r1", CancellationToken.None)));

        // Assert
        Assert.Equal(HhErrorKind.TouchLimitExceeded, ex.Error.Kind);
        Assert.Single(RequestsTo("/resumes/r1/publish"));
        Assert.Equal(1, _app.Hh.EarlyPublishRejections);
    }

    [Fact]
    public async Task PublishAsync_403OAuth_IsNotRetried()
    {
        // Arrange
        var hh = _app.Services.GetRequiredService<HhClient>();
        var (access, _, _) = _app.Hh.SeedTokens();
        _app.Hh.AddResume("r1", "Developer");
        _app.Hh.RevokeAll();

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => _app.Time.RunAsync(hh.PublishAsync(access, "r1", CancellationToken.None)));

        // Assert
        Assert.Equal(HhErrorKind.TokenRevoked, ex.Error.Kind);
        Assert.Single(RequestsTo("/resumes/r1/publish"));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task RefreshAsync_RetriableLookingFailure_IsSentExactlyOnce(HttpStatusCode status)
    {
        // Arrange
        var tokens = _app.Services.GetRequiredService<HhTokenClient>();
        var (_, refresh, _) = _app.Hh.SeedTokens();
        _app.Time.Advance(FakeHhApi.AccessLifetime);
        _app.Hh.Fail("token", () => new HttpResponseMessage(status));

        // Act
        var result = await _app.Time.RunAsync(tokens.RefreshAsync(refresh, CancellationToken.None), limit: TimeSpan.FromMinutes(10));

        // Assert
        Assert.Equal(TokenErrorKind.Transient, result.Error!.Kind);
        Assert.Single(RequestsTo("/token"));
        Assert.Equal(0, _app.Hh.RefreshCalls); // the fault answered; hh.ru never saw the refresh token
    }

    [Fact]
    public async Task RefreshAsync_ConnectionFailure_IsSentExactlyOnce()
    {
        // Arrange
        var tokens = _app.Services.GetRequiredService<HhTokenClient>();
        var (_, refresh, _) = _app.Hh.SeedTokens();
        _app.Time.Advance(FakeHhApi.AccessLifetime);
        _app.Hh.Throw("token", () => new HttpRequestException(HttpRequestError.ConnectionError, "Connection reset by peer"));

        // Act
        var result = await _app.Time.RunAsync(tokens.RefreshAsync(refresh, CancellationToken.None), limit: TimeSpan.FromMinutes(10));

        // Assert
        Assert.Equal(TokenErrorKind.Transient, result.Error!.Kind);
        Assert.Single(RequestsTo("/token"));
    }

    [Theory]
    [InlineData(nameof(HhClient))]
    [InlineData(nameof(HhTokenClient))]
    public void RegisteredClient_Always_HasApiBaseAndBothUserAgentsFromSettings(string name)
    {
        // Arrange
        var factory = _app.Services.GetRequiredService<IHttpClientFactory>();

        // Act
        using var client = factory.CreateClient(name);

        // Assert
        Assert.Equal(new Uri("https://api.hh.ru/"), client.BaseAddress);
        Assert.Equal("HhFunctionsTests/1.0 (tests@example.com)", client.DefaultRequestHeaders.NonValidated["User-Agent"].ToString());
        Assert.Equal("HhFunctionsTests/1.0 (tests@example.com)", client.DefaultRequestHeaders.NonValidated["HH-User-Agent"].ToString());
    }
}
