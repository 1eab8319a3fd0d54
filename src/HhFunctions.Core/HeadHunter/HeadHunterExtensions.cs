using HhFunctions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace HhFunctions.HeadHunter;

public static class HeadHunterExtensions
{
    /// <summary>
    /// hh.ru's clients: the API client (standard resilience, tuned by HeadHunter__AttemptTimeout), the token endpoint's
    /// client (no retries: a refresh token works once), and the one pacer every loop over hh.ru shares.
    /// </summary>
    public static IHostApplicationBuilder AddHeadHunter(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<HhOptions>().BindConfiguration(HhOptions.SectionName).ValidateAttributes<HhOptions, HhOptionsAttributes>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<HhOptions>, HhOptionsValidator>();
        services.TryAddSingleton<HhCallPacer>();
        services.AddHttpClient<HhClient>((sp, client) =>
            {
                var o = sp.GetRequiredService<IOptions<HhOptions>>().Value;
                HhTokenClient.ConfigureHttpClient(client, o);
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
            })
            .RemoveAllLoggers()
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions o, IServiceProvider sp) =>
            {
                var attempt = sp.GetRequiredService<IOptions<HhOptions>>().Value.AttemptTimeout;
                o.AttemptTimeout.Timeout = attempt;
                o.TotalRequestTimeout.Timeout = attempt * 6;
                o.CircuitBreaker.SamplingDuration = attempt * 3;
                o.Retry.MaxRetryAttempts = 3;
                o.Retry.Delay = TimeSpan.FromSeconds(2);
                o.Retry.ShouldRetryAfterHeader = true;
                o.Retry.ShouldHandle = args => HhClient.ShouldRetryAsync(args.Outcome.Result, args.Outcome.Exception, args.Context.CancellationToken);
            });

        // The token endpoint gets no retry: a refresh token works once (see HhTokenClient).
        services.AddHttpClient<HhTokenClient>((sp, client) =>
                HhTokenClient.ConfigureHttpClient(client, sp.GetRequiredService<IOptions<HhOptions>>().Value))
            .RemoveAllLoggers();
        return builder;
    }
}
