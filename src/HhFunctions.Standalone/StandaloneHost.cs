using HhFunctions.Configuration;
using HhFunctions.Bumping;
using HhFunctions.Queues;
using HhFunctions.Telegram;
using HhFunctions.Vacancies;
using HhFunctions.Web;
using HhFunctions.Applying;
using HhFunctions.OAuth;
using HhFunctions.Observability;
using HhFunctions.Recruiting;
using HhFunctions.StatusPage;
using HhFunctions.Composition;

namespace HhFunctions.Standalone;

/// <summary>
/// The standalone host's composition: HhFunctions.Core's services, the routes the Functions host would own
/// (same names, same "/api/..." paths), and what the Functions platform would otherwise provide: a scheduler,
/// Telegram long polling and an in-process queue. Listens on localhost only unless --urls / ASPNETCORE_URLS say otherwise.
/// </summary>
public static class StandaloneHost
{
    public static WebApplicationBuilder AddStandaloneHost(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddHhFunctions(AppHost.Standalone);
        builder.Services.Configure<HostOptions>(o =>
        {
            // The background services are independent: start (and stop) them side by side.
            o.ServicesStartConcurrently = true;
            o.ServicesStopConcurrently = true;
        });
        QuietLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = HttpEndpoints.MaxBodyBytes;
            k.Limits.MaxRequestLineSize = 16 * 1024;
        });
        var urls = builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"];
        if (urls?.Contains("https://", StringComparison.OrdinalIgnoreCase) == true)
        {
            builder.WebHost.UseKestrelHttpsConfiguration(); // the slim builder leaves HTTPS out unless asked for
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            // Localhost only, so the unauthenticated setup and status pages are not exposed.
            builder.WebHost.UseUrls($"http://localhost:{HhFunctionsBuilder.StandalonePort}");
        }

        builder.Services.AddHostedService<StartupWarmUp>();
        if (JitProfile.Current.IsRecording)
        {
            // The start-up JIT profile Program began: its recording also ends after a minute, or at shutdown.
            builder.Services.AddSingleton(JitProfile.Current);
            builder.Services.AddHostedService<JitProfileLimit>();
        }

        builder.Services.AddSingleton<ILocalAddress, StandaloneAddress>(); // links use the port the host listens on
        builder.Services.AddInProcessQueues();

        builder.Services.AddHostedService<StandaloneSchedules>();

        // Bot commands arrive by long polling (in Azure, Telegram calls the TelegramWebhook function).
        var telegram = builder.Settings(TelegramOptions.SectionName, s => s.Get<TelegramOptions>());
        if (telegram.Polling && telegram.IsConfigured)
        {
            builder.Services.AddHttpClient(TelegramPolling.HttpClientName).RemoveAllLoggers();
            builder.Services.AddHostedService<TelegramPolling>();
        }

        return builder;
    }

    /// <summary>
    /// Request URLs carry OAuth codes, states and setup-link values: ASP.NET Core's request logging stays at
    /// Warning in code, whatever the working directory (appsettings.json may not be found) or log settings.
    /// </summary>
    public static void QuietLogging(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddFilter("Polly", LogLevel.Warning);
    }

    /// <summary>Every feature's endpoints on one "/api" group, and "/" sent to the status page.</summary>
    public static IEndpointRouteBuilder MapStandaloneRoutes(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/" + Routes.Prefix);
        api.MapOAuthEndpoints();
        api.MapStatusPageEndpoints();
        api.MapTelegramEndpoints();
        api.MapVacanciesEndpoints();
        api.MapApplyingEndpoints();
        api.MapRecruitingEndpoints();
        api.MapObservabilityEndpoints();
        app.MapGet("/", Redirect("/" + Routes.Prefix + "/" + StatusRoutes.Status));
        return app;
    }

    private static RequestDelegate Redirect(string location) => context =>
    {
        context.Response.Redirect(location);
        return Task.CompletedTask;
    };
}
