using System.Security.Cryptography;
using HhFunctions.State;

namespace HhFunctions.Standalone;

/// <summary>
/// Loads the platform's random number source and, for the state files that exist, the serializer's metadata, on a
/// background thread while the host starts, instead of inside the first status page view (which mints a form value
/// and, with hh.ru access set up, a setup link, and stores them). No side effects: nothing is read or written.
/// </summary>
public sealed class StartupWarmUp(IStateStore state) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(
            () =>
            {
                _ = RandomNumberGenerator.GetBytes(32);
                if (state is FileStateStore files)
                {
                    files.WarmUp();
                }
            },
            CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
