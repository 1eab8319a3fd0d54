using HhFunctions.Configuration;
using HhFunctions.Queues;
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
        services.AddTransient<ResumeDuePlanner>();
        services.AddTransient<BumpRequestHandler>();
        services.AddQueue<BumpRequest, BumpRequestHandler>();
        services.AddQueue<ResumeDueMessage, ResumeDueQueueHandler>();
        services.TryAddSingleton<IResumeDueMessages, ResumeDueMessages>();
        return builder;
    }
}
