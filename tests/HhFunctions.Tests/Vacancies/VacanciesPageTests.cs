using System.Net;
using System.Text;
using System.Text.Json;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Vacancies;

namespace HhFunctions.Tests.Vacancies;

/// <summary>/api/vacancies, /api/vacancies.csv and /api/vacancies.json through the app.</summary>
public sealed class VacanciesPageTests
{
    private static readonly DateTimeOffset T0 = FakeClock.Start;

    internal static VacancyRecord V(string id, string name, DateTimeOffset firstSeen, decimal? from, decimal? to, string source = "C# jobs", string employer = "Acme", string? currency = "RUR") =>
        new(id, name, employer, "Москва", from, to, currency, false, "3–6 years", "remote", "full", firstSeen.AddMinutes(-10), "https://hh.ru/vacancy/" + id, false, false, false, [source], firstSeen, firstSeen);

    internal static async Task SeedAsync(AppFactory app)
    {
        await app.Vacancies().SaveAsync(
        [
            V("1", "Senior C# developer", T0.AddDays(-1), 250_000, 350_000),
            V("2", "Team lead, \"core\" team", T0.AddDays(-1), 400_000, null, employer: "Yandex, LLC"),
            V("3", "=HYPERLINK(\"x\")", T0.AddDays(-3), null, 150_000, source: "Go"),
            V("4", "Junior Go developer", T0.AddDays(-3), 90_000, 120_000, source: "Go"),
            V("5", "Old one", T0.AddMonths(-5), 100_000, 100_000),
            V("6", "Hidden one", T0.AddDays(-2), 500_000, null),
            V("7", "Dollar job", T0.AddDays(-2), 5_000, 7_000, currency: "USD"),
        ], default);
        await app.Vacancies().HideAsync("6", default);
    }

    private static async Task<string> GetAsync(AppFactory app, string url)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Page_Default_ListsRecentMonthsNewestFirstWithoutHiddenAndDrawsCharts()
    {
        using var app = WatchTestExtensions.WatchApp();
        await SeedAsync(app);

        var html = await GetAsync(app, "/api/vacancies");

        Assert.Contains("<title>Vacancies · HhFunctions</title>", html, StringComparison.Ordinal);
        Assert.Contains("5 stored from January 2026 on; 5 match the filters", html, StringComparison.Ordinal); // the chart's 30 days reach into January
        Assert.DoesNotContain("Old one", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Hidden one", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("Senior C# developer", StringComparison.Ordinal) < html.IndexOf("Junior Go developer", StringComparison.Ordinal));
        Assert.Contains("=HYPERLINK(&quot;x&quot;)", html, StringComparison.Ordinal);
        Assert.Contains("<rect class=\"day\" data-date=\"2026-03-01\" data-count=\"2\"", html, StringComparison.Ordinal);
        Assert.Contains("data-date=\"2026-02-27\" data-count=\"2\"", html, StringComparison.Ordinal);
        Assert.Contains("data-source=\"C# jobs\" data-count=\"2\"", html, StringComparison.Ordinal);
        Assert.Contains("data-source=\"Go\" data-count=\"2\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"vacancies.csv\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_Filters_SourceSalaryTextAndMonths()
    {
        using var app = WatchTestExtensions.WatchApp();
        await SeedAsync(app);

        var go = await GetAsync(app, "/api/vacancies?source=Go&salary=130000");
        var text = await GetAsync(app, "/api/vacancies?text=yandex");
        var year = await GetAsync(app, "/api/vacancies?months=12");
        var bad = await GetAsync(app, "/api/vacancies?salary=lots&months=7");

        Assert.Contains("1 match the filters", go, StringComparison.Ordinal);
        Assert.Contains("=HYPERLINK", go, StringComparison.Ordinal);
        Assert.DoesNotContain("Junior Go developer", go, StringComparison.Ordinal);
        Assert.Contains("<option selected>Go</option>", go, StringComparison.Ordinal);
        Assert.Contains("1 match the filters", text, StringComparison.Ordinal);
        Assert.Contains("Team lead", text, StringComparison.Ordinal);
        Assert.Contains("Old one", year, StringComparison.Ordinal);
        Assert.Contains("salary &#39;lots&#39; is not a number; ignored.", bad, StringComparison.Ordinal);
        Assert.Contains("months &#39;7&#39; is not one of", bad, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_FunctionKeyInUrl_KeptInFormAndExportLinks()
    {
        using var app = WatchTestExtensions.WatchApp();

        var html = await GetAsync(app, "/api/vacancies?code=abc%2Fkey==");

        Assert.Contains("<input type=\"hidden\" name=\"code\" value=\"abc/key==\">", html, StringComparison.Ordinal);
        Assert.Contains("href=\"vacancies.csv?code=abc%2Fkey%3D%3D\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"empty\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_Everything_Utf8BomRfc4180AndFormulasEscaped()
    {
        using var app = WatchTestExtensions.WatchApp();
        await SeedAsync(app);
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/vacancies.csv", UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment; filename=\"vacancies.csv\"", response.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        var lines = text.Split("\r\n");
        Assert.Equal("id,name,employer,area,salary_from,salary_to,currency,gross,experience,schedule,employment,published_at,url,has_test,response_letter_required,archived,hidden,sources,first_seen,last_seen", lines[0]);
        Assert.Equal(9, lines.Length); // header, 7 records, the empty string after the last CRLF
        Assert.Equal(string.Empty, lines[^1]);
        Assert.Contains(lines, l => l.StartsWith("2,\"Team lead, \"\"core\"\" team\",\"Yandex, LLC\",Москва,400000,,RUR,false,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("3,\"'=HYPERLINK(\"\"x\"\")\",Acme", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("6,Hidden one,", StringComparison.Ordinal) && l.Contains(",false,false,false,true,C# jobs,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("5,Old one,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_Everything_SnakeCaseArray()
    {
        using var app = WatchTestExtensions.WatchApp();
        await SeedAsync(app);

        var json = await GetAsync(app, "/api/vacancies.json");

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(7, doc.RootElement.GetArrayLength());
        var two = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetString() == "2");
        Assert.Equal("Yandex, LLC", two.GetProperty("employer").GetString());
        Assert.Equal(400000m, two.GetProperty("salary_from").GetDecimal());
        Assert.Equal(JsonValueKind.Null, two.GetProperty("salary_to").ValueKind);
        Assert.Equal("C# jobs", two.GetProperty("sources")[0].GetString());
        Assert.True(doc.RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetString() == "6").GetProperty("hidden").GetBoolean());
    }

    [Fact]
    public async Task Page_AfterAWatchRun_ShowsWhatTheRunStored()
    {
        using var app = WatchTestExtensions.WatchApp();
        await app.ConnectAsync();
        app.Hh.Search.Add("42", "C# architect", T0.AddMinutes(-3), 500_000, 700_000, employer: "Ozon");
        await app.RunWatchAsync();

        var html = await GetAsync(app, "/api/vacancies");

        Assert.Contains("<a href=\"https://hh.ru/vacancy/42\">C# architect</a>", html, StringComparison.Ordinal);
        Assert.Contains("500 000–700 000 RUR", html, StringComparison.Ordinal);
    }
}
