using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using HhFunctions.Recruiting;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Recruiting;

/// <summary>
/// The recruiter's desk at the HTTP boundary, with both fakes: what it shows after real reconcile runs, callbacks and
/// writes; the assignee form (antiforgery as the status page's forms, good and bad input) and the assignee applied to
/// the next record in the fake portal; the exports; no personal data or secret anywhere on it.
/// </summary>
public sealed partial class DeskTests : IDisposable
{
    private readonly RecruitingKit _kit;

    public DeskTests()
    {
        _kit = RecruitingKit.Create(new Dictionary<string, string?> { ["Bitrix24:DefaultAssigneeId"] = "1" });
        _kit.Employer.AddVacancy("700", "C# developer");
        _kit.Employer.AddVacancy("701", "QA engineer");
        AddResume("r1", "Anna", "Petrova", "+7 916 000-00-01");
        AddResume("r2", "Boris", "Orlov", "+7 916 000-00-02");
        AddResume("r3", "Vera", "Sokolova", "+7 916 000-00-03");
    }

    public void Dispose() => _kit.Dispose();

    private static readonly string[] PersonalData = ["Anna", "Petrova", "Boris", "Orlov", "Vera", "Sokolova", "000-00-0", "00000", "example.com", "/resume/"];

    private void AddResume(string id, string first, string last, string phone)
    {
        var resume = _kit.Employer.AddResume(id, first, last, "owner-" + id);
        var parts = phone.Split(' ');
        resume.Phone = new FakePhone("7", parts[1], parts[2]);
        resume.Email = id + "@example.com";
    }

    private async Task RunAllAsync()
    {
        await _kit.DeliverCallbacksAsync();
        await _kit.ProcessEventsAsync();
        await _kit.DrainAsync();
    }

    /// <summary>Connected, the vacancies listed by a reconcile run, three responses written, one moved to interview on hh.ru.</summary>
    private async Task<string[]> ThreeWrittenAsync()
    {
        await _kit.ConnectEmployerAccountAsync();
        var t1 = _kit.Employer.AddResponse("700", "r1");
        var t2 = _kit.Employer.AddResponse("700", "r2");
        var t3 = _kit.Employer.AddResponse("701", "r3");
        await _kit.ReconcileAsync();
        await RunAllAsync();
        _kit.Employer.ChangeEmployerState(t1.Id, "interview");
        _kit.Employer.ChangeEmployerState(t3.Id, "discard");
        await RunAllAsync();
        return [t1.Id, t2.Id, t3.Id];
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string url, bool json = false)
    {
        using var client = _kit.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        if (json)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }

        return await SendAsync(client, request);
    }

    /// <summary>
    /// One request, with fake time driven meanwhile: a page view may wait its turn on the Bitrix24 rate gate (user.get)
    /// behind the writes just made, and that wait runs on the app's TimeProvider.
    /// </summary>
    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, HttpRequestMessage request) =>
        await _kit.App.Time.RunAsync(Task.Run(async () =>
        {
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }), TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1));

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(Dictionary<string, string> fields, string? fetchSite = null)
    {
        using var client = _kit.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/recruiting", UriKind.Relative)) { Content = new FormUrlEncodedContent(fields) };
        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        return await SendAsync(client, request);
    }

    /// <summary>The antiforgery value the desk page carries in its form.</summary>
    private async Task<string> PageTokenAsync()
    {
        var (status, html) = await GetAsync("/api/recruiting");
        Assert.Equal(HttpStatusCode.OK, status);
        return AntiforgeryValue().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("The desk has no form.");
    }

    private Task<(HttpStatusCode Status, string Body)> AssignAsync(string token, string vacancy, string user) =>
        PostAsync(new() { ["form"] = "assignee", ["af"] = token, ["vacancy"] = vacancy, ["user"] = user });

    [GeneratedRegex("name=\"af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryValue();

    [Fact]
    public async Task Json_EveryActiveVacancyWithCountsFunnelAssigneeAndTheLatestEventsLinkedToBitrix24()
    {
        var topics = await ThreeWrittenAsync();

        var (status, body) = await GetAsync("/api/recruiting", json: true);

        Assert.Equal(HttpStatusCode.OK, status);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("totals").GetProperty("total").GetInt32());
        var vacancies = root.GetProperty("vacancies").EnumerateArray().ToDictionary(v => v.GetProperty("vacancyId").GetString()!);
        Assert.Equal(2, vacancies.Count);
        var cs = vacancies["700"];
        Assert.Equal("C# developer", cs.GetProperty("name").GetString());
        Assert.Equal(2, cs.GetProperty("counts").GetProperty("total").GetInt32());
        Assert.Equal(2, cs.GetProperty("counts").GetProperty("synced").GetInt32());
        Assert.Equal(0, cs.GetProperty("counts").GetProperty("pending").GetInt32());
        Assert.Equal(1, cs.GetProperty("counts").GetProperty("viewed").GetInt32());
        Assert.Equal(1, cs.GetProperty("counts").GetProperty("invited").GetInt32());
        Assert.Equal(1, cs.GetProperty("counts").GetProperty("interview").GetInt32());
        Assert.Equal(0, cs.GetProperty("counts").GetProperty("offer").GetInt32());
        Assert.Equal("default", cs.GetProperty("assigneeSource").GetString());
        Assert.Equal("Portal Admin", cs.GetProperty("assignee").GetString());
        var qa = vacancies["701"].GetProperty("counts");
        Assert.Equal(1, qa.GetProperty("rejected").GetInt32());
        Assert.Equal(1, qa.GetProperty("viewed").GetInt32());

        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(topics.Order(StringComparer.Ordinal), events.Select(e => e.GetProperty("topicId").GetString()!).Order(StringComparer.Ordinal));
        var leads = _kit.Portal.Items(CrmRecords.LeadType).ToDictionary(l => l["originId"]!.ToString(), l => l["id"]!.ToString());
        foreach (var e in events)
        {
            Assert.Equal($"https://{FakeBitrix24Portal.Host}/crm/lead/details/{leads[e.GetProperty("topicId").GetString()!]}/", e.GetProperty("crmUrl").GetString());
        }

        Assert.Equal("interview", events.Single(e => e.GetProperty("topicId").GetString() == topics[0]).GetProperty("hhStage").GetString());
        Assert.Contains(root.GetProperty("state").EnumerateArray(), l => l.GetProperty("text").GetString()!.Contains("written into Bitrix24", StringComparison.Ordinal));
        AssertClean(body);
    }

    [Fact]
    public async Task Page_ShowsTablesChartsFormAndRecordLinks_WithoutScriptsPersonalDataOrTheWebhookSecret()
    {
        await ThreeWrittenAsync();

        var (status, html) = await GetAsync("/api/recruiting?code=the-key");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<svg id=\"weeks-chart\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"vacancy-chart\"", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(html, "<tr data-vacancy="));
        Assert.Equal(3, Regex.Count(html, $"href=\"https://{Regex.Escape(FakeBitrix24Portal.Host)}/crm/lead/details/\\d+/\""));
        Assert.Contains("href=\"recruiting/responses.csv?code=the-key\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"recruiting/responses.json?code=the-key\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"status?code=the-key\"", html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        AssertClean(html);
    }

    [Fact]
    public async Task Page_NoVacanciesYet_SaysWhatFillsItAndHasNoForm()
    {
        var (status, html) = await GetAsync("/api/recruiting");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("id=\"no-vacancies\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"desk-empty\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageViews_NeverCallHhRu_AndReadThePortalsUsersOncePerTenMinutes()
    {
        await ThreeWrittenAsync();
        var hhCalls = _kit.Employer.Calls.Values.Sum();
        var before = _kit.Portal.Requests.Count(r => r.Method == "user.get");

        await GetAsync("/api/recruiting");
        await GetAsync("/api/recruiting", json: true);
        await GetAsync("/api/recruiting");
        var cached = _kit.Portal.Requests.Count(r => r.Method == "user.get") - before;
        _kit.App.Time.Advance(PortalUsers.Lifetime + TimeSpan.FromSeconds(1));
        await GetAsync("/api/recruiting");

        Assert.Equal(hhCalls, _kit.Employer.Calls.Values.Sum());
        Assert.True(cached <= 1, $"user.get was called {cached} times for three views.");
        Assert.Equal(cached + 1, _kit.Portal.Requests.Count(r => r.Method == "user.get") - before);
    }

    [Fact]
    public async Task AssigneeForm_TheChosenUserGetsTheNextRecordOfThatVacancy_OthersTheDefault()
    {
        var olga = _kit.Portal.AddUser("Olga", "Smirnova");
        await ThreeWrittenAsync();
        var token = await PageTokenAsync();
        var (_, page) = await GetAsync("/api/recruiting");
        Assert.Contains("Olga Smirnova", page, StringComparison.Ordinal);

        var (status, answer) = await AssignAsync(token, "700", olga.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Saved", answer, StringComparison.Ordinal);
        Assert.Equal(olga, (await _kit.Store.GetVacancyAsync("700", CancellationToken.None))!.AssigneeId);

        AddResume("r4", "Gleb", "Ivanov", "+7 916 000-00-04");
        AddResume("r5", "Daria", "Kim", "+7 916 000-00-05");
        var t4 = _kit.Employer.AddResponse("700", "r4");
        var t5 = _kit.Employer.AddResponse("701", "r5");
        await RunAllAsync();

        var leads = _kit.Portal.Items(CrmRecords.LeadType).ToDictionary(l => l["originId"]!.ToString());
        Assert.Equal(olga.ToString(System.Globalization.CultureInfo.InvariantCulture), leads[t4.Id]["assignedById"]?.ToString());
        Assert.Equal("1", leads[t5.Id]["assignedById"]?.ToString()); // Bitrix24__DefaultAssigneeId
        using var doc = JsonDocument.Parse((await GetAsync("/api/recruiting", json: true)).Body);
        var row = doc.RootElement.GetProperty("vacancies").EnumerateArray().Single(v => v.GetProperty("vacancyId").GetString() == "700");
        Assert.Equal("Olga Smirnova", row.GetProperty("assignee").GetString());
        Assert.Equal("desk", row.GetProperty("assigneeSource").GetString());
    }

    [Fact]
    public async Task AssigneeForm_EmptyUser_GoesBackToTheDefault()
    {
        var olga = _kit.Portal.AddUser("Olga", "Smirnova");
        await ThreeWrittenAsync();
        await AssignAsync(await PageTokenAsync(), "700", olga.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var (status, _) = await AssignAsync(await PageTokenAsync(), "700", string.Empty);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null((await _kit.Store.GetVacancyAsync("700", CancellationToken.None))!.AssigneeId);
    }

    public static TheoryData<string, string, string, int, string> BadForms() => new()
    {
        { "forged antiforgery value", "700", "1", 403, "antiforgery" },
        { "no antiforgery value", "700", "1", 403, "antiforgery" },
        { "non-numeric user id", "700", "olga", 400, "whole number" },
        { "negative user id", "700", "-5", 400, "whole number" },
        { "user id of 30 digits", "700", new string('9', 30), 400, "whole number" },
        { "user not in the portal", "700", "999", 400, "no active user 999" },
        { "unknown vacancy", "999999", "1", 400, "does not know this vacancy" },
        { "vacancy with path characters", "../state", "1", 400, "Choose a vacancy" },
    };

    [Theory]
    [MemberData(nameof(BadForms))]
    public async Task AssigneeForm_BadInput_ClearMessage_NothingChanged(string name, string vacancy, string user, int expected, string says)
    {
        await ThreeWrittenAsync();
        var token = name switch
        {
            "forged antiforgery value" => "forged-value",
            "no antiforgery value" => string.Empty,
            _ => await PageTokenAsync(),
        };

        var (status, body) = await AssignAsync(token, vacancy, user);

        Assert.Equal(expected, (int)status);
        Assert.Contains(says, body, StringComparison.Ordinal);
        Assert.All(await _kit.Store.ListVacanciesAsync(CancellationToken.None), v => Assert.Null(v.AssigneeId));
        Assert.DoesNotContain(user.Length > 3 && user.All(char.IsAsciiLetter) ? user : "\u0000", body, StringComparison.Ordinal); // nothing posted is echoed
    }

    [Fact]
    public async Task AssigneeForm_TokenUsedTwiceOrCrossSite_Refused()
    {
        await ThreeWrittenAsync();
        var token = await PageTokenAsync();
        Assert.Equal(HttpStatusCode.OK, (await AssignAsync(token, "700", "1")).Status);

        var again = await AssignAsync(token, "701", "1");
        var crossSite = await PostAsync(new() { ["form"] = "assignee", ["af"] = await PageTokenAsync(), ["vacancy"] = "701", ["user"] = "1" }, fetchSite: "cross-site");
        using var client = _kit.App.CreateClient();
        using var repeatedRequest = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/recruiting", UriKind.Relative))
        {
            Content = new StringContent($"form=assignee&af={Uri.EscapeDataString(await PageTokenAsync())}&vacancy=701&vacancy=700&user=1", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        var repeated = await SendAsync(client, repeatedRequest);

        Assert.Equal(HttpStatusCode.Forbidden, again.Status);
        Assert.Contains("already sent", again.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.Status);
        Assert.Null((await _kit.Store.GetVacancyAsync("701", CancellationToken.None))!.AssigneeId);
        Assert.Equal(HttpStatusCode.BadRequest, repeated.Status);
        Assert.Contains("repeats a field", repeated.Body, StringComparison.Ordinal);
        Assert.Equal(1, (await _kit.Store.GetVacancyAsync("700", CancellationToken.None))!.AssigneeId); // as the first, accepted form set it
    }

    [Fact]
    public async Task AssigneeForm_WebhookWithoutTheUserScope_SaysSoAndTakesAnIdByHand()
    {
        _kit.Portal.MissingUserScope = true;
        await ThreeWrittenAsync();

        var (_, html) = await GetAsync("/api/recruiting");
        var (status, answer) = await AssignAsync(AntiforgeryValue().Match(html).Groups[1].Value, "701", "42");

        Assert.Contains("id=\"users-problem\"", html, StringComparison.Ordinal);
        Assert.Contains("user (or user_brief) scope", html, StringComparison.Ordinal);
        Assert.Contains("<input type=\"text\" id=\"user\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("not checked", answer, StringComparison.Ordinal);
        Assert.Equal(42, (await _kit.Store.GetVacancyAsync("701", CancellationToken.None))!.AssigneeId);
        AssertClean(html);
    }

    [Fact]
    public async Task Exports_EveryWrittenResponse_CsvAndJson_NoPersonalData()
    {
        var topics = await ThreeWrittenAsync();
        AddResume("r6", "Egor", "Lis", "+7 916 000-00-06");
        _kit.Employer.AddResponse("700", "r6");
        await _kit.DeliverCallbacksAsync();
        await _kit.ProcessEventsAsync(); // read, not yet written: not exported

        using var client = _kit.App.CreateClient();
        using var csvResponse = await _kit.App.Time.RunAsync(client.GetAsync(new Uri("/api/recruiting/responses.csv", UriKind.Relative)), TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1));
        var csvBytes = await csvResponse.Content.ReadAsByteArrayAsync();
        var json = (await GetAsync("/api/recruiting/responses.json")).Body;

        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xEF, 0xBB, 0xBF], csvBytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(csvBytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', DeskExport.Columns), lines[0]);
        Assert.Equal(3, lines.Length - 1);
        Assert.Contains(lines, l => l.StartsWith(topics[0] + ",700,C# developer,interview,interview,", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(topics.Order(StringComparer.Ordinal), doc.RootElement.EnumerateArray().Select(r => r.GetProperty("topic_id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(doc.RootElement.EnumerateArray(), r => Assert.StartsWith($"https://{FakeBitrix24Portal.Host}/crm/lead/details/", r.GetProperty("crm_url").GetString(), StringComparison.Ordinal));
        AssertClean(System.Text.Encoding.UTF8.GetString(csvBytes));
        AssertClean(json);
    }

    [Fact]
    public async Task Reconcile_KeepsTheActiveVacancies_ARemovedOneLeavesTheDesk_ARenamedOneIsRenamed()
    {
        await _kit.ConnectEmployerAccountAsync();
        await _kit.ReconcileAsync();
        _kit.Employer.Vacancies.RemoveAll(v => v.Id == "701");
        _kit.Employer.Vacancies.Single(v => v.Id == "700").Name = "Senior C# developer";
        await _kit.ReconcileAsync();

        var all = (await _kit.Store.ListVacanciesAsync(CancellationToken.None)).ToDictionary(v => v.VacancyId);
        Assert.True(all["700"].Active);
        Assert.Equal("Senior C# developer", all["700"].Name);
        Assert.False(all["701"].Active);
        using var doc = JsonDocument.Parse((await GetAsync("/api/recruiting", json: true)).Body);
        Assert.Equal(["700"], doc.RootElement.GetProperty("vacancies").EnumerateArray().Select(v => v.GetProperty("vacancyId").GetString()));
    }

    [Fact]
    public async Task StatusPage_LinksTheDesk_KeepingTheFunctionKey()
    {
        var (status, html) = await GetAsync("/api/status?code=k%2B1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("id=\"desk-link\" href=\"recruiting?code=k%2B1\"", html, StringComparison.Ordinal);
    }

    private static void AssertClean(string text)
    {
        foreach (var secret in FakeBitrix24Portal.Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        foreach (var personal in PersonalData)
        {
            Assert.DoesNotContain(personal, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(RecruitingKit.WebhookKey, text, StringComparison.Ordinal);
    }
}
