using System.Security.Cryptography;
using HhFunctions.HeadHunter;
using Microsoft.AspNetCore.DataProtection;

namespace HhFunctions.Tokens;

/// <summary>
/// Standalone token store: one file, encrypted at rest with ASP.NET Core Data Protection (keys under the
/// same data folder), replaced atomically so a crash leaves either the old or the new pair, never half.
/// </summary>
public sealed class FileTokenVault(IDataProtectionProvider protection, string path) : ITokenVault
{
    private readonly IDataProtector _protector = protection.CreateProtector("HhFunctions.Tokens.v1");

    public string Description => "the local encrypted store";

    public async Task<TokenSet?> ReadAsync(CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var cipher = await File.ReadAllTextAsync(path, ct);
        try
        {
            return TokenSerializer.Deserialize(_protector.Unprotect(cipher), path);
        }
        catch (CryptographicException ex)
        {
            throw new TokenVaultException($"{path} cannot be decrypted (were the Data Protection keys under the data folder removed?). Reconnect the account.", ex);
        }
    }

    public async Task WriteAsync(TokenSet tokens, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllTextAsync(temp, _protector.Protect(TokenSerializer.Serialize(tokens)), ct);
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
