using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HhFunctions.Configuration;

/// <summary>A setting that cannot work; the message names the setting and what is wrong (never a secret's value).</summary>
public sealed class InvalidConfigurationException : Exception
{
    public InvalidConfigurationException()
    {
    }

    public InvalidConfigurationException(string message)
        : base(message)
    {
    }

    public InvalidConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Both hosts' outermost frame: invalid configuration ends the process with exit code 2 and one clear message
/// on standard error (the setting and what is wrong), not a stack trace and an abort signal.
/// </summary>
public static class StartupGuard
{
    public const int InvalidConfigurationExitCode = 2;

    public static async Task<int> RunAsync(Func<Task> run, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        error ??= Console.Error;
        try
        {
            await run();
            return 0;
        }
        catch (Exception ex) when (Describe(ex) is { } message)
        {
            await error.WriteLineAsync("HhFunctions cannot start: invalid configuration. " + message);
            return InvalidConfigurationExitCode;
        }
    }

    /// <summary>
    /// Runs <paramref name="host"/> until it stops. A stop asked for while the host is still starting (Ctrl+C, or SIGTERM
    /// from a service manager or a container runtime in the first second) ends the host's start with an
    /// <see cref="OperationCanceledException"/>: that is a stop, not a failure, so it returns as a stop does and the
    /// process exits 0 instead of aborting with an unhandled exception. Any other failure still throws.
    /// </summary>
    public static async Task RunUntilStoppedAsync(IHost host, IHostApplicationLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(lifetime);
        try
        {
            await host.RunAsync();
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopped during the start: the host has already said "Application is shutting down...".
        }
    }

    /// <summary>Runs the options validation the host would run at start (ValidateOnStart), so a failure reaches <see cref="RunAsync"/>.</summary>
    public static void Validate(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.GetService<IStartupValidator>()?.Validate();
    }

    /// <summary>The one-line message for a configuration failure anywhere in <paramref name="ex"/>, or null for other failures.</summary>
    public static string? Describe(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var failures = Flatten(ex)
            .SelectMany(e => e switch
            {
                OptionsValidationException o => o.Failures,
                InvalidConfigurationException c => [c.Message],
                _ when UnconvertibleSetting.Describe(e) is { } unconvertible => [unconvertible],
                _ => [],
            })
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return failures.Count == 0 ? null : string.Join(" ", failures.Select(f => f.TrimEnd('.') + "."));
    }

    private static IEnumerable<Exception> Flatten(Exception ex) =>
        ex is AggregateException agg
            ? agg.InnerExceptions.SelectMany(Flatten)
            : ex.InnerException is null ? [ex] : [ex, .. Flatten(ex.InnerException)];
}
