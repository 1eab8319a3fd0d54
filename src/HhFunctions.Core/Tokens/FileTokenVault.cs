using System.Security.Cryptography;
using HhFunctions.HeadHunter;
using Microsoft.AspNetCore.DataProtection;

namespace HhFunctions.Tokens;

/// <summary>
/// Standalone token store: one file, encrypted at rest with ASP.NET Core Data Protection (keys under the
/// same data folder), replaced atomically so a crash leaves either the old or the new pair, never half.
/// </summary>
public sealed class FileTokenVault : ITokenVault
{
    private readonly Lazy<IDataProtector> _protector;
    private readonly string _path;

    public FileTokenVault(IDataProtectionProvider protection, string path)
        : this(() => protection, path)
    {
    }

    /// <summary>Data Protection is built on the first read or write, not with the vault (start-up names the vault, nothing more).</summary>
    public FileTokenVault(Func<IDataProtectionProvider> protection, string path)
    {
        ArgumentNullException.ThrowIfNull(protection);
        _protector = new(() => protection().CreateProtector("HhFunctions.Tokens.v1"));
        _path = path;
    }

    public string Description => "the local encrypted store";

    public async Task<TokenSet?> ReadAsync(CancellationToken ct)
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        var cipher = await File.ReadAllTextAsync(_path, ct);
        try
        {
            return TokenSerializer.Deserialize(_protector.Value.Unprotect(cipher), _path);
        }
        catch (CryptographicException ex)
        {
            throw new TokenVaultException($"{_path} cannot be decrypted (were the Data Protection keys under the data folder removed?). Reconnect the account.", ex);
        }
    }

    public async Task WriteAsync(TokenSet tokens, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            var temp = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllTextAsync(temp, _protector.Value.Protect(TokenSerializer.Serialize(tokens)), ct);
            File.Move(temp, _path, overwrite: true);
        }
        catch (IOException ex)
        {
            throw new TokenVaultException($"Could not write {_path}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new TokenVaultException($"Could not write {_path}: access denied.", ex);
        }
    }
}
