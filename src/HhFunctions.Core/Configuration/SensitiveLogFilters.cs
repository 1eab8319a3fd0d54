using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Configuration;

/// <summary>
/// Keeps request URLs out of the log whatever the working directory or log settings. ASP.NET Core's hosting
/// diagnostics log each request's full URL ("Request starting … /api/oauth/callback?code=…&amp;state=…") at
/// Information, and Kestrel's bad-request messages can carry the request target; appsettings.json silences them
/// only when it is found next to the working directory. These rules are applied in code, after every other
/// filter rule (configuration, environment variables, provider-specific sections), so nothing can turn them back on:
/// the OAuth code and state, setup-link values, function keys (<c>?code=</c>) and pasted codes never reach a log.
/// The hosting diagnostics are off altogether: while that category logs at any level it opens a scope on every
/// request (RequestPath, RequestId) that each record of the request carries, and a path can hold a secret (hh.ru's
/// callback route /api/hh/webhook/{key}); a provider that writes scopes (the console's IncludeScopes, Application
/// Insights) would print it.
/// </summary>
public sealed class SensitiveLogFilters : IPostConfigureOptions<LoggerFilterOptions>
{
    /// <summary>Categories that write request URLs or targets; capped at Warning (their warnings carry none).</summary>
    public static readonly IReadOnlyList<string> Categories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.HttpLogging",
        "Microsoft.AspNetCore.W3CLogging",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Result.RedirectResult",
        "System.Net.Http.HttpClient",
    ];

    /// <summary>Categories that are off altogether (see above); their startup errors still end the process.</summary>
    public static readonly IReadOnlyList<string> Silenced = ["Microsoft.AspNetCore.Hosting.Diagnostics"];

    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // A rule for a longer (more specific) category would beat ours: drop every rule inside these categories.
        for (var i = options.Rules.Count - 1; i >= 0; i--)
        {
            var category = options.Rules[i].CategoryName;
            if (category is not null && Categories.Any(c => category.StartsWith(c, StringComparison.OrdinalIgnoreCase)))
            {
                options.Rules.RemoveAt(i);
            }
        }

        // A provider-specific rule beats a general one, so cap the categories for every provider named in a rule too.
        var providers = options.Rules.Select(r => r.ProviderName).Where(p => p is not null).Distinct(StringComparer.Ordinal).ToList();
        foreach (var category in Categories)
        {
            var level = Silenced.Contains(category, StringComparer.Ordinal) ? LogLevel.None : LogLevel.Warning;
            options.Rules.Add(new LoggerFilterRule(null, category, level, null));
            foreach (var provider in providers)
            {
                options.Rules.Add(new LoggerFilterRule(provider, category, level, null));
            }
        }
    }
}
