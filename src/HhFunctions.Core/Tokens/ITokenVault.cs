using HhFunctions.HeadHunter;

namespace HhFunctions.Tokens;

/// <summary>Where the token pair lives: Azure Key Vault, or an encrypted file standalone. One value, never two.</summary>
public interface ITokenVault
{
    /// <summary>A short, human name for messages ("Azure Key Vault", "the local encrypted store").</summary>
    string Description { get; }

    Task<TokenSet?> ReadAsync(CancellationToken ct);

    Task WriteAsync(TokenSet tokens, CancellationToken ct);
}

/// <summary>The vault could not be read or written.</summary>
public sealed class TokenVaultException : Exception
{
    public TokenVaultException()
    {
    }

    public TokenVaultException(string message)
        : base(message)
    {
    }

    public TokenVaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
