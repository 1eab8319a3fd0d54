using HhFunctions.Bumping;
using HhFunctions.Queues;
using HhFunctions.Telegram;
using HhFunctions.Vacancies;
using HhFunctions.Web;
using HhFunctions.Applying;
using HhFunctions.OAuth;
using HhFunctions.StatusPage;

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
        builder.Services.AddInProcessQueues();

        var bump = builder.Configuration.GetSection(BumpOptions.SectionName).Get<BumpOptions>() ?? new BumpOptions();
        if (bump.StandaloneScheduler)
        {
            builder.Services.AddHostedService<StandaloneScheduler>();
            builder.Services.AddHostedService<TrackScheduler>();
        }

        var search = builder.Configuration.GetSection(SearchOptions.SectionName).Get<SearchOptions>() ?? new SearchOptions();
        if (search.StandaloneScheduler && search.HasSources)
        {
            builder.Services.AddHostedService<VacancyWatchScheduler>();
        }

        // Bot commands arrive by long polling (in Azure, Telegram calls the TelegramWebhook function).
        var telegram = builder.Configuration.GetSection(TelegramOptions.SectionName).Get<TelegramOptions>() ?? new TelegramOptions();
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

    public static IEndpointRouteBuilder MapStandaloneRoutes(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        Map<OAuthEndpoints>(app, "OAuthStart", Routes.OAuthStart, ["GET"], (e, r, ct) => e.StartAsync(r, ct));
        Map<OAuthEndpoints>(app, "OAuthLink", Routes.OAuthLink, ["GET"], (e, r, ct) => e.LinkAsync(r, ct));
        Map<OAuthEndpoints>(app, "OAuthCallback", Routes.OAuthCallback, ["GET"], (e, r, ct) => e.CallbackAsync(r, ct));
        Map<StatusEndpoint>(app, "Status", Routes.Status, ["GET"], (e, r, ct) => e.GetAsync(r, ct));
        Map<StatusEndpoint>(app, "StatusPost", Routes.Status, ["POST"], (e, r, ct) => e.PostAsync(r, ct));
        Map<VacanciesEndpoints>(app, "Vacancies", Routes.Vacancies, ["GET"], (e, r, ct) => e.PageAsync(r, ct));
        Map<VacanciesEndpoints>(app, "VacanciesCsv", Routes.VacanciesCsv, ["GET"], (e, r, ct) => e.CsvAsync(r, ct));
        Map<VacanciesEndpoints>(app, "VacanciesJson", Routes.VacanciesJson, ["GET"], (e, r, ct) => e.JsonAsync(r, ct));
        Map<TelegramWebhookEndpoint>(app, "TelegramWebhook", Routes.TelegramWebhook, ["POST"], (e, r, ct) => e.PostAsync(r, ct));
        Map<ApplicationsEndpoint>(app, "Applications", Routes.Applications, ["GET"], (e, r, ct) => e.GetAsync(r, ct));
        Map<ApplicationsEndpoint>(app, "ApplicationsCsv", Routes.ApplicationsCsv, ["GET"], (e, r, ct) => e.ExportAsync(r, ct));
        Map<ApplicationsEndpoint>(app, "ApplicationsJson", Routes.ApplicationsJson, ["GET"], (e, r, ct) => e.ExportAsync(r, ct));
        app.MapGet("/", Redirect("/" + Routes.Prefix + "/" + Routes.Status));
        return app;
    }

    // Plain RequestDelegates, not minimal-API handlers: the latter are compiled from expression trees and bring
    // ASP.NET's form-binding setup on the first request: a large part of the start-up gap to a bare app (tests/startup-bench.sh).
    private static void Map<T>(IEndpointRouteBuilder app, string name, string route, string[] methods, Func<T, HttpRequest, CancellationToken, Task<IResult>> handle)
        where T : notnull =>
        app.MapMethods("/" + Routes.Prefix + "/" + route, methods, context => RespondAsync(context, name, handle)).WithName(name);

    private static async Task RespondAsync<T>(HttpContext context, string name, Func<T, HttpRequest, CancellationToken, Task<IResult>> handle)
        where T : notnull
    {
        var result = await HttpEndpoints.RunAsync(context.Request, name, (r, ct) => handle(r.HttpContext.RequestServices.GetRequiredService<T>(), r, ct));
        await result.ExecuteAsync(context);
    }

    private static RequestDelegate Redirect(string location) => context =>
    {
        context.Response.Redirect(location);
        return Task.CompletedTask;
    };
}
