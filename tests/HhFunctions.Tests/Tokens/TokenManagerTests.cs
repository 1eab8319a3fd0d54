using System.Net;
using System.Text.Json;
using HhFunctions.HeadHunter;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tokens;

namespace HhFunctions.Tests.Tokens;

/// <summary>
/// The token lifecycle against the contract-faithful fake hh.ru: refresh only when due, single-use refresh
/// tokens, every rejection mapped to the right outcome, and the stored pair never lost.
/// </summary>
public sealed class TokenManagerTests : IDisposable
{
    private static readonly TimeSpan FifteenDays = TimeSpan.FromDays(15);
    private readonly TokenTestbed _bed = new();

    public void Dispose() => _bed.Dispose();

    private int TokenRequests => _bed.Hh.Requests.Count(r => r.Uri.AbsolutePath == "/token");

    private static HttpResponseMessage TokenError(string error, string description) =>
        FakeHhApi.Json(HttpStatusCode.BadRequest, JsonSerializer.Serialize(new { error, error_description = description }));

    private Task<TokenSet?> StoredAsync() => _bed.FileVault.ReadAsync(CancellationToken.None);

    private Task<AccountState> AccountAsync() => _bed.State.GetAccountAsync(CancellationToken.None);

    [Fact]
    public async Task GetCurrentAsync_BeforeStoredExpiry_ReturnsStoredPairWithoutRefreshing()
    {
        // Arrange
        var seeded = await _bed.SeedAsync();
        var manager = _bed.CreateManager();
        _bed.Time.Advance(FakeHhApi.AccessLifetime - TimeSpan.FromSeconds(1));

        // Act
        var current = await manager.GetCurrentAsync(CancellationToken.None);

        // Assert
        Assert.Equal(seeded, current);
        Assert.Equal(0, TokenRequests);
        Assert.True(await _bed.WorksAtHhAsync(current));
    }

    [Fact]
    public async Task GetCurrentAsync_AfterStoredExpiry_RefreshesOnceAndSavesTheNewPair()
    {
        // Arrange
        var seeded = await _bed.SeedAsync();
        var manager = _bed.CreateManager();
        _bed.Time.Advance(FifteenDays);

        // Act
        var current = await manager.GetCurrentAsync(CancellationToken.None);

        // Assert
        Assert.NotEqual(seeded.RefreshToken, current.RefreshToken);
        Assert.NotEqual(seeded.AccessToken, current.AccessToken);
        Assert.Equal(1, _bed.Hh.SuccessfulRefreshes);
        Assert.Equal(1, TokenRequests);
        Assert.Equal(current, await StoredAsync());
        Assert.Equal(_bed.Time.GetUtcNow() + FakeHhApi.AccessLifetime, current.ExpiresAt);
        Assert.True(await _bed.WorksAtHhAsync(current));
        var account = await AccountAsync();
        Assert.Equal(AccountStatus.Connected, account.Status);
        Assert.Equal(current.Fingerprint, account.TokenFingerprint);
        Assert.Empty(_bed.Telegram.Messages);
    }

    [Fact]
    public async Task GetCurrentAsync_CalledAgainAfterRefresh_UsesTheSavedPairWithoutRefreshing()
    {
        // Arrange
        await _bed.SeedAsync();
        _bed.Time.Advance(FifteenDays);
        var refreshed = await _bed.CreateManager().GetCurrentAsync(CancellationToken.None);

        // Act: a later run, another process
        _bed.Time.Advance(TimeSpan.FromDays(1));
        var current = await _bed.CreateManager("b").GetCurrentAsync(CancellationToken.None);

        // Assert
        Assert.Equal(refreshed, current);
        Assert.Equal(1, TokenRequests);
    }

    [Fact]
    public async Task WithAccessTokenAsync_ServerSaysTokenExpired_RefreshesAndRetriesOnce()
    {
        // Arrange: hh.ru's real lifetime is shorter than the stored expiry says (contract: "about 13 days").
        var seeded = await _bed.SeedAsync(storedExpiryShift: TimeSpan.FromDays(2));
        var manager = _bed.CreateManager();
        var hh = _bed.CreateHhClient();
        _bed.Time.Advance(FakeHhApi.AccessLifetime + TimeSpan.FromHours(1));
        var used = new List<string>();

        // Act
        var me = await manager.WithAccessTokenAsync((token, ct) =>
        {
            used.Add(token);
            return hh.GetMeAsync(token, ct);
        }, CancellationToken.None);

        // Assert
        Assert.Equal("Ivan Petrov", me.DisplayName);
        Assert.Equal(2, used.Count);
        Assert.Equal(seeded.AccessToken, used[0]);
        var stored = await StoredAsync();
        Assert.Equal(stored!.AccessToken, used[1]);
        Assert.NotEqual(seeded.Fingerprint, stored.Fingerprint);
        Assert.Equal(1, _bed.Hh.SuccessfulRefreshes);
    }

    [Fact]
    public async Task GetCurrentAsync_StoredExpiryPassedButHhSaysNotExpired_KeepsStoredPair()
    {
        // Arrange: the stored expiry is earlier than hh.ru's (clock skew, shortened expires_in).
        var seeded = await _bed.SeedAsync(storedExpiryShift: TimeSpan.FromDays(-1));
        var manager = _bed.CreateManager();
        _bed.Time.Advance(FakeHhApi.AccessLifetime - TimeSpan.FromHours(12));

        // Act
        var current = await manager.GetCurrentAsync(CancellationToken.None);

        // Assert: the same pair stays in use; only its stored expiry moves on (an hour), so hh.ru is not asked on every call
        Assert.Equal((seeded.AccessToken, seeded.RefreshToken), (current.AccessToken, current.RefreshToken));
        Assert.Equal(1, _bed.Hh.RefreshCalls);
        Assert.Equal(0, _bed.Hh.SuccessfulRefreshes);
        var stored = await StoredAsync();
        Assert.Equal((seeded.AccessToken, seeded.RefreshToken), (stored!.AccessToken, stored.RefreshToken));
        Assert.Equal(_bed.Time.GetUtcNow() + TimeSpan.FromHours(1), stored.ExpiresAt);
        Assert.True(await _bed.WorksAtHhAsync(current));
        Assert.Equal(AccountStatus.Connected, (await AccountAsync()).Status);
        Assert.Empty(_bed.Telegram.Messages);
    }

    [Fact]
    public async Task WithAccessTokenAsync_SpuriousTokenExpiredThenNotExpired_RetriesWithTheSamePair()
    {
        // Arrange
        var seeded = await _bed.SeedAsync();
        var manager = _bed.CreateManager();
        var hh = _bed.CreateHhClient();
        _bed.Hh.Fail("me", () => FakeHhApi.Errors(HttpStatusCode.Forbidden, "oauth", "token_expired"));
        var used = new List<string>();

        // Act
        var me = await manager.WithAccessTokenAsync((token, ct) =>
        {
            used.Add(token);
            return hh.GetMeAsync(token, ct);
        }, CancellationToken.None);

        // Assert
        Assert.Equal("Ivan Petrov", me.DisplayName);
        Assert.Equal([seeded.AccessToken, seeded.AccessToken], used);
        Assert.Equal(1, _bed.Hh.RefreshCalls);
        Assert.Equal(seeded, await StoredAsync());
    }

    [Fact]
    public async Task WithAccessTokenAsync_ServerKeepsSayingExpiredButRefreshSaysNotExpired_FailsTransientAndKeepsPair()
    {
        // Arrange
        var seeded = await _bed.SeedAsync();
        var manager = _bed.CreateManager();
        var hh = _bed.CreateHhClient();
        _bed.Hh.Fail("me", () => FakeHhApi.Errors(HttpStatusCode.Forbidden, "oauth", "token_expired"), times: 2);

        // Act
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => manager.WithAccessTokenAsync((token, ct) => hh.GetMeAsync(token, ct), CancellationToken.None));

        // Assert
        Assert.Equal(TokenProblem.Transient, ex.Problem);
        Assert.Equal(1, _bed.Hh.RefreshCalls);
        Assert.Equal(seeded, await StoredAsync());
        Assert.Equal(AccountStatus.Connected, (await AccountAsync()).Status);
        Assert.Empty(_bed.Telegram.Messages);
        Assert.True(await _bed.WorksAtHhAsync(seeded));
    }

    [Fact]
    public async Task RefreshAsync_AlreadyRefreshedAndVaultHoldsNewerPair_UsesTheNewerPair()
    {
        // Arrange: another instance spends the refresh token and saves its pair while our request is in flight.
        var seeded = await _bed.SeedAsync();
        var manager = _bed.CreateManager();
        _bed.Time.Advance(FifteenDays);
        var won = (await _bed.CreateTokenClient().RefreshAsync(seeded.RefreshToken, CancellationToken.None)).Tokens!;
        _bed.Hh.Fail("token", () =>
        {
            _bed.FileVault.WriteAsync(won, CancellationToken.None).GetAwaiter().GetResult();
            return TokenError("invalid_grant", "token has already been refreshed");
        });

        // Act
        var current = await manager.GetCurrentAsync(CancellationToken.None);

        // Assert
        Assert.Equal(won, current);
        Assert.Equal(won, await StoredAsync());
        Assert.Equal(1, _bed.Hh.SuccessfulRefreshes);
        Assert.NotEqual(AccountStatus.NeedsReconnect, (await AccountAsync()).Status);
        Assert.Empty(_bed.Telegram.Messages);
    }

    [Fact]
    public async Task RefreshAsync_AlreadyRefreshedAndNoNewerPair_NeedsReconnectWithOneTelegramLink()
    {
        // Arrange: a refresh happened at hh.ru but its answer was lost before it was saved.
        var seeded = await _bed.SeedAsync();
        var manager = _bed.CreateManager();
        _bed.Time.Advance(FifteenDays);
        await _bed.CreateTokenClient().RefreshAsync(seeded.RefreshToken, CancellationToken.None);

        // Act
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => manager.GetCurrentAsync(CancellationToken.None));
        var again = await Assert.ThrowsAsync<TokenUnavailableException>(() => _bed.CreateManager().GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.Equal(TokenProblem.ReconnectRequired, ex.Problem);
        Assert.Equal(TokenProblem.ReconnectRequired, again.Problem);
        Assert.Equal(2, _bed.Hh.RefreshCalls); // the lost one and ours; the second run did not try again
        var account = await AccountAsync();
        Assert.Equal(AccountStatus.NeedsReconnect, account.Status);
        Assert.Equal(seeded.Fingerprint, account.TokenFingerprint);
        var message = Assert.Single(_bed.Telegram.Messages).Text;
        Assert.Contains("reconnect", message, StringComparison.OrdinalIgnoreCase);
        await AssertWorkingSetupLinkAsync(message);
        Assert.Equal(seeded, await StoredAsync());
    }

    [Theory]
    [InlineData("token was revoked")]
    [InlineData("token deactivated")]
    [InlineData("bad token")]
    public async Task RefreshAsync_RefreshTokenDead_NeedsReconnectAndAlertsOnceWithLink(string reason)
    {
        // Arrange
        var seeded = await _bed.SeedAsync();
        _bed.Time.Advance(FifteenDays);
        _bed.Hh.RevokeAll(reason);

        // Act
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => _bed.CreateManager().GetCurrentAsync(CancellationToken.None));
        await Assert.ThrowsAsync<TokenUnavailableException>(() => _bed.CreateManager().GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.Equal(TokenProblem.ReconnectRequired, ex.Problem);
        Assert.True(ex.NeedsOwner);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, _bed.Hh.RefreshCalls);
        Assert.Equal(AccountStatus.NeedsReconnect, (await AccountAsync()).Status);
        await AssertWorkingSetupLinkAsync(Assert.Single(_bed.Telegram.Messages).Text);
        Assert.Equal(seeded, await StoredAsync());
    }

    [Fact]
    public async Task RefreshAsync_RefreshTokenUnknownToHh_NeedsReconnect()
    {
        // Arrange
        await _bed.SeedAsync();
        var stranger = new TokenSet("AT-unknown", "RT-unknown", _bed.Time.GetUtcNow().AddDays(-1), _bed.Time.GetUtcNow().AddDays(-15));
        await _bed.FileVault.WriteAsync(stranger, CancellationToken.None);

        // Act
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => _bed.CreateManager().GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.Equal(TokenProblem.ReconnectRequired, ex.Problem);
        Assert.Contains("token not found", ex.Message, StringComparison.Ordinal);
        Assert.Single(_bed.Telegram.Messages);
    }

    [Fact]
    public async Task WithAccessTokenAsync_ApiSaysTokenRevoked_NeedsReconnectWithoutRefreshing()
    {
        // Arrange
        await _bed.SeedAsync();
        var hh = _bed.CreateHhClient();
        _bed.Hh.RevokeAll();

        // Act
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => _bed.CreateManager().WithAccessTokenAsync((token, ct) => hh.GetMeAsync(token, ct), CancellationToken.None));

        // Assert
        Assert.Equal(TokenProblem.ReconnectRequired, ex.Problem);
        Assert.Equal(0, TokenRequests);
        Assert.Equal(AccountStatus.NeedsReconnect, (await AccountAsync()).Status);
        await AssertWorkingSetupLinkAsync(Assert.Single(_bed.Telegram.Messages).Text);
    }

    [Fact]
    public async Task RefreshAsync_InvalidClient_ConfigurationAlertAndPairKept()
    {
        // Arrange
        var seeded = await _bed.SeedAsync();
        _bed.Time.Advance(FifteenDays);
        _bed.Hh.Fail("token", () => TokenError("invalid_client", "client_id or client_secret not found"));

        // Act
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => _bed.CreateManager().GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.Equal(TokenProblem.Configuration, ex.Problem);
        var message = Assert.Single(_bed.Telegram.Messages).Text;
        Assert.Contains("configuration problem", message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("HeadHunter__ClientSecret", message, StringComparison.Ordinal);
        Assert.Equal(seeded, await StoredAsync());
        Assert.Equal(AccountStatus.Connected, (await AccountAsync()).Status);
    }

    public static TheoryData<string> TransientFaults => ["503-empty", "502-html", "403-html", "connection-reset", "timeout", "200-garbage"];

    [Theory]
    [MemberData(nameof(TransientFaults))]
    public async Task RefreshAsync_TransientFailure_KeepsPairAndRefreshesLater(string fault)
    {
        // Arrange
        var seeded = await _bed.SeedAsync();
        _bed.Time.Advance(FifteenDays);
        switch (fault)
        {
            case "503-empty":
                _bed.Hh.Fail("token", () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
                break;
            case "502-html":
                _bed.Hh.Fail("token", () => FakeHhApi.Html(HttpStatusCode.BadGateway));
                break;
            case "403-html":
                _bed.Hh.Fail("token", () => FakeHhApi.Html(HttpStatusCode.Forbidden));
                break;
            case "connection-reset":
                _bed.Hh.Throw("token", () => new HttpRequestException(HttpRequestError.ConnectionError, "Connection reset by peer"));
                break;
            case "timeout":
                _bed.Hh.Throw("token", () => new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout"));
                break;
            default:
                _bed.Hh.Fail("token", () => FakeHhApi.Json(HttpStatusCode.OK, "{\"access_tok"));
                break;
        }

        // Act
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => _bed.CreateManager().GetCurrentAsync(CancellationToken.None));
        var later = await _bed.CreateManager().GetCurrentAsync(CancellationToken.None);

        // Assert
        Assert.Equal(TokenProblem.Transient, ex.Problem);
        Assert.False(ex.NeedsOwner);
        Assert.Empty(_bed.Telegram.Messages);
        Assert.Equal(AccountStatus.Connected, (await AccountAsync()).Status);
        Assert.NotEqual(seeded.Fingerprint, later.Fingerprint);
        Assert.Equal(1, _bed.Hh.SuccessfulRefreshes);
        Assert.Equal(later, await StoredAsync());
    }

    [Fact]
    public async Task GetCurrentAsync_NothingStored_NotConnected()
    {
        // Act
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => _bed.CreateManager().GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.Equal(TokenProblem.NotConnected, ex.Problem);
        Assert.Equal(0, TokenRequests);
    }

    [Fact]
    public async Task GetCurrentAsync_VaultUnreadableAndNothingHeld_TransientWithoutReconnect()
    {
        // Arrange
        await _bed.SeedAsync();
        _bed.Vault.FailReads = true;

        // Act
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => _bed.CreateManager().GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.Equal(TokenProblem.Transient, ex.Problem);
        Assert.Equal(AccountStatus.Connected, (await AccountAsync()).Status);
        Assert.Empty(_bed.Telegram.Messages);
    }

    [Fact]
    public async Task RefreshAsync_LockHeldByAnotherInstanceForTheWholeWait_RefreshBusyAndPairKept()
    {
        // Arrange
        var seeded = await _bed.SeedAsync();
        _bed.Time.Advance(FifteenDays);
        await using var held = await _bed.Lock.TryAcquireAsync(TokenManager.RefreshLockName, TimeSpan.FromMinutes(5), TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(held);

        // Act
        var ex = await Assert.ThrowsAsync<TokenUnavailableException>(() => _bed.Time.RunAsync(_bed.CreateManager().GetCurrentAsync(CancellationToken.None)));

        // Assert
        Assert.Equal(TokenProblem.RefreshBusy, ex.Problem);
        Assert.Equal(0, TokenRequests);
        Assert.Equal(seeded, await StoredAsync());
    }

    private async Task AssertWorkingSetupLinkAsync(string telegramHtml)
    {
        var match = System.Text.RegularExpressions.Regex.Match(telegramHtml, "href=\"(https://hhfunctions\\.example/api/oauth/link\\?t=[^\"]+)\"");
        Assert.True(match.Success, "the Telegram message has no setup link: " + telegramHtml);
        var link = new Uri(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value));
        var value = Uri.UnescapeDataString(link.Query["?t=".Length..]);
        var consumed = await _bed.State.ConsumeOneTimeTokenAsync(OneTimePurpose.SetupLink, value, _bed.Time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(ConsumeResult.Accepted, consumed);
    }
}
