using HhFunctions.Telegram;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HhFunctions.Functions;

/// <summary>Telegram's webhook (anonymous; the secret header authenticates it): the logic is in <see cref="TelegramWebhookEndpoint"/>.</summary>
public sealed class TelegramWebhookFunction(TelegramWebhookEndpoint endpoint)
{
    [Function("TelegramWebhook")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = TelegramRoutes.Webhook)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "TelegramWebhook", endpoint.PostAsync);
}
