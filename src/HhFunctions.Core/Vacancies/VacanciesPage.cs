using System.Globalization;
using HhFunctions.State;
using HhFunctions.Vacancies;
using HhFunctions.Pages;
using HhFunctions.Telegram;
using Microsoft.Extensions.Options;

namespace HhFunctions.Vacancies;

/// <summary>What the Vacancies page shows: which months, and the filters (all optional).</summary>
public sealed record VacancyFilter(string? Source, decimal? MinSalary, string? Text, int Months)
{
    public const int DefaultMonths = 2;
    public static readonly int[] MonthChoices = [1, 2, 3, 6, 12, 24];

    /// <summary>Reads ?source=&amp;salary=&amp;text=&amp;months=; a bad value is named in <paramref name="problems"/> and ignored.</summary>
    public static VacancyFilter Parse(IReadOnlyDictionary<string, string> query, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(problems);
        string? Get(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        decimal? salary = null;
        if (Get("salary") is { } s)
        {
            if (decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) && d >= 0)
            {
                salary = d;
            }
            else
            {
                problems.Add($"salary '{s}' is not a number; ignored.");
            }
        }

        var months = DefaultMonths;
        if (Get("months") is { } m)
        {
            if (int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && MonthChoices.Contains(n))
            {
                months = n;
            }
            else
            {
                problems.Add($"months '{m}' is not one of {string.Join(", ", MonthChoices)}; {DefaultMonths} used.");
            }
        }

        var text = Get("text");
        return new VacancyFilter(Get("source"), salary, text is { Length: > 200 } ? text[..200] : text, months);
    }

    public bool Matches(VacancyRecord v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return (Source is null || v.Sources.Contains(Source, StringComparer.Ordinal))
            && (MinSalary is null || Math.Max(v.SalaryFrom ?? 0, v.SalaryTo ?? 0) >= MinSalary)
            && (Text is null || v.Name.Contains(Text, StringComparison.OrdinalIgnoreCase) || (v.Employer?.Contains(Text, StringComparison.OrdinalIgnoreCase) ?? false) || (v.Area?.Contains(Text, StringComparison.OrdinalIgnoreCase) ?? false));
    }
}

/// <summary>What the Vacancies page shows: the filter, the stored vacancies' sources and those that match it.</summary>
public sealed record VacanciesModel(
    VacancyFilter Filter,
    IReadOnlyList<string> Problems,
    string? FunctionKey,
    DateTimeOffset Now,
    DateTimeOffset From,
    int StoredCount,
    IReadOnlyList<string> Sources,
    IReadOnlyList<VacancyRecord> Matching)
{
    /// <summary>The watch has something to look for (Search__Queries, saved searches or similar vacancies).</summary>
    public bool WatchConfigured { get; init; }

    /// <summary>Telegram__BotToken and Telegram__ChatId are set: the bot's /watch works.</summary>
    public bool TelegramConfigured { get; init; }
}

/// <summary>
/// GET /api/vacancies: the newest stored matches with filters, new vacancies per day over the last 30 days and
/// the salary distribution per source as inline SVG (no script, no CDN), and links to the CSV and JSON exports
/// (<see cref="VacanciesView"/>). Reads only the months it shows (the store is partitioned by month of first sight).
/// </summary>
public sealed class VacanciesPage(IVacancyStore store, IOptions<SearchOptions> search, IOptions<TelegramOptions> telegram, TimeProvider time)
{
    public const int RowsShown = 200;
    public const int ChartDays = 30;

    public async Task<string> RenderAsync(VacancyFilter filter, IReadOnlyList<string> problems, string? functionKey, CancellationToken ct) =>
        await PageRenderer.RenderAsync<VacanciesView>(VacanciesView.With(await GetAsync(filter, problems, functionKey, ct)));

    public async Task<VacanciesModel> GetAsync(VacancyFilter filter, IReadOnlyList<string> problems, string? functionKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(problems);
        var now = time.GetUtcNow();
        // Whole months of first sight, and always the chart's 30 days.
        var from = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-(filter.Months - 1));
        var chartStart = now.AddDays(-ChartDays);
        from = chartStart < from ? new DateTimeOffset(chartStart.UtcDateTime.Year, chartStart.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero) : from;
        var all = await store.ListAsync(from, ct);
        var hidden = await store.GetHiddenAsync(ct);
        var visible = all.Where(v => !hidden.Contains(v.Id)).ToList();
        var sources = visible.SelectMany(v => v.Sources).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var matching = visible.Where(filter.Matches).OrderByDescending(v => v.PublishedAt ?? v.FirstSeen).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
        return new VacanciesModel(filter, problems, functionKey, now, from, visible.Count, sources, matching)
        {
            WatchConfigured = search.Value.HasSources,
            TelegramConfigured = telegram.Value.IsConfigured,
        };
    }
}
