using HhFunctions.HeadHunter;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Tokens;

/// <summary>
/// Last-resort local copy of a pair the vault refused to store (encrypted like the standalone store). Read back
/// and pushed to the vault on the next use, then deleted. Never the primary store.
/// </summary>
public sealed partial class RescueTokenStore(FileTokenVault file, string path, ILogger<RescueTokenStore> logger)
{
    public async Task<bool> TryWriteAsync(TokenSet tokens, CancellationToken ct)
    {
        try
        {
            await file.WriteAsync(tokens, ct);
            return true;
        }
        catch (TokenVaultException ex)
        {
            Log.Failed(logger, ex.Message);
            return false;
        }
    }

    public async Task<TokenSet?> TryReadAsync(CancellationToken ct)
    {
        try
        {
            return await file.ReadAsync(ct);
        }
        catch (TokenVaultException ex)
        {
            Log.Failed(logger, ex.Message);
            return null;
        }
    }

    public Task ClearAsync(CancellationToken ct)
    {
        _ = ct;
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (IOException ex)
        {
            Log.Failed(logger, ex.Message);
        }

        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1191, LogLevel.Warning, "Rescue token file: {Reason}")]
        public static partial void Failed(ILogger logger, string reason);
    }
}
