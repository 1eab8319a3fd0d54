using HhFunctions.HeadHunter;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Tokens;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Configuration;

/// <summary>Says once, at start, how the app is set up and what is missing. Names settings, never values of secrets.</summary>
public sealed partial class StartupReport(
    HostInfo host,
    IOptions<HhOptions> hh,
    IOptions<TelegramOptions> telegram,
    IStateStore state,
    ITokenVault vault,
    PublicUrls urls,
    DataFolder data,
    ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var mode = host.Kind == AppHost.Functions ? "Azure Functions isolated worker" : "standalone";
        Log.Mode(logger, mode, state.GetType().Name, vault.Description, urls.BaseUrl.AbsoluteUri);
        Log.Data(logger, data.Path);
        if (!hh.Value.HasCredentials)
        {
            Log.NoHhCredentials(logger);
        }

        if (!telegram.Value.IsConfigured)
        {
            Log.NoTelegram(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(7601, LogLevel.Information, "HhFunctions running as {Mode}; state in {StateStore}; tokens in {Vault}; public address {BaseUrl}.")]
        public static partial void Mode(ILogger logger, string mode, string stateStore, string vault, string baseUrl);

        [LoggerMessage(7604, LogLevel.Information, "Data folder (Data__Path): {DataFolder}")]
        public static partial void Data(ILogger logger, string dataFolder);

        [LoggerMessage(7602, LogLevel.Warning, "HeadHunter__ClientId / HeadHunter__ClientSecret are not set: the app runs, but connecting an hh.ru account needs them.")]
        public static partial void NoHhCredentials(ILogger logger);

        [LoggerMessage(7603, LogLevel.Information, "Telegram__BotToken / Telegram__ChatId are not set: reports are only logged.")]
        public static partial void NoTelegram(ILogger logger);
    }
}
