using HhFunctions.Configuration;
using HhFunctions.Telegram;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Bumping;

public static class BumpingExtensions
{
    /// <summary>Raising the resumes: the scheduled run, on-demand runs and the due-time queue (docs/schedule.md).</summary>
    public static IHostApplicationBuilder AddBumping(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<BumpOptions>().BindConfiguration(BumpOptions.SectionName).ValidateAttributes<BumpOptions, BumpOptionsAttributes>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BumpOptions>, BumpOptionsValidator>();
        services.AddTransient<RunReporter>();
        services.AddTransient<BumpResumesJob>();
        services.TryAddSingleton<IResumeDueMessages, NoResumeDueMessages>(); // each host adds its queue (Bump__DueQueue)
        services.AddTransient<ResumeDuePlanner>();
        services.AddTransient<BumpRequestHandler>();

        // The bot's /bump, /pause and /resume (in /help's order).
        services.AddTransient<BumpCommands>();
        services.AddBotCommand<BumpCommands>("bump", string.Empty, "raise the resumes now (within hh.ru's limits)", (c, _, ct) => c.BumpAsync(ct));
        services.AddBotCommand<BumpCommands>("pause", string.Empty, "stop raising and vacancy watching until /resume", async (c, _, ct) => await c.SetPausedAsync(paused: true, ct));
        services.AddBotCommand<BumpCommands>("resume", string.Empty, "raise and watch again on schedule", async (c, _, ct) => await c.SetPausedAsync(paused: false, ct));
        return builder;
    }
}
