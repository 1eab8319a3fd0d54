using System.Security.Cryptography;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using HhFunctions.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tokens;

/// <summary>
/// Standalone: the application token in its own file beside the user's pair (secrets/hh-app-token.bin), encrypted
/// with the same Data Protection keys, replaced atomically.
/// </summary>
public sealed class FileAppTokenVault(Func<IDataProtectionProvider> protection, string path) : IAppTokenVault
{
    private readonly Lazy<IDataProtector> _protector = new(() => protection().CreateProtector("HhFunctions.Tokens.App.v1"));

    public string Description => "the local encrypted store";

    public async Task<AppToken?> ReadAsync(CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return AppToken.Deserialize(_protector.Value.Unprotect(await File.ReadAllTextAsync(path, ct)), path);
        }
        catch (CryptographicException ex)
        {
            throw new TokenVaultException($"{path} cannot be decrypted (were the Data Protection keys under the data folder removed?); the application token is asked for again.", ex);
        }
        catch (IOException ex)
        {
            throw new TokenVaultException($"Could not read {path}: {ex.Message}", ex);
        }
    }

    public async Task WriteAsync(AppToken token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllTextAsync(temp, _protector.Value.Protect(AppToken.Serialize(token)), ct);
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException ex)
        {
            throw new TokenVaultException($"Could not write {path}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new TokenVaultException($"Could not write {path}: access denied.", ex);
        }
    }
}

/// <summary>
/// In Azure: the application token as one Key Vault secret beside the pair's, named "{KeyVault__TokenSecretName}-app"
/// (hh-oauth-token-app). Runtime state, not configuration: the Key Vault configuration source skips it.
/// </summary>
public sealed class KeyVaultAppTokenVault(SecretClient client, IOptions<KeyVaultOptions> options) : IAppTokenVault
{
    private readonly string _name = SecretName(options.Value.TokenSecretName);

    /// <summary>The application token's secret name for a given pair secret name.</summary>
    public static string SecretName(string pairSecretName) => pairSecretName + "-app";

    public string Description => "Azure Key Vault";

    public async Task<AppToken?> ReadAsync(CancellationToken ct)
    {
        try
        {
            var secret = await client.GetSecretAsync(_name, cancellationToken: ct);
            return AppToken.Deserialize(secret.Value.Value, $"Key Vault secret '{_name}'");
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

    public async Task WriteAsync(AppToken token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        var secret = new KeyVaultSecret(_name, AppToken.Serialize(token)) { Properties = { ContentType = "application/json" } };
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
