using HhFunctions.Scheduling;
using HhFunctions.Configuration;
using HhFunctions.Queues;
using HhFunctions.Telegram;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using HhFunctions.Composition;

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
        services.AddTransient<ResumeDuePlanner>();
        services.AddTransient<BumpRequestHandler>();
        services.AddQueue<BumpRequest, BumpRequestHandler>();
        services.AddQueue<ResumeDueMessage, ResumeDueQueueHandler>();
        services.TryAddSingleton<IResumeDueMessages, ResumeDueMessages>();
        services.AddTransient<Observability.IHealthProbe, BumpHealthProbe>();

        // Standalone: the host runs the schedule itself (in Azure, the BumpResumes timer function does).
        if (builder.Settings(BumpOptions.SectionName, s => s.Get<BumpOptions>()).StandaloneScheduler)
        {
            services.AddStandaloneSchedule<BumpResumesJob, BumpOptions>("Standalone scheduler", firstEventId: 5001, o => o.Schedule, async (job, ct) =>
            {
                var run = await job.RunAsync("schedule", ct);
                return $"{run.Status}: {run.Summary}";
            });
        }


        // The bot's /bump, /pause and /resume (in /help's order).
        services.AddTransient<BumpCommands>();
        services.AddBotCommand<BumpCommands>("bump", string.Empty, "raise the resumes now (within hh.ru's limits)", (c, _, ct) => c.BumpAsync(ct));
        services.AddBotCommand<BumpCommands>("pause", string.Empty, "stop raising and vacancy watching until /resume", async (c, _, ct) => await c.SetPausedAsync(paused: true, ct));
        services.AddBotCommand<BumpCommands>("resume", string.Empty, "raise and watch again on schedule", async (c, _, ct) => await c.SetPausedAsync(paused: false, ct));
        return builder;
    }
}
