using HhFunctions.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using HhFunctions.Applying;
using HhFunctions.Telegram;
using HhFunctions.Vacancies;
using HhFunctions.OAuth;
using HhFunctions.StatusPage;

namespace HhFunctions.Functions;

/// <summary>OAuth set-up: the logic is in <see cref="OAuthEndpoints"/>.</summary>
public sealed class OAuthFunctions(OAuthEndpoints endpoints)
{
    [Function("OAuthStart")]
    public Task<IActionResult> Start([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.OAuthStart)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "OAuthStart", endpoints.StartAsync);

    [Function("OAuthLink")]
    public Task<IActionResult> Link([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OAuthLink)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "OAuthLink", endpoints.LinkAsync);

    [Function("OAuthCallback")]
    public Task<IActionResult> Callback([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OAuthCallback)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "OAuthCallback", endpoints.CallbackAsync);
}

/// <summary>The status page and its forms: the logic is in <see cref="StatusEndpoint"/>.</summary>
public sealed class StatusFunction(StatusEndpoint endpoint)
{
    [Function("Status")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = Routes.Status)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "Status", HttpMethods.IsPost(req.Method) ? endpoint.PostAsync : endpoint.GetAsync);
}

/// <summary>Telegram's webhook (anonymous; the secret header authenticates it): the logic is in <see cref="TelegramWebhookEndpoint"/>.</summary>
public sealed class TelegramWebhookFunction(TelegramWebhookEndpoint endpoint)
{
    [Function("TelegramWebhook")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.TelegramWebhook)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "TelegramWebhook", endpoint.PostAsync);
}

/// <summary>The Vacancies page and its exports: the logic is in <see cref="VacanciesEndpoints"/>.</summary>
public sealed class VacanciesFunctions(VacanciesEndpoints endpoints)
{
    [Function("Vacancies")]
    public Task<IActionResult> Page([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Vacancies)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "Vacancies", endpoints.PageAsync);

    [Function("VacanciesCsv")]
    public Task<IActionResult> Csv([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.VacanciesCsv)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "VacanciesCsv", endpoints.CsvAsync);

    [Function("VacanciesJson")]
    public Task<IActionResult> Json([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.VacanciesJson)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "VacanciesJson", endpoints.JsonAsync);
}

/// <summary>The applications funnel and its exports: the logic is in <see cref="ApplicationsEndpoint"/>.</summary>
public sealed class ApplicationsFunction(ApplicationsEndpoint endpoint)
{
    [Function("Applications")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Applications)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "Applications", endpoint.GetAsync);

    [Function("ApplicationsCsv")]
    public Task<IActionResult> Csv([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.ApplicationsCsv)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "ApplicationsCsv", endpoint.ExportAsync);

    [Function("ApplicationsJson")]
    public Task<IActionResult> Json([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.ApplicationsJson)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "ApplicationsJson", endpoint.ExportAsync);
}
