using System.Text.Json;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.Tokens;
using Microsoft.Extensions.Options;
using Moq;

namespace HhFunctions.Tests.Tokens;

/// <summary>The Key Vault store: one secret holds the whole pair as JSON; failures become clear <see cref="TokenVaultException"/>s.</summary>
public sealed class KeyVaultTokenVaultTests
{
    private const string SecretName = "hh-oauth-token";
    private static readonly TokenSet Pair = new(
        "AT-secret-access-value-7c1e",
        "RT-secret-refresh-value-93ab",
        new DateTimeOffset(2026, 3, 16, 8, 0, 30, TimeSpan.Zero),
        new DateTimeOffset(2026, 3, 2, 8, 0, 30, TimeSpan.Zero));

    private readonly Mock<SecretClient> _client = new(MockBehavior.Strict);

    private KeyVaultTokenVault Vault => new(_client.Object, Options.Create(new KeyVaultOptions { TokenSecretName = SecretName }));

    private static Response<KeyVaultSecret> SecretResponse(string value) =>
        Response.FromValue(SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(name: SecretName), value), Mock.Of<Response>());

    private void SetupGet(Func<Task<Response<KeyVaultSecret>>> answer) =>
        _client.Setup(c => c.GetSecretAsync(SecretName, null, null, It.IsAny<CancellationToken>())).Returns(answer);

    private void SetupSet(Func<KeyVaultSecret, Task<Response<KeyVaultSecret>>> answer) =>
        _client.Setup(c => c.SetSecretAsync(It.IsAny<KeyVaultSecret>(), It.IsAny<CancellationToken>())).Returns((KeyVaultSecret s, CancellationToken _) => answer(s));

    [Fact]
    public async Task ReadAsync_SecretHoldsPairJson_ReturnsThePair()
    {
        // Arrange
        SetupGet(() => Task.FromResult(SecretResponse("""{"access_token":"AT-secret-access-value-7c1e","refresh_token":"RT-secret-refresh-value-93ab","expires_at":"2026-03-16T08:00:30+00:00","obtained_at":"2026-03-02T08:00:30+00:00"}""")));

        // Act
        var pair = await Vault.ReadAsync(CancellationToken.None);

        // Assert
        Assert.Equal(Pair, pair);
    }

    [Fact]
    public async Task WriteAsync_Pair_StoresOneSecretWithTheWholePairAsJson()
    {
        // Arrange
        var written = new List<KeyVaultSecret>();
        SetupSet(s =>
        {
            written.Add(s);
            return Task.FromResult(Response.FromValue(s, Mock.Of<Response>()));
        });

        // Act
        await Vault.WriteAsync(Pair, CancellationToken.None);

        // Assert
        var secret = Assert.Single(written);
        Assert.Equal(SecretName, secret.Name);
        Assert.Equal("application/json", secret.Properties.ContentType);
        Assert.Equal("2026-03-16T08:00:30.0000000+00:00", secret.Properties.Tags["expires-at"]);
        using var json = JsonDocument.Parse(secret.Value);
        Assert.Equal(Pair.AccessToken, json.RootElement.GetProperty("access_token").GetString());
        Assert.Equal(Pair.RefreshToken, json.RootElement.GetProperty("refresh_token").GetString());
        Assert.Equal(Pair.ExpiresAt, json.RootElement.GetProperty("expires_at").GetDateTimeOffset());
        Assert.DoesNotContain(secret.Properties.Tags.Values, v => v.Contains("secret-", StringComparison.Ordinal));
        _client.Verify(c => c.SetSecretAsync(It.IsAny<KeyVaultSecret>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task WriteThenRead_SameSecret_RoundTrips()
    {
        // Arrange
        string? stored = null;
        SetupSet(s =>
        {
            stored = s.Value;
            return Task.FromResult(Response.FromValue(s, Mock.Of<Response>()));
        });
        SetupGet(() => Task.FromResult(SecretResponse(stored!)));

        // Act
        await Vault.WriteAsync(Pair, CancellationToken.None);
        var read = await Vault.ReadAsync(CancellationToken.None);

        // Assert
        Assert.Equal(Pair, read);
    }

    [Fact]
    public async Task ReadAsync_SecretNotFound404_ReturnsNull()
    {
        // Arrange
        SetupGet(() => throw new RequestFailedException(404, "A secret with (name/id) hh-oauth-token was not found in this key vault.", "SecretNotFound", null));

        // Act
        var pair = await Vault.ReadAsync(CancellationToken.None);

        // Assert
        Assert.Null(pair);
    }

    [Fact]
    public async Task ReadAsync_Forbidden403_ThrowsClearVaultExceptionNamingTheRole()
    {
        // Arrange
        SetupGet(() => throw new RequestFailedException(403, "Caller is not authorized to perform action on resource.", "Forbidden", null));

        // Act
        var ex = await Assert.ThrowsAsync<TokenVaultException>(() => Vault.ReadAsync(CancellationToken.None));

        // Assert
        Assert.Contains("HTTP 403", ex.Message, StringComparison.Ordinal);
        Assert.Contains(SecretName, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Key Vault Secrets Officer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Forbidden403_ThrowsVaultExceptionWithoutTheValue()
    {
        // Arrange
        SetupSet(_ => throw new RequestFailedException(403, "Caller is not authorized to perform action on resource.", "Forbidden", null));

        // Act
        var ex = await Assert.ThrowsAsync<TokenVaultException>(() => Vault.WriteAsync(Pair, CancellationToken.None));

        // Assert
        Assert.Contains("HTTP 403", ex.Message, StringComparison.Ordinal);
        Assert.Contains(SecretName, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Pair.AccessToken, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Pair.RefreshToken, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json: RT-secret-refresh-value-93ab")]
    [InlineData("""{"access_token":"AT-secret-access-value-7c1e"}""")]
    [InlineData("""{"access_token":"AT-secret-access-value-7c1e","refresh_token":""")]
    public async Task ReadAsync_SecretValueUnusable_ThrowsWithoutTheValue(string value)
    {
        // Arrange
        SetupGet(() => Task.FromResult(SecretResponse(value)));

        // Act
        var ex = await Assert.ThrowsAsync<TokenVaultException>(() => Vault.ReadAsync(CancellationToken.None));

        // Assert
        Assert.Contains(SecretName, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-", ex.Message.Replace("Key Vault secret", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("AT-", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RT-", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> VaultUnreachable => ["credential", "credential-unavailable", "timeout", "network"];

    private static Exception Unreachable(string kind) => kind switch
    {
        "credential" => new AuthenticationFailedException("ManagedIdentityCredential authentication failed: token endpoint returned 500."),
        "credential-unavailable" => new CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token from the included credentials."),
        "timeout" => new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:01:40."),
        _ => new RequestFailedException("Name or service not known (my-vault.vault.azure.net:443)"),
    };

    [Theory]
    [MemberData(nameof(VaultUnreachable))]
    public async Task WriteAsync_VaultUnreachable_ThrowsVaultExceptionSoThePairIsRescued(string kind)
    {
        // Arrange
        SetupSet(_ => throw Unreachable(kind));

        // Act
        var ex = await Assert.ThrowsAsync<TokenVaultException>(() => Vault.WriteAsync(Pair, CancellationToken.None));

        // Assert
        Assert.Contains(SecretName, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Pair.RefreshToken, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(VaultUnreachable))]
    public async Task ReadAsync_VaultUnreachable_ThrowsVaultException(string kind)
    {
        // Arrange
        SetupGet(() => throw Unreachable(kind));

        // Act
        var ex = await Assert.ThrowsAsync<TokenVaultException>(() => Vault.ReadAsync(CancellationToken.None));

        // Assert
        Assert.Contains(SecretName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_CallerCancelled_StaysCancellation()
    {
        // Arrange
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        SetupGet(() => throw new TaskCanceledException("cancelled", null, cts.Token));

        // Act + Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Vault.ReadAsync(cts.Token));
    }
}
