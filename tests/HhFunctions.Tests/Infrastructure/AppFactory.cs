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

    public AppFactory()
        : this(null)
    {
    }

    private AppFactory(IDictionary<string, string?>? settings)
    {
        DataPath = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N"));
        Time = FakeClock.Create();
        Hh = new FakeHhApi(Time);
        Telegram = new FakeTelegramApi();
        _settings = new Dictionary<string, string?>
        {
            ["Data:Path"] = DataPath,
            ["Bump:StandaloneScheduler"] = "false",
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

    public string DataPath { get; }

    public FakeTimeProvider Time { get; }

    public FakeHhApi Hh { get; }

    public FakeTelegramApi Telegram { get; }

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public Uri RedirectUri { get; } = new("https://hhfunctions.example/api/oauth/callback");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<IHttpMessageHandlerBuilderFilter>(new FakeNetworkFilter(new FakeNetwork(Hh, Telegram)));
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Replaces every HttpClient's primary handler with the fake network.</summary>
    private sealed class FakeNetworkFilter(FakeNetwork network) : IHttpMessageHandlerBuilderFilter
    {
        public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
        {
            next(builder);
            builder.PrimaryHandler = new Forwarder(network);
        };
    }

    /// <summary>The handler pipeline disposes its primary handler; the shared fake must outlive it.</summary>
    private sealed class Forwarder(FakeNetwork network) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _invoker = new(network, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _invoker.SendAsync(request, cancellationToken);
    }
}
