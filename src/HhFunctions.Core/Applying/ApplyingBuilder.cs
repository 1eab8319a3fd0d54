using Azure.Data.Tables;
using Cronos;
using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.Telegram;
using HhFunctions.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Applying;

/// <summary>Registers applying and tracking (docs/applying.md) on either host.</summary>
public static class ApplyingBuilder
{
    public static IHostApplicationBuilder AddApplying(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ApplyOptions>().BindConfiguration(ApplyOptions.SectionName).ValidateAttributes<ApplyOptions, ApplyOptionsAttributes>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApplyOptions>, ApplyOptionsValidator>();

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.UsesAzure)
        {
            services.TryAddSingleton<IApplicationStore>(sp => new TableApplicationStore(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<IOptions<StorageOptions>>()));
        }
        else
        {
            services.TryAddSingleton<IApplicationStore, FileApplicationStore>();
        }

        // POST /negotiations is not idempotent: no retry pipeline, no redirects followed (303 = apply elsewhere).
        services.AddHttpClient<HhApplyClient>((sp, client) =>
                HhTokenClient.ConfigureHttpClient(client, sp.GetRequiredService<IOptions<HhOptions>>().Value))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers();

        // The optional letter generator's endpoint: no request logging (the Authorization header carries the key).
        services.AddHttpClient(CoverLetters.LlmHttpClient).RemoveAllLoggers();

        services.AddTransient<CoverLetters>();
        services.AddTransient<IApplyPrompts, ApplyPrompts>();
        services.AddTransient<ApplyService>();
        services.AddTransient<ApplyCommands>();
        services.AddTransient<ApplicationTracker>();
        services.AddTransient<ApplicationsEndpoint>();
        return builder;
    }
}

/// <summary>Apply__TrackSchedule must parse; limits in range; Apply__Llm__Endpoint must be an http(s) URL. Never echoes the key.</summary>
public sealed class ApplyOptionsValidator : IValidateOptions<ApplyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApplyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (Cron.Problem("Apply__TrackSchedule", options.TrackSchedule, "0 */30 * * * *") is { } schedule)
        {
            failures.Add(schedule);
        }

        foreach (var range in new[]
                 {
                     ConfigurationValidator.Within(options.DailyLimit, 1, ApplyOptions.HhDailyCap, "Apply__DailyLimit must be between 1 and 200 (hh.ru's own cap per 24 hours)."),
                     ConfigurationValidator.Within(options.Llm.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), "Apply__Llm__Timeout must be between 1 second and 2 minutes."),
                 })
        {
            if (range is not null)
            {
                failures.Add(range);
            }
        }

        if (options.Llm.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add($"Apply__Llm__Endpoint must be an absolute http(s) URL, not '{endpoint.OriginalString}'.");
        }

        if (options.Llm.Endpoint is not null && string.IsNullOrWhiteSpace(options.Llm.Model))
        {
            failures.Add("Apply__Llm__Endpoint is set but Apply__Llm__Model is not: name the model to use.");
        }

        if (options.Mode != ApplyMode.Off && string.IsNullOrWhiteSpace(options.AutoSources))
        {
            failures.Add($"Apply__Mode is {options.Mode} but Apply__AutoSources is empty: name the watch sources (comma-separated) or 'all'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
