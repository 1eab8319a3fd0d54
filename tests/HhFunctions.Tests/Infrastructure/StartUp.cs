using HhFunctions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>Starting the real app with given settings, to see what start-up says about them.</summary>
public static class StartUp
{
    public static IEnumerable<Exception> Flatten(Exception ex) =>
        ex is AggregateException agg
            ? agg.InnerExceptions.SelectMany(Flatten)
            : ex.InnerException is null ? [ex] : [ex, .. Flatten(ex.InnerException)];

    /// <summary>
    /// Builds and starts the real app (Program's composition) with these settings over working defaults, and
    /// returns what start-up threw. Started directly, not through WebApplicationFactory, whose deferred host
    /// can surface a failed start as an ObjectDisposedException instead of the validation error.
    /// </summary>
    public static async Task<Exception> FailsAsync(Dictionary<string, string?> settings) =>
        await TryStartAsync(settings) ?? throw new Xunit.Sdk.XunitException("The app started although the settings are broken.");

    /// <summary>
    /// Composes the real app with these settings over working defaults and runs the start-up validation, as the
    /// standalone Program does before starting; whatever fails is thrown.
    /// </summary>
    public static async Task ValidateAsync(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions { ApplicationName = typeof(Program).Assembly.GetName().Name });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(Defaults(Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N")), settings));
        builder.Logging.ClearProviders();
        HhFunctions.Standalone.StandaloneHost.AddStandaloneHost(builder);
        await using var app = builder.Build();
        HhFunctions.Configuration.StartupGuard.Validate(app.Services);
    }

    /// <summary>Builds, starts and stops the real app as <see cref="FailsAsync"/> does; null when it started.</summary>
    public static async Task<Exception?> TryStartAsync(Dictionary<string, string?> settings)
    {
        var data = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N"));
        var values = Defaults(data, settings);

        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions { ApplicationName = typeof(Program).Assembly.GetName().Name });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.ClearProviders();
        try
        {
            HhFunctions.Standalone.StandaloneHost.AddStandaloneHost(builder);
            await using var app = builder.Build();
            HhFunctions.Configuration.StartupGuard.Validate(app.Services); // as both hosts' Program do before starting
            await app.StartAsync();
            await app.StopAsync();
        }
#pragma warning disable CA1031 // The test is about what start-up throws, whatever it is.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ex;
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }

        return null;
    }

    private static Dictionary<string, string?> Defaults(string data, Dictionary<string, string?> settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Data:Path"] = data,
            ["Bump:StandaloneScheduler"] = "false",
            ["HeadHunter:ClientId"] = "id",
            ["HeadHunter:ClientSecret"] = "secret",
            ["Telegram:BotToken"] = "123456789:AAFakeBotTokenForTestsOnly_abcdefghij",
            ["Telegram:ChatId"] = "42",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return values;
    }
}
