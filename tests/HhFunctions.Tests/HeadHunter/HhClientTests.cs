using System.Collections.Concurrent;
using System.Net;
using HhFunctions.HeadHunter;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.HeadHunter;

/// <summary><see cref="HhClient"/> and <see cref="HhTokenClient"/> over the fake hh.ru, configured as the builder configures them.</summary>
public sealed class HhClientTests : IDisposable
{
    private const string UserAgent = "HhFunctionsTests/1.0 (tests@example.com)";

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = FakeClock.Create();
    private readonly FakeHhApi _hh;
    private readonly HeaderRecorder _recorder;
    private readonly HttpClient _http;
    private readonly HhOptions _options = new() { ClientId = FakeHhApi.ClientId, ClientSecret = FakeHhApi.ClientSecret, UserAgent = UserAgent };

    public HhClientTests()
    {
        _hh = new FakeHhApi(_time);
        _recorder = new HeaderRecorder(new FakeNetwork(_hh, new FakeTelegramApi()));
        _http = new HttpClient(_recorder);
        HhTokenClient.ConfigureHttpClient(_http, _options);
    }

    public void Dispose() => _http.Dispose();

    private HhClient Client => new(_http);

    private HhTokenClient TokenClient => new(_http, Options.Create(_options), _time);

    [Fact]
    public async Task AllCalls_Always_SendUserAgentAndHhUserAgent()
    {
        // Arrange
        var (access, refresh, _) = _hh.SeedTokens();
        _hh.AddResume("r1", "Developer");
        var code = _hh.IssueCode("https://app.example/api/oauth/callback");

        // Act
        await Client.GetMeAsync(access, CancellationToken.None);
        await Client.GetMyResumesAsync(access, CancellationToken.None);
        await Client.PublishAsync(access, "r1", CancellationToken.None);
        await TokenClient.RefreshAsync(refresh, CancellationToken.None);
        await TokenClient.ExchangeCodeAsync(code, new Uri("https://app.example/api/oauth/callback"), CancellationToken.None);

        // Assert
        Assert.Equal(5, _recorder.Requests.Count);
        Assert.All(_recorder.Requests, r =>
        {
            Assert.Equal(UserAgent, r.Header("User-Agent"));
            Assert.Equal(UserAgent, r.Header("HH-User-Agent"));
        });
    }

    [Fact]
    public async Task GetMeAsync_WithToken_SendsBearerAndParsesAccount()
    {
        // Arrange
        var (access, _, _) = _hh.SeedTokens();

        // Act
        var me = await Client.GetMeAsync(access, CancellationToken.None);

        // Assert
        Assert.Equal("Ivan Petrov", me.DisplayName);
        Assert.Equal("42", me.Id);
        var request = Assert.Single(_hh.Requests);
        Assert.Equal(access, request.Bearer);
        Assert.Equal("https://api.hh.ru/me", request.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task GetMyResumesAsync_SeveralPages_ReturnsEveryResumeOnce()
    {
        // Arrange
        var (access, _, _) = _hh.SeedTokens();
        _hh.PageSize = 2;
        for (var i = 1; i <= 5; i++)
        {
            _hh.AddResume("r" + i, "Resume " + i);
        }

        // Act
        var resumes = await Client.GetMyResumesAsync(access, CancellationToken.None);

        // Assert
        Assert.Equal(["r1", "r2", "r3", "r4", "r5"], resumes.Select(r => r.Id));
        var pages = _hh.Requests.Where(r => r.Uri.AbsolutePath == "/resumes/mine").Select(r => r.Uri.Query).ToList();
        Assert.Equal(3, pages.Count);
        Assert.Contains("page=0", pages[0], StringComparison.Ordinal);
        Assert.Contains("page=2", pages[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMyResumesAsync_RealShapedBody_ParsesHhDatesWithColonlessOffsets()
    {
        // Arrange
        var (access, _, _) = _hh.SeedTokens();
        _hh.Fail("resumes/mine", () => FakeHhApi.Json(HttpStatusCode.OK, Payloads.Read("hh-resumes-mine.json")));

        // Act
        var resumes = await Client.GetMyResumesAsync(access, CancellationToken.None);

        // Assert
        Assert.Equal(2, resumes.Count);
        var published = resumes[0];
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 5, 9, TimeSpan.Zero), published.NextPublishAt);
        Assert.Equal(TimeSpan.FromHours(3), published.NextPublishAt!.Value.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 7, 5, 9, TimeSpan.Zero), published.UpdatedAt);
        Assert.False(published.CanPublishOrUpdate);
        Assert.Equal("published", published.Status!.Id);
        var draft = resumes[1];
        Assert.Null(draft.NextPublishAt);
        Assert.Null(draft.CanPublishOrUpdate);
        Assert.Equal("Team lead", draft.DisplayTitle);
    }

    [Fact]
    public async Task GetMyResumesAsync_FakeDates_RoundTripToTheExactInstant()
    {
        // Arrange
        var (access, _, _) = _hh.SeedTokens();
        var next = FakeClock.Start.AddHours(3).AddMinutes(7).AddSeconds(11);
        _hh.AddResume("r1", "Developer", nextPublishAt: next);

        // Act
        var resume = Assert.Single(await Client.GetMyResumesAsync(access, CancellationToken.None));

        // Assert
        Assert.Equal(next, resume.NextPublishAt);
        Assert.False(resume.CanPublishOrUpdate);
    }

    [Fact]
    public async Task PublishAsync_Allowed_Returns204AndRaisesOnce()
    {
        // Arrange
        var (access, _, _) = _hh.SeedTokens();
        var resume = _hh.AddResume("r1", "Developer");

        // Act
        await Client.PublishAsync(access, "r1", CancellationToken.None);

        // Assert
        Assert.Equal([FakeClock.Start], resume.Raises);
        var request = Assert.Single(_hh.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/resumes/r1/publish", request.Uri.AbsolutePath);
    }

    [Fact]
    public async Task PublishAsync_TooEarly_ThrowsTypedTouchLimitExceeded()
    {
        // Arrange
        var (access, _, _) = _hh.SeedTokens();
        var resume = _hh.AddResume("r1", "Developer", nextPublishAt: FakeClock.Start.AddHours(1));

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.PublishAsync(access, "r1", CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.TouchLimitExceeded, ex.Error.Kind);
        Assert.Equal(429, ex.Error.StatusCode);
        Assert.Empty(resume.Raises);
    }

    [Fact]
    public async Task PublishAsync_ExpiredToken_ThrowsTokenExpired()
    {
        // Arrange
        var (access, _, _) = _hh.SeedTokens();
        _hh.AddResume("r1", "Developer");
        _time.Advance(FakeHhApi.AccessLifetime);

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.PublishAsync(access, "r1", CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.TokenExpired, ex.Error.Kind);
    }

    [Fact]
    public async Task GetMeAsync_HtmlPage_ThrowsNonJsonWithoutThePage()
    {
        // Arrange
        var (access, _, _) = _hh.SeedTokens();
        _hh.Fail("me", () => FakeHhApi.Html(HttpStatusCode.Forbidden));

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetMeAsync(access, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.NonJsonResponse, ex.Error.Kind);
        Assert.DoesNotContain("DDoS-Guard", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMeAsync_ConnectionRefused_ThrowsNetworkError()
    {
        // Arrange
        var (access, _, _) = _hh.SeedTokens();
        _hh.Throw("me", () => new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (api.hh.ru:443)"));

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetMeAsync(access, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.Network, ex.Error.Kind);
        Assert.True(ex.Error.IsTransient);
    }

    [Fact]
    public async Task RefreshAsync_Always_PostsFormEncodedBodyWithoutQueryString()
    {
        // Arrange
        var (_, refresh, _) = _hh.SeedTokens();
        _time.Advance(FakeHhApi.AccessLifetime);

        // Act
        var result = await TokenClient.RefreshAsync(refresh, CancellationToken.None);

        // Assert
        Assert.NotNull(result.Tokens);
        var request = Assert.Single(_recorder.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("https://api.hh.ru/token", request.Uri.AbsoluteUri);
        Assert.Equal(string.Empty, request.Uri.Query);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal("grant_type=refresh_token&refresh_token=" + Uri.EscapeDataString(refresh), request.Body);
        Assert.DoesNotContain("client_secret", request.Body, StringComparison.Ordinal);
        Assert.Null(request.Authorization);
    }

    [Fact]
    public async Task RefreshAsync_Success_ReturnsPairWithExpiryFromExpiresIn()
    {
        // Arrange
        var (_, refresh, _) = _hh.SeedTokens();
        _time.Advance(FakeHhApi.AccessLifetime);
        var now = _time.GetUtcNow();

        // Act
        var result = await TokenClient.RefreshAsync(refresh, CancellationToken.None);

        // Assert
        var pair = Assert.IsType<TokenSet>(result.Tokens);
        Assert.Null(result.Error);
        Assert.NotEqual(refresh, pair.RefreshToken);
        Assert.Equal(now, pair.ObtainedAt);
        Assert.Equal(now + FakeHhApi.AccessLifetime, pair.ExpiresAt);
        Assert.Contains(pair.AccessToken, _hh.Secrets);
        Assert.DoesNotContain(pair.AccessToken, pair.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(pair.RefreshToken, pair.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExchangeCodeAsync_Always_PostsEveryAuthorizationCodeFieldAsForm()
    {
        // Arrange
        var redirect = new Uri("https://app.example/api/oauth/callback");
        var code = _hh.IssueCode(redirect.AbsoluteUri);

        // Act
        var result = await TokenClient.ExchangeCodeAsync(code, redirect, CancellationToken.None);

        // Assert
        Assert.NotNull(result.Tokens);
        var request = Assert.Single(_recorder.Requests);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal(string.Empty, request.Uri.Query);
        var form = System.Web.HttpUtility.ParseQueryString(request.Body!);
        Assert.Equal("authorization_code", form["grant_type"]);
        Assert.Equal(FakeHhApi.ClientId, form["client_id"]);
        Assert.Equal(FakeHhApi.ClientSecret, form["client_secret"]);
        Assert.Equal(code, form["code"]);
        Assert.Equal(redirect.AbsoluteUri, form["redirect_uri"]);
    }

    [Fact]
    public async Task ExchangeCodeAsync_RedirectUriWithEscapes_SendsItAsTheAuthorizeUrlDoes()
    {
        // Arrange: /oauth/authorize got redirect_uri as Uri.AbsoluteUri (OAuthFlow); the exchange must match it exactly.
        var redirect = new Uri("https://app.example/api/oauth/callback?app=hh%20bump");
        var code = _hh.IssueCode(redirect.AbsoluteUri);

        // Act
        var result = await TokenClient.ExchangeCodeAsync(code, redirect, CancellationToken.None);

        // Assert
        var form = System.Web.HttpUtility.ParseQueryString(Assert.Single(_recorder.Requests).Body!);
        Assert.Equal(redirect.AbsoluteUri, form["redirect_uri"]);
        Assert.NotNull(result.Tokens);
    }

    [Fact]
    public async Task RefreshAsync_TokenNotExpired_ReturnsNotExpiredAndKeepsTokensAlive()
    {
        // Arrange
        var (access, refresh, _) = _hh.SeedTokens();

        // Act
        var result = await TokenClient.RefreshAsync(refresh, CancellationToken.None);

        // Assert
        Assert.Equal(TokenErrorKind.NotExpired, result.Error!.Kind);
        Assert.Null(result.Tokens);
        Assert.Equal(0, _hh.SuccessfulRefreshes);
        Assert.Equal("Ivan Petrov", (await Client.GetMeAsync(access, CancellationToken.None)).DisplayName);
    }

    [Fact]
    public async Task RefreshAsync_UsedTwice_SecondSaysAlreadyRefreshed()
    {
        // Arrange
        var (_, refresh, _) = _hh.SeedTokens();
        _time.Advance(FakeHhApi.AccessLifetime);
        await TokenClient.RefreshAsync(refresh, CancellationToken.None);

        // Act
        var second = await TokenClient.RefreshAsync(refresh, CancellationToken.None);

        // Assert
        Assert.Equal(TokenErrorKind.AlreadyRefreshed, second.Error!.Kind);
        Assert.Equal(1, _hh.SuccessfulRefreshes);
    }

    [Fact]
    public async Task RefreshAsync_NetworkFailure_IsTransient()
    {
        // Arrange
        _hh.Throw("token", () => new HttpRequestException(HttpRequestError.ConnectionError, "Connection reset"));

        // Act
        var result = await TokenClient.RefreshAsync("RT-anything", CancellationToken.None);

        // Assert
        Assert.Equal(TokenErrorKind.Transient, result.Error!.Kind);
        Assert.DoesNotContain("RT-anything", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_200WithoutPair_IsTransientNotSuccess()
    {
        // Arrange: an application-token-shaped answer (contract §1: access_token and token_type only).
        _hh.Fail("token", () => FakeHhApi.Json(HttpStatusCode.OK, """{"access_token":"APP-TOKEN-XYZ","token_type":"bearer"}"""));

        // Act
        var result = await TokenClient.RefreshAsync("RT-anything", CancellationToken.None);

        // Assert
        Assert.Null(result.Tokens);
        Assert.Equal(TokenErrorKind.Transient, result.Error!.Kind);
        Assert.DoesNotContain("APP-TOKEN-XYZ", result.Error.Message, StringComparison.Ordinal);
    }

    /// <summary>Records what goes on the wire (headers included) and passes the request on to the fake network.</summary>
    private sealed class HeaderRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public ConcurrentQueue<WireRequest> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.NonValidated.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Enqueue(new WireRequest(request.Method.Method, request.RequestUri!, headers, request.Content?.Headers.ContentType?.MediaType, body, request.Headers.Authorization?.Scheme));
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private sealed record WireRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? ContentType, string? Body, string? Authorization)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }
}
