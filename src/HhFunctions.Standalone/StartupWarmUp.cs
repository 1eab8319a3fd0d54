using System.Security.Cryptography;

namespace HhFunctions.Standalone;

/// <summary>
/// Loads the platform's cryptography (OpenSSL on Linux) and the state files' serializer on a background thread while
/// the host starts, instead of inside the first status page view (which mints a one-time setup link and form value
/// and stores them). No side effects: nothing is written.
/// </summary>
public sealed class StartupWarmUp : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(
            () =>
            {
                _ = RandomNumberGenerator.GetBytes(32);
                State.FileStateStore.WarmUp();
            },
            CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
