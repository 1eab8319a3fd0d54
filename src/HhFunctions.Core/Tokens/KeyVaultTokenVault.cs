using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tokens;

/// <summary>The token pair as ONE Key Vault secret (JSON: access token, refresh token, expiry). Each write is a new version.</summary>
public sealed class KeyVaultTokenVault(SecretClient client, IOptions<KeyVaultOptions> options) : ITokenVault
{
    private readonly string _name = options.Value.TokenSecretName;

    public string Description => "Azure Key Vault";

    public async Task<TokenSet?> ReadAsync(CancellationToken ct)
    {
        try
        {
            var secret = await client.GetSecretAsync(_name, cancellationToken: ct);
            return TokenSerializer.Deserialize(secret.Value.Value, $"Key Vault secret '{_name}'");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            throw new TokenVaultException($"Key Vault refused to read secret '{_name}' (HTTP {ex.Status}, {ex.ErrorCode}). Check the app's 'Key Vault Secrets Officer' role.", ex);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new TokenVaultException($"Key Vault secret '{_name}' cannot be read: the app could not get an Azure credential ({ex.GetType().Name}). Check the managed identity.", ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new TokenVaultException($"Key Vault did not answer in time when reading secret '{_name}'.", ex);
        }
    }

    public async Task WriteAsync(TokenSet tokens, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var secret = new KeyVaultSecret(_name, TokenSerializer.Serialize(tokens))
        {
            Properties =
            {
                ContentType = "application/json",
                Tags = { ["expires-at"] = tokens.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) },
            },
        };
        try
        {
            await client.SetSecretAsync(secret, ct);
        }
        catch (RequestFailedException ex)
        {
            throw new TokenVaultException($"Key Vault refused to write secret '{_name}' (HTTP {ex.Status}, {ex.ErrorCode}).", ex);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new TokenVaultException($"Key Vault secret '{_name}' cannot be written: the app could not get an Azure credential ({ex.GetType().Name}). Check the managed identity.", ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new TokenVaultException($"Key Vault did not answer in time when writing secret '{_name}'.", ex);
        }
    }
}
