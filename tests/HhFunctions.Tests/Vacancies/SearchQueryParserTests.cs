using HhFunctions.Vacancies;

namespace HhFunctions.Tests.Vacancies;

public sealed class SearchQueryParserTests
{
    [Fact]
    public void Parse_IssueExample_KeepsEveryParameterNamedAfterText()
    {
        var parsed = SearchQueryParser.Parse("text=C#&area=1&salary=300000&only_with_salary=true&experience=between3And6");

        Assert.Empty(parsed.Problems);
        var q = Assert.Single(parsed.Queries);
        Assert.Equal("C#", q.Name);
        Assert.Equal("text=C%23&area=1&salary=300000&only_with_salary=true&experience=between3And6", q.QueryString);
    }

    [Fact]
    public void Parse_SeveralQueriesWithNames_SplitsOnSemicolonAndUsesNames()
    {
        var parsed = SearchQueryParser.Parse("name=Moscow C#&text=C%23&area=1; name=Remote Go&text=golang&schedule=remote&area=1&area=2");

        Assert.Empty(parsed.Problems);
        Assert.Equal(["Moscow C#", "Remote Go"], parsed.Queries.Select(q => q.Name));
        Assert.Equal("text=golang&schedule=remote&area=1&area=2", parsed.Queries[1].QueryString);
    }

    [Fact]
    public void Parse_PastedHhSearchUrl_TakesItsQueryDropsSiteOnlyParametersAndMapsSearchPeriod()
    {
        var parsed = SearchQueryParser.Parse("https://hh.ru/search/vacancy?text=senior+.net+developer&area=1&search_period=3&items_on_page=20&hhtmFrom=vacancy_search_list&enable_snippets=true&L_save_area=true");

        Assert.Empty(parsed.Problems);
        var q = Assert.Single(parsed.Queries);
        Assert.Equal("senior .net developer", q.Name);
        Assert.Equal([new("text", "senior .net developer"), new("area", "1"), new KeyValuePair<string, string>("period", "3")], q.Parameters);
    }

    [Fact]
    public void Parse_UnknownAndInvalidParameters_NamedInProblemsAndDropped()
    {
        var parsed = SearchQueryParser.Parse("name=Mine&text=C%23&colour=blue&experience=lots&salary=much&only_with_salary=yes&area=Moscow&page=3");

        var q = Assert.Single(parsed.Queries);
        Assert.Equal([new KeyValuePair<string, string>("text", "C#")], q.Parameters);
        Assert.Equal(6, parsed.Problems.Count);
        Assert.Contains(parsed.Problems, p => p.Contains("unknown parameter 'colour'", StringComparison.Ordinal) && p.Contains("\"Mine\"", StringComparison.Ordinal));
        Assert.Contains(parsed.Problems, p => p.Contains("'experience=lots' is ignored: expected one of noExperience", StringComparison.Ordinal));
        Assert.Contains(parsed.Problems, p => p.Contains("'salary=much' is ignored: expected a whole number", StringComparison.Ordinal));
        Assert.Contains(parsed.Problems, p => p.Contains("'only_with_salary=yes' is ignored: expected true or false", StringComparison.Ordinal));
        Assert.Contains(parsed.Problems, p => p.Contains("'area=Moscow' is ignored: expected an id", StringComparison.Ordinal));
        Assert.Contains(parsed.Problems, p => p.Contains("'page' is set by the watch itself", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_OtherSiteOrPage_SkippedWithProblem()
    {
        var parsed = SearchQueryParser.Parse("https://example.com/search/vacancy?text=x; https://hh.ru/resume/123?text=x; text=ok");

        Assert.Equal(["ok"], parsed.Queries.Select(q => q.Name));
        Assert.Contains(parsed.Problems, p => p.Contains("query 1", StringComparison.Ordinal) && p.Contains("not a hh.ru address", StringComparison.Ordinal));
        Assert.Contains(parsed.Problems, p => p.Contains("query 2", StringComparison.Ordinal) && p.Contains("not a vacancy search page", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NothingLeftOrDuplicateNames_SkipsEmptyAndRenamesDuplicate()
    {
        var parsed = SearchQueryParser.Parse("name=A&foo=1; name=B&text=x; name=B&text=y; ;");

        Assert.Equal(["B", "B (2)"], parsed.Queries.Select(q => q.Name));
        Assert.Contains(parsed.Problems, p => p.Contains("no search parameters are left", StringComparison.Ordinal));
        Assert.Contains(parsed.Problems, p => p.Contains("two queries are named \"B\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_EmptySetting_NoQueriesNoProblems()
    {
        Assert.Empty(SearchQueryParser.Parse(null).Queries);
        Assert.Empty(SearchQueryParser.Parse("  ").Problems);
    }
}
