using HhFunctions.Applying;
using HhFunctions.Bumping;
using HhFunctions.Composition;
using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.Observability;
using HhFunctions.OAuth;
using HhFunctions.OwnDatabase;
using HhFunctions.Recruiting;
using HhFunctions.State;
using HhFunctions.StatusPage;
using HhFunctions.Telegram;
using HhFunctions.Tokens;
using HhFunctions.Vacancies;

namespace HhFunctions;

/// <summary>Which host serves the app's services.</summary>
public enum AppHost
{
    /// <summary>The ASP.NET Core host of HhFunctions.Standalone: own scheduler, long polling, in-process queue.</summary>
    Standalone,

    /// <summary>The Azure Functions isolated worker of HhFunctions.Functions: the host owns triggers and routes.</summary>
    Functions,
}

/// <summary>The running host, for start-up messages.</summary>
public sealed record HostInfo(AppHost Kind);

/// <summary>
/// The app's composition root: the shared parts, then one line per feature folder (docs/architecture.md).
/// Each folder registers itself with its own Add… extension; nothing else is registered here.
/// </summary>
public static class HhFunctionsBuilder
{
    public const int StandalonePort = 7071;

    public static IHostApplicationBuilder AddHhFunctions(this IHostApplicationBuilder builder, AppHost host)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new HostInfo(host));
        builder.Services.AddComposition();

        // Shared parts: configuration, telemetry and health, stores, tokens, hh.ru's clients, the bot.
        builder.AddAppConfiguration()
            .AddObservability(host)
            .AddState()
            .AddTokens()
            .AddHeadHunter()
            .AddTelegram();

        // Features. Their order is the order of the bot's /help (each registers its own commands).
        builder.AddStatusPage()
            .AddBumping()
            .AddVacancies()
            .AddOAuth()
            .AddApplying()
            .AddRecruiting()
            .AddOwnDatabase();
        return builder;
    }
}
