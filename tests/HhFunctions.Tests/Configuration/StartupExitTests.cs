using System.Diagnostics;
using HhFunctions.Configuration;
using HhFunctions.Functions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Configuration;

/// <summary>
/// Invalid configuration, tried as a new user would: the real standalone process stops with exit code 2 and
/// one clear line naming the setting, no stack trace, no abort; the Functions worker's composition says the same.
/// </summary>
public sealed class StartupExitTests
{
    public static TheoryData<string, string, string> NewUserMistakes => new()
    {
        { "Bump__Schedule", "every 4 hours", "Bump__Schedule 'every 4 hours' is not a six-field NCRONTAB expression" },
        { "HeadHunter__ClientSecret", "", "HeadHunter__ClientId and HeadHunter__ClientSecret must be set together" },
        { "Telegram__ChatId", "", "Telegram__BotToken is set but Telegram__ChatId is not" },
        { "Telegram__WebhookSecret", "has spaces and ümlauts!", "Telegram__WebhookSecret may hold only letters, digits" },
        { "HeadHunter__AttemptTimeout", "banana", "HeadHunter__AttemptTimeout must be a time span like 00:00:30" },
        { "Apply__DailyLimit", "abc", "Apply__DailyLimit must be a whole number" },
        { "Bump__StandaloneScheduler", "yes", "Bump__StandaloneScheduler must be true or false" }, // read while the host is composed
    };

    [Theory]
    [MemberData(nameof(NewUserMistakes))]
    public async Task StandaloneProcess_BadSetting_ExitsWithCode2AndOneClearLine(string setting, string value, string message)
    {
        var data = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "HhFunctions.Standalone.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(), // a folder other than the build folder, as a user would start it
        };
        start.Environment["Data__Path"] = data;
        start.Environment["Bump__StandaloneScheduler"] = "false";
        start.Environment["Telegram__Polling"] = "false";
        start.Environment["HeadHunter__ClientId"] = "id";
        start.Environment["HeadHunter__ClientSecret"] = "secret";
        start.Environment["Telegram__BotToken"] = "123456789:AAFakeBotTokenForTestsOnly_abcdefghij";
        start.Environment["Telegram__ChatId"] = "42";
        start.Environment[setting] = value;

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The app kept running with {setting}='{value}'.");
        }

        var error = (await stderr).Trim();
        var output = await stdout;
        Assert.Equal(StartupGuard.InvalidConfigurationExitCode, process.ExitCode);
        Assert.Single(error.Split('\n'));
        Assert.StartsWith("HhFunctions cannot start: invalid configuration.", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error + output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error + output, StringComparison.Ordinal);
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(NewUserMistakes))]
    public void FunctionsWorker_BadSetting_FailsValidationWithTheSameMessage(string setting, string value, string message)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Data:Path"] = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N")),
            ["HeadHunter:ClientId"] = "id",
            ["HeadHunter:ClientSecret"] = "secret",
            ["Telegram:BotToken"] = "123456789:AAFakeBotTokenForTestsOnly_abcdefghij",
            ["Telegram:ChatId"] = "42",
            [setting.Replace("__", ":", StringComparison.Ordinal)] = value,
        });

        // Composition (some settings are read while the host is composed), then what the host's StartAsync does
        // first, before it connects to the Functions host over gRPC.
        var ex = Assert.ThrowsAny<Exception>(() =>
        {
            builder.AddFunctionsHost();
            using var host = builder.Build();
            host.Services.GetRequiredService<IStartupValidator>().Validate();
        });

        Assert.Contains(message, StartupGuard.Describe(ex), StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionsWorker_NoStorageAccount_NamesAzureWebJobsStorage()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = null });

        var ex = Assert.Throws<InvalidConfigurationException>(() => builder.AddFunctionsHost());

        Assert.Contains("AzureWebJobsStorage is not set", StartupGuard.Describe(ex), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunUntilStopped_StopAskedForWhileTheHostStarts_ReturnsAsAStop()
    {
        // What Ctrl+C or a service manager's SIGTERM in the first second does: the stop comes before the last hosted
        // service has started. The host's start then throws OperationCanceledException; the process must exit 0.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Services.AddHostedService<StopsTheAppWhileStarting>();
        await using var app = builder.Build();

        var lifetime = app.Lifetime; // RunAsync disposes the app's services when it ends

        await StartupGuard.RunUntilStoppedAsync(app, lifetime).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task RunUntilStopped_CancelledWithoutAStop_IsStillAFailure()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Services.AddHostedService<CancelsWithoutAStop>();
        await using var app = builder.Build();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StartupGuard.RunUntilStoppedAsync(app, app.Lifetime).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Guard_OtherFailure_IsNotDisguisedAsConfiguration()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => StartupGuard.RunAsync(() => throw new InvalidOperationException("a bug"), TextWriter.Null));
    }

    private sealed class StopsTheAppWhileStarting(IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.StopApplication();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class CancelsWithoutAStop : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new OperationCanceledException("a timeout of its own");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
