using System.Net;
using System.Web;
using HhFunctions.HeadHunter;
using HhFunctions.OAuth;
using HhFunctions.State;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tokens;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.OAuth;

/// <summary>The one-time setup through the real endpoints: /api/oauth/start, /api/oauth/link, /api/oauth/callback.</summary>
public sealed class OAuthEndpointsTests : IDisposable
{
    private readonly AppFactory _app;
    private readonly HttpClient _client;

    public OAuthEndpointsTests()
        : this(new AppFactory())
    {
    }

    private OAuthEndpointsTests(AppFactory app)
    {
        _app = app;
        _client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private string Redirect => _app.RedirectUri.AbsoluteUri;

    private static string Callback(string query) => "/api/oauth/callback?" + query;

    private static string Q(string value) => Uri.EscapeDataString(value);

    /// <summary>GET /api/oauth/start and returns the state hh.ru would echo back.</summary>
    private static async Task<string> StartAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/api/oauth/start", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return HttpUtility.ParseQueryString(response.Headers.Location!.Query)["state"]!;
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string relative)
    {
        using var response = await _client.GetAsync(new Uri(relative, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task AssertNothingStoredAsync()
    {
        Assert.Null(await _app.Services.GetRequiredService<ITokenVault>().ReadAsync(CancellationToken.None));
        Assert.Equal(AccountStatus.NotConnected, (await _app.Services.GetRequiredService<IStateStore>().GetAccountAsync(CancellationToken.None)).Status);
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => _app.Services.GetRequiredService<TokenManager>().GetCurrentAsync(CancellationToken.None));
        Assert.Equal(TokenProblem.NotConnected, ex.Problem);
        Assert.DoesNotContain(_app.Telegram.Messages, m => m.Text.Contains("Connected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_Configured_RedirectsToHhAuthorizeWithCodeClientRedirectAndState()
    {
        // Act
        using var response = await _client.GetAsync(new Uri("/api/oauth/start", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("https://hh.ru/oauth/authorize", location.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("test-client-id", query["client_id"]);
        Assert.Equal("https://hhfunctions.example/api/oauth/callback", query["redirect_uri"]);
        Assert.True(query["state"] is { Length: >= 32 }, "state must be long and random");
        Assert.DoesNotContain("client_secret", location.Query, StringComparison.Ordinal);
        Assert.DoesNotContain(Testing.FakeHhApi.ClientSecret, location.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Twice_IssuesDifferentStates()
    {
        // Act
        var first = await StartAsync(_client);
        var second = await StartAsync(_client);

        // Assert
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Callback_ValidStateAndCode_StoresPairReportsAccountAndResumes()
    {
        // Arrange
        _app.Hh.AddResume("r1", "Backend developer (.NET)");
        _app.Hh.AddResume("r2", "Team lead", status: "not_published");
        var state = await StartAsync(_client);
        var code = _app.Hh.IssueCode(Redirect);

        // Act
        var (status, body) = await GetAsync(Callback($"state={Q(state)}&code={Q(code)}"));

        // Assert: the page
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Connected to hh.ru", body, StringComparison.Ordinal);
        Assert.Contains("Ivan Petrov", body, StringComparison.Ordinal);
        Assert.Contains("Backend developer (.NET)", body, StringComparison.Ordinal);
        Assert.Contains("Team lead", body, StringComparison.Ordinal);
        Assert.DoesNotContain(code, body, StringComparison.Ordinal);

        // Assert: the stored pair is the one hh.ru issued, and it works
        var current = await _app.Services.GetRequiredService<TokenManager>().GetCurrentAsync(CancellationToken.None);
        Assert.Contains(current.AccessToken, _app.Hh.Secrets);
        Assert.Contains(current.RefreshToken, _app.Hh.Secrets);
        Assert.Equal(_app.Time.GetUtcNow() + Testing.FakeHhApi.AccessLifetime, current.ExpiresAt);
        var me = await _app.Services.GetRequiredService<HhClient>().GetMeAsync(current.AccessToken, CancellationToken.None);
        Assert.Equal("42", me.Id);
        Assert.DoesNotContain(current.AccessToken, body, StringComparison.Ordinal);
        Assert.DoesNotContain(current.RefreshToken, body, StringComparison.Ordinal);

        // Assert: account and Telegram
        var account = await _app.Services.GetRequiredService<IStateStore>().GetAccountAsync(CancellationToken.None);
        Assert.Equal(AccountStatus.Connected, account.Status);
        Assert.Equal("Ivan Petrov", account.DisplayName);
        Assert.Equal(current.Fingerprint, account.TokenFingerprint);
        var message = Assert.Single(_app.Telegram.Messages).Text;
        Assert.Contains("Connected", message, StringComparison.Ordinal);
        Assert.Contains("Ivan Petrov", message, StringComparison.Ordinal);
        Assert.Contains("Backend developer (.NET)", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_ReconnectAfterRevocation_ReplacesPairAndClearsNeedsReconnect()
    {
        // Arrange: connected, then revoked and flagged.
        var first = await StartAsync(_client);
        await GetAsync(Callback($"state={Q(first)}&code={Q(_app.Hh.IssueCode(Redirect))}"));
        var tokens = _app.Services.GetRequiredService<TokenManager>();
        var old = await tokens.GetCurrentAsync(CancellationToken.None);
        _app.Hh.RevokeAll();
        await tokens.MarkReconnectAsync("revoked", CancellationToken.None);
        var second = await StartAsync(_client);

        // Act
        var (status, _) = await GetAsync(Callback($"state={Q(second)}&code={Q(_app.Hh.IssueCode(Redirect))}"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var current = await tokens.GetCurrentAsync(CancellationToken.None);
        Assert.NotEqual(old.Fingerprint, current.Fingerprint);
        Assert.Equal(AccountStatus.Connected, (await _app.Services.GetRequiredService<IStateStore>().GetAccountAsync(CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Callback_MissingState_400AndNothingStored()
    {
        // Arrange
        var code = _app.Hh.IssueCode(Redirect);

        // Act
        var (status, body) = await GetAsync(Callback($"code={Q(code)}"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("no &#39;state&#39; parameter", body, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
        Assert.Equal(0, _app.Hh.Requests.Count(r => r.Uri.AbsolutePath == "/token"));
    }

    [Fact]
    public async Task Callback_UnknownState_400AndNothingStored()
    {
        // Arrange
        await StartAsync(_client);
        var code = _app.Hh.IssueCode(Redirect);

        // Act
        var (status, body) = await GetAsync(Callback($"state=forged-state-value&code={Q(code)}"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("unknown state", body, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
        Assert.Equal(0, _app.Hh.Requests.Count(r => r.Uri.AbsolutePath == "/token"));
    }

    [Fact]
    public async Task Callback_StateOlderThanTenMinutes_400ExpiredAndNothingStored()
    {
        // Arrange
        var state = await StartAsync(_client);
        var code = _app.Hh.IssueCode(Redirect);
        _app.Time.Advance(TimeSpan.FromMinutes(11));

        // Act
        var (status, body) = await GetAsync(Callback($"state={Q(state)}&code={Q(code)}"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("expired", body, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Callback_ReplayedState_400AlreadyUsedAndNothingStored()
    {
        // Arrange: the state was spent by a first (declined) callback.
        var state = await StartAsync(_client);
        await GetAsync(Callback($"error=access_denied&state={Q(state)}"));
        var code = _app.Hh.IssueCode(Redirect);

        // Act
        var (status, body) = await GetAsync(Callback($"state={Q(state)}&code={Q(code)}"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("already used", body, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
        Assert.Equal(0, _app.Hh.Requests.Count(r => r.Uri.AbsolutePath == "/token"));
    }

    [Fact]
    public async Task Callback_ReplayedAfterSuccess_400AndCodeNotExchangedAgain()
    {
        // Arrange
        var state = await StartAsync(_client);
        var code = _app.Hh.IssueCode(Redirect);
        await GetAsync(Callback($"state={Q(state)}&code={Q(code)}"));
        var stored = await _app.Services.GetRequiredService<ITokenVault>().ReadAsync(CancellationToken.None);

        // Act
        var (status, _) = await GetAsync(Callback($"state={Q(state)}&code={Q(code)}"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(1, _app.Hh.Requests.Count(r => r.Uri.AbsolutePath == "/token"));
        Assert.Equal(stored, await _app.Services.GetRequiredService<ITokenVault>().ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Callback_AccessDenied_400DeclinedAndNothingStored()
    {
        // Arrange
        var state = await StartAsync(_client);

        // Act
        var (status, body) = await GetAsync(Callback($"error=access_denied&state={Q(state)}"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("declined access", body, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Callback_NoCode_400AndNothingStored()
    {
        // Arrange
        var state = await StartAsync(_client);

        // Act
        var (status, body) = await GetAsync(Callback($"state={Q(state)}"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("authorization code", body, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Callback_CodeAlreadyUsed_400RejectedAndNothingStored()
    {
        // Arrange: the code was exchanged once already (e.g. a double-clicked redirect).
        var code = _app.Hh.IssueCode(Redirect);
        await _app.Services.GetRequiredService<HhTokenClient>().ExchangeCodeAsync(code, _app.RedirectUri, CancellationToken.None);
        var state = await StartAsync(_client);

        // Act
        var (status, body) = await GetAsync(Callback($"state={Q(state)}&code={Q(code)}"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("code has already been used", body, StringComparison.Ordinal);
        Assert.DoesNotContain(code, body, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Callback_UnknownCode_400RejectedAndNothingStored()
    {
        // Arrange
        var state = await StartAsync(_client);

        // Act
        var (status, body) = await GetAsync(Callback($"state={Q(state)}&code=code-never-issued"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("rejected the authorization code", body, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Callback_RedirectUriNotRegistered_503NamesTheSettingAndNothingStored()
    {
        // Arrange: the app at dev.hh.ru has another redirect URI than this deployment uses.
        var state = await StartAsync(_client);
        var code = _app.Hh.IssueCode("https://other.example/api/oauth/callback");

        // Act
        var (status, body) = await GetAsync(Callback($"state={Q(state)}&code={Q(code)}"));

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("HeadHunter__RedirectUri", body, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Callback_HhTokenEndpointDown_502AndNothingStored()
    {
        // Arrange
        var state = await StartAsync(_client);
        var code = _app.Hh.IssueCode(Redirect);
        _app.Hh.Fail("token", () => Testing.FakeHhApi.Html(HttpStatusCode.Forbidden));

        // Act
        var (status, body) = await GetAsync(Callback($"state={Q(state)}&code={Q(code)}"));

        // Assert
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("hh.ru unavailable", body, StringComparison.Ordinal);
        Assert.DoesNotContain("DDoS-Guard", body, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Callback_WrongClientSecret_503NamesTheSettingsWithoutTheSecretAndNothingStored()
    {
        // Arrange
        const string wrongSecret = "wrong-client-secret-value-5b2d";
        using var app = AppFactory.With(new Dictionary<string, string?> { ["HeadHunter:ClientSecret"] = wrongSecret });
        using var test = new OAuthEndpointsTests(app);
        var state = await StartAsync(test._client);
        var code = app.Hh.IssueCode(test.Redirect);

        // Act
        var (status, body) = await test.GetAsync(Callback($"state={Q(state)}&code={Q(code)}"));

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("HeadHunter__ClientSecret", body, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongSecret, body, StringComparison.Ordinal);
        await test.AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Start_NoHeadHunterCredentials_503NamingClientId()
    {
        // Arrange
        using var app = AppFactory.With(new Dictionary<string, string?> { ["HeadHunter:ClientId"] = null, ["HeadHunter:ClientSecret"] = null });
        using var test = new OAuthEndpointsTests(app);

        // Act
        var (status, body) = await test.GetAsync("/api/oauth/start");

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("HeadHunter__ClientId", body, StringComparison.Ordinal);
        Assert.Contains("<html", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoHeadHunterCredentialsJsonCaller_503ProblemNamingClientId()
    {
        // Arrange
        using var app = AppFactory.With(new Dictionary<string, string?> { ["HeadHunter:ClientId"] = null, ["HeadHunter:ClientSecret"] = null });
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        // Act
        using var response = await client.GetAsync(new Uri("/api/oauth/start", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("HeadHunter__ClientId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_MintedSetupLink_RedirectsOnceThenAlreadyUsed()
    {
        // Arrange
        var link = await _app.Services.GetRequiredService<SetupLinks>().CreateAsync(CancellationToken.None);
        Assert.StartsWith("https://hhfunctions.example/api/oauth/link?t=", link.AbsoluteUri, StringComparison.Ordinal);

        // Act
        using var first = await _client.GetAsync(new Uri(link.PathAndQuery, UriKind.Relative));
        var (secondStatus, secondBody) = await GetAsync(link.PathAndQuery);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("https://hh.ru/oauth/authorize", first.Headers.Location!.GetLeftPart(UriPartial.Path));
        Assert.NotNull(HttpUtility.ParseQueryString(first.Headers.Location.Query)["state"]);
        Assert.Equal(HttpStatusCode.BadRequest, secondStatus);
        Assert.Contains("already used", secondBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_ThenCallback_CompletesTheSetup()
    {
        // Arrange
        var link = await _app.Services.GetRequiredService<SetupLinks>().CreateAsync(CancellationToken.None);
        using var redirect = await _client.GetAsync(new Uri(link.PathAndQuery, UriKind.Relative));
        var state = HttpUtility.ParseQueryString(redirect.Headers.Location!.Query)["state"]!;

        // Act
        var (status, body) = await GetAsync(Callback($"state={Q(state)}&code={Q(_app.Hh.IssueCode(Redirect))}"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Ivan Petrov", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_OlderThan24Hours_400Expired()
    {
        // Arrange
        var link = await _app.Services.GetRequiredService<SetupLinks>().CreateAsync(CancellationToken.None);
        _app.Time.Advance(TimeSpan.FromHours(25));

        // Act
        var (status, body) = await GetAsync(link.PathAndQuery);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("expired", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/oauth/link?t=not-a-link-we-issued")]
    [InlineData("/api/oauth/link")]
    public async Task Link_UnknownOrMissing_400Unknown(string relative)
    {
        // Act
        var (status, body) = await GetAsync(relative);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not a setup link", body, StringComparison.Ordinal);
    }
}
