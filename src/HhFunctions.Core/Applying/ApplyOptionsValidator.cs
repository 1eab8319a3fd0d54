using HhFunctions.Configuration;
using Microsoft.Extensions.Options;

namespace HhFunctions.Applying;

[OptionsValidator]
internal sealed partial class ApplyOptionsAttributes : IValidateOptions<ApplyOptions>;

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
