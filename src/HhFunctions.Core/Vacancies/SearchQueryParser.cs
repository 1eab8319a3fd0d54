using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HhFunctions.Vacancies;

/// <summary>One configured hh.ru search: its name and the /vacancies parameters it sends (repeatable keys allowed).</summary>
public sealed record SearchQuery(string Name, IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    /// <summary>The parameters as a URL query string (without '?'), each part escaped.</summary>
    public string QueryString =>
        string.Join('&', Parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
}

/// <summary>The queries that can run, and every problem found on the way (each names the query and the parameter).</summary>
public sealed record ParsedQueries(IReadOnlyList<SearchQuery> Queries, IReadOnlyList<string> Problems);

/// <summary>
/// Reads Search__Queries: hh.ru search query strings (text=C#&amp;area=1&amp;salary=300000) or pasted hh.ru search
/// URLs (https://hh.ru/search/vacancy?...), separated by ';' or new lines, each with an optional name=....
/// Values are URL-decoded as a browser sends them ('+' is a space; write C++ as C%2B%2B). Unknown parameters and
/// invalid values are dropped and named in <see cref="ParsedQueries.Problems"/>; the rest of the query still runs.
/// </summary>
public static partial class SearchQueryParser
{
    private enum Kind
    {
        Text,
        Ids,
        Integer,
        Number,
        Boolean,
        Currency,
        Date,
        Enum,
    }

    private sealed record Rule(Kind Kind, bool Multi, string[]? Values = null);

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["text"] = new(Kind.Text, false),
        ["search_field"] = new(Kind.Enum, true, ["name", "company_name", "description"]),
        ["experience"] = new(Kind.Enum, true, ["noExperience", "between1And3", "between3And6", "moreThan6"]),
        ["employment"] = new(Kind.Enum, true, ["full", "part", "project", "volunteer", "probation"]),
        ["schedule"] = new(Kind.Enum, true, ["fullDay", "shift", "flexible", "remote", "flyInFlyOut"]),
        ["employment_form"] = new(Kind.Text, true),
        ["work_format"] = new(Kind.Enum, true, ["ON_SITE", "REMOTE", "HYBRID", "FIELD_WORK"]),
        ["work_schedule_by_days"] = new(Kind.Text, true),
        ["working_hours"] = new(Kind.Text, true),
        ["area"] = new(Kind.Ids, true),
        ["metro"] = new(Kind.Ids, true),
        ["professional_role"] = new(Kind.Ids, true),
        ["industry"] = new(Kind.Ids, true),
        ["employer_id"] = new(Kind.Ids, true),
        ["excluded_employer_id"] = new(Kind.Ids, true),
        ["excluded_text"] = new(Kind.Text, false),
        ["education"] = new(Kind.Enum, true, ["not_required_or_not_specified", "special_secondary", "higher"]),
        ["salary"] = new(Kind.Integer, false),
        ["currency"] = new(Kind.Currency, false),
        ["only_with_salary"] = new(Kind.Boolean, false),
        ["label"] = new(Kind.Text, true),
        ["period"] = new(Kind.Integer, false),
        ["date_from"] = new(Kind.Date, false),
        ["date_to"] = new(Kind.Date, false),
        ["top_lat"] = new(Kind.Number, false),
        ["bottom_lat"] = new(Kind.Number, false),
        ["left_lng"] = new(Kind.Number, false),
        ["right_lng"] = new(Kind.Number, false),
        ["no_magic"] = new(Kind.Boolean, false),
        ["premium"] = new(Kind.Boolean, false),
        ["accept_temporary"] = new(Kind.Boolean, false),
        ["part_time"] = new(Kind.Text, true),
        ["host"] = new(Kind.Enum, false, ["hh.ru", "rabota.by", "hh1.az", "hh.uz", "hh.kz", "headhunter.ge", "headhunter.kg"]),
        ["locale"] = new(Kind.Enum, false, ["RU", "EN"]),
    };

    /// <summary>Set by the watch itself (newest first, 100 a page); a value given here is ignored.</summary>
    private static readonly HashSet<string> Controlled = new(StringComparer.Ordinal) { "order_by", "page", "per_page", "clusters", "describe_arguments", "responses_count_enabled", "sort_point_lat", "sort_point_lng" };

    /// <summary>Parameters of hh.ru's web pages that mean nothing to the API (tracking, page layout): dropped quietly.</summary>
    private static readonly HashSet<string> SiteOnly = new(StringComparer.Ordinal) { "hhtmFrom", "hhtmFromLabel", "enable_snippets", "ored_clusters", "L_save_area", "L_is_autosearch", "items_on_page", "from", "disableBrowserCache", "search_period" };

    private static readonly string[] GeoBox = ["top_lat", "bottom_lat", "left_lng", "right_lng"];

    public static ParsedQueries Parse(string? setting)
    {
        var queries = new List<SearchQuery>();
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(setting))
        {
            return new ParsedQueries(queries, problems);
        }

        var parts = setting.Split([';', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            if (ParseOne(parts[i], i + 1, problems) is { } query)
            {
                var name = query.Name;
                for (var n = 2; queries.Any(q => q.Name == name); n++)
                {
                    name = string.Create(CultureInfo.InvariantCulture, $"{query.Name} ({n})");
                }

                if (name != query.Name)
                {
                    problems.Add($"Search__Queries: two queries are named \"{query.Name}\"; the later one is called \"{name}\".");
                }

                queries.Add(query with { Name = name });
            }
        }

        return new ParsedQueries(queries, problems);
    }

    private static SearchQuery? ParseOne(string raw, int position, List<string> problems)
    {
        var label = string.Create(CultureInfo.InvariantCulture, $"query {position}");
        string queryString;
        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // The query part is taken as written: hh.ru escapes '#' as %23, and a hand-edited "C#" must not become a fragment.
            var q = raw.IndexOf('?', StringComparison.Ordinal);
            var head = q < 0 ? raw : raw[..q];
            if (!Uri.TryCreate(head, UriKind.Absolute, out var url) || !IsHhHost(url.Host))
            {
                problems.Add($"Search__Queries, {label}: '{Shorten(head)}' is not a hh.ru address; the query is skipped.");
                return null;
            }

            if (!url.AbsolutePath.TrimEnd('/').Equals("/search/vacancy", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"Search__Queries, {label}: {url.AbsolutePath} is not a vacancy search page (expected https://hh.ru/search/vacancy?...); the query is skipped.");
                return null;
            }

            queryString = q < 0 ? string.Empty : raw[(q + 1)..];
        }
        else
        {
            queryString = raw.TrimStart('?');
        }

        var raws = queryString.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(piece =>
        {
            var eq = piece.IndexOf('=', StringComparison.Ordinal);
            return (Key: Decode(eq < 0 ? piece : piece[..eq]).Trim(), Value: eq < 0 ? string.Empty : Decode(piece[(eq + 1)..]).Trim());
        }).ToList();
        var name = raws.FirstOrDefault(r => r.Key == "name").Value is { Length: > 0 } n ? n : null;
        var text = raws.FirstOrDefault(r => r.Key == "text").Value;
        var display = name ?? (text is { Length: > 0 } ? text : string.Create(CultureInfo.InvariantCulture, $"Query {position}"));
        label = $"{label} (\"{Shorten(display)}\")";
        var pairs = new List<KeyValuePair<string, string>>();
        string? sitePeriod = null;
        foreach (var (key, value) in raws)
        {
            if (key == "name")
            {
                continue;
            }

            if (key == "search_period")
            {
                sitePeriod = value;
                continue;
            }

            if (SiteOnly.Contains(key))
            {
                continue;
            }

            if (Controlled.Contains(key))
            {
                problems.Add($"Search__Queries, {label}: '{key}' is set by the watch itself (newest first, 100 a page); the given value is ignored.");
                continue;
            }

            if (!Rules.TryGetValue(key, out var rule))
            {
                problems.Add($"Search__Queries, {label}: unknown parameter '{Shorten(key)}' is ignored.");
                continue;
            }

            if (value.Length == 0)
            {
                continue; // hh.ru's own URLs carry empty parameters (text=&area=); they mean "not set".
            }

            if (Invalid(rule, value) is { } why)
            {
                problems.Add($"Search__Queries, {label}: '{key}={Shorten(value)}' is ignored: {why}.");
                continue;
            }

            if (!rule.Multi && pairs.Any(p => p.Key == key))
            {
                problems.Add($"Search__Queries, {label}: '{key}' is given more than once; the first value is kept.");
                continue;
            }

            pairs.Add(new(key, value));
        }

        // The site's "search_period" is the API's "period" (0 on the site means "all time").
        if (sitePeriod is { Length: > 0 } && sitePeriod != "0" && !pairs.Any(p => p.Key == "period"))
        {
            if (Invalid(Rules["period"], sitePeriod) is { } why)
            {
                problems.Add($"Search__Queries, {label}: 'search_period={Shorten(sitePeriod)}' is ignored: {why}.");
            }
            else
            {
                pairs.Add(new("period", sitePeriod));
            }
        }

        var geo = GeoBox.Count(g => pairs.Any(p => p.Key == g));
        if (geo is > 0 and < 4)
        {
            pairs.RemoveAll(p => GeoBox.Contains(p.Key));
            problems.Add($"Search__Queries, {label}: top_lat, bottom_lat, left_lng and right_lng go together; the partial map area is ignored.");
        }

        if (pairs.Any(p => p.Key == "period") && pairs.Any(p => p.Key is "date_from" or "date_to"))
        {
            pairs.RemoveAll(p => p.Key is "date_from" or "date_to");
            problems.Add($"Search__Queries, {label}: period cannot be combined with date_from/date_to; the dates are ignored.");
        }

        if (pairs.Count == 0)
        {
            problems.Add($"Search__Queries, {label}: no search parameters are left, and a query without any would match every vacancy on hh.ru; the query is skipped.");
            return null;
        }

        return new SearchQuery(display.Length > 100 ? display[..100] : display, pairs);
    }

    private static string? Invalid(Rule rule, string value) => rule.Kind switch
    {
        Kind.Text => value.Length > 3000 ? "longer than 3000 characters" : null,
        Kind.Ids => IdShape().IsMatch(value) ? null : "expected an id (digits, as in hh.ru's dictionaries)",
        Kind.Integer => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : "expected a whole number",
        Kind.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : "expected a number",
        Kind.Boolean => value is "true" or "false" ? null : "expected true or false",
        Kind.Currency => CurrencyShape().IsMatch(value) ? null : "expected a currency code such as RUR or USD",
        Kind.Date => DateShape().IsMatch(value) ? null : "expected a date like 2026-03-01",
        Kind.Enum => rule.Values!.Contains(value, StringComparer.Ordinal) ? null : "expected one of " + string.Join(", ", rule.Values!),
        _ => null,
    };

    private static bool IsHhHost(string host) =>
        host.Equals("hh.ru", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".hh.ru", StringComparison.OrdinalIgnoreCase);

    private static string Decode(string s)
    {
        try
        {
            return Uri.UnescapeDataString(s.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return s;
        }
    }

    private static string Shorten(string s)
    {
        var clean = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            clean.Append(char.IsControl(c) ? '?' : c);
        }

        return clean.Length > 60 ? clean.ToString(0, 60) + "…" : clean.ToString();
    }

    [GeneratedRegex("^[0-9]+(\\.[0-9]+)*$")]
    private static partial Regex IdShape();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyShape();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:?[0-9]{2})?)?$")]
    private static partial Regex DateShape();
}
