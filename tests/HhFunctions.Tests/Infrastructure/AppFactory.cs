using HhFunctions.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>
/// The whole app in-process: fake hh.ru and Telegram behind every HttpClient, FakeTimeProvider, a fresh data
/// folder, no standalone scheduler and no Telegram long polling. Settings can be overridden per test.
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsData;
    private Action<IServiceCollection>? _services;

    public AppFactory()
        : this(null)
    {
    }

    private AppFactory(IDictionary<string, string?>? settings, AppFactory? sibling = null)
    {
        _ownsData = sibling is null;
        DataPath = sibling?.DataPath ?? Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N"));
        Time = sibling?.Time ?? FakeClock.Create();
        Hh = sibling?.Hh ?? new FakeHhApi(Time);
        Telegram = sibling?.Telegram ?? new FakeTelegramApi();
        Chat = sibling?.Chat ?? new FakeChatApi();
        Bitrix24 = sibling?.Bitrix24 ?? new FakeBitrix24Portal(Time);
        _services = sibling?._services;
        _settings = new Dictionary<string, string?>
        {
            ["Data:Path"] = DataPath,
            ["Bump:StandaloneScheduler"] = "false",
            ["Bump:DueQueue"] = "false", // tests of the due-time queue switch it on
            ["Search:StandaloneScheduler"] = "false",
            ["HeadHunter:ClientId"] = FakeHhApi.ClientId,
            ["HeadHunter:ClientSecret"] = FakeHhApi.ClientSecret,
            ["HeadHunter:UserAgent"] = "HhFunctionsTests/1.0 (tests@example.com)",
            ["Telegram:BotToken"] = FakeTelegramApi.BotToken,
            ["Telegram:ChatId"] = FakeTelegramApi.ChatId,
            ["Telegram:WebhookSecret"] = FakeTelegramApi.WebhookSecret,
            ["Telegram:Polling"] = "false",
            ["App:PublicBaseUrl"] = "https://hhfunctions.example",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    /// <summary>An app with some settings overridden (null removes a default).</summary>
    public static AppFactory With(IDictionary<string, string?> settings) => new(settings);

    /// <summary>
    /// A second app instance sharing this one's data folder, clock, fake hh.ru and fake Telegram (another
    /// Functions instance, or the same one after a restart), with its own settings and services.
    /// </summary>
    public AppFactory Sibling(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var merged = new Dictionary<string, string?>(_settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        var sibling = new AppFactory(merged, this);
        sibling._services = services;
        return sibling;
    }

    /// <summary>Extra service registrations applied after the app's own (decorators, failing fakes).</summary>
    public AppFactory WithServices(Action<IServiceCollection> services)
    {
        _services = services;
        return this;
    }

    public string DataPath { get; }

    public FakeTimeProvider Time { get; }

    public FakeHhApi Hh { get; }

    public FakeTelegramApi Telegram { get; }

    public FakeChatApi Chat { get; }

    /// <summary>The Bitrix24 portal; the app calls it only when Bitrix24:WebhookUrl is set to <see cref="FakeBitrix24Portal.WebhookUrl"/>.</summary>
    public FakeBitrix24Portal Bitrix24 { get; }

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public Uri RedirectUri { get; } = new("https://hhfunctions.example/api/oauth/callback");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.ClearProviders().AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<IHttpMessageHandlerBuilderFilter>(new FakeNetworkFilter(new FakeNetwork(Hh, Telegram) { Chat = Chat, Bitrix24 = Bitrix24 }));
            _services?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!_ownsData)
        {
            return;
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
