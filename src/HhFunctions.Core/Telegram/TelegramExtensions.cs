using Microsoft.AspNetCore.Routing;
using HhFunctions.Web;
using HhFunctions.Configuration;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace HhFunctions.Telegram;

public static class TelegramExtensions
{
    /// <summary>The bot: its client, the notifier every feature reports through, the command dispatcher (the features register its commands: BotCommandRegistry) and its webhook.</summary>
    public static IHostApplicationBuilder AddTelegram(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.SectionName).ValidateAttributes<TelegramOptions, TelegramOptionsAttributes>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();

        // Telegram puts the bot token in the URL path: this client must never log its requests.
        services.AddHttpClient("telegram")
            .RemoveAllLoggers()
            .AddTypedClient<ITelegramBotClient>((http, sp) =>
            {
                var o = sp.GetRequiredService<IOptions<TelegramOptions>>().Value;
                return new TelegramBotClient(new TelegramBotClientOptions(o.BotToken ?? "0:unset", o.ApiBaseUrl.AbsoluteUri.TrimEnd('/')), http);
            })
            .AddStandardResilienceHandler(o =>
            {
                o.Retry.MaxRetryAttempts = 2;
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
            });
        services.AddSingleton<ITelegramNotifier, TelegramNotifier>();
        services.AddSingleton<BotCommands>();
        services.AddTransient<OwnerNotices>();
        services.AddTransient<TelegramWebhookEndpoint>();
        return builder;
    }

    /// <summary>POST telegram/webhook on the standalone host's "/api" group (standalone mostly long-polls instead).</summary>
    public static IEndpointRouteBuilder MapTelegramEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<TelegramWebhookEndpoint>("TelegramWebhook", TelegramRoutes.Webhook, ["POST"], (e, r, ct) => e.PostAsync(r, ct));
        return api;
    }
}

/// <summary>The bot's webhook route (without the host's "api/" prefix), read by both hosts.</summary>
public static class TelegramRoutes
{
    public const string Webhook = "telegram/webhook";
}
