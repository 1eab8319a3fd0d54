using Cronos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using HhFunctions.Configuration;

namespace HhFunctions.Vacancies;

/// <summary>Says at start what the vacancy watch looks at, and names every unknown or invalid search parameter.</summary>
public sealed partial class SearchStartupReport(IOptions<SearchOptions> options, ILogger<SearchStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var parsed = SearchQueryParser.Parse(o.Queries);
        foreach (var problem in parsed.Problems)
        {
            Log.QueryProblem(logger, problem);
        }

        if (o.HasSources)
        {
            Log.Watching(logger, parsed.Queries.Count, o.UseSavedSearches, o.SimilarToResumes, o.Schedule);
        }
        else
        {
            Log.NotWatching(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(8301, LogLevel.Warning, "{Problem}")]
        public static partial void QueryProblem(ILogger logger, string problem);

        [LoggerMessage(8302, LogLevel.Information, "Vacancy watch: {Queries} search query(ies), saved searches {Saved}, similar to resumes {Similar}; schedule {Schedule}.")]
        public static partial void Watching(ILogger logger, int queries, bool saved, bool similar, string schedule);

        [LoggerMessage(8303, LogLevel.Information, "Vacancy watch is off: Search__Queries, Search__UseSavedSearches and Search__SimilarToResumes are not set.")]
        public static partial void NotWatching(ILogger logger);
    }
}

/// <summary>Search__Schedule must be a six-field NCRONTAB expression, like Bump__Schedule.</summary>
[OptionsValidator]
internal sealed partial class SearchOptionsAttributes : IValidateOptions<SearchOptions>;

public sealed class SearchOptionsValidator : IValidateOptions<SearchOptions>
{
    public ValidateOptionsResult Validate(string? name, SearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Cron.Problem("Search__Schedule", options.Schedule, "0 */30 * * * *") is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
    }
}
