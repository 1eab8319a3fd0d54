using System.Net;
using HhFunctions.Applying;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;

namespace HhFunctions.Tests.Applying;

public sealed class ApplyServiceTests
{
    [Theory]
    [InlineData("1001")]
    [InlineData("https://hh.ru/vacancy/1001?from=search")]
    [InlineData("hh.ru/vacancy/1001")]
    [InlineData("https://api.hh.ru/vacancies/1001")]
    public async Task ApplyCommand_SendsOnceWithTheTemplateLetter_AndRecordsIt(string argument)
    {
        using var app = await ApplyTestKit.StartAsync();
        app.Vacancy();

        await app.BotAsync("/apply " + argument);
        Assert.Contains("\"send:1001\"", app.Telegram.Messages.Last().ReplyMarkup, StringComparison.Ordinal); // the letter first (off mode)
        Assert.Equal(0, app.Hh.ApplyPosts);
        await app.TapAsync("send:1001");

        var negotiation = Assert.Single(app.Hh.Negotiations);
        Assert.Equal("Hello, Acme! I want the Backend developer job. I know C#, SQL. Ivan", negotiation.Message);
        Assert.Equal("r1", negotiation.ResumeId);
        Assert.Equal(1, app.Hh.ApplyPosts);
        var record = await app.RecordAsync("1001");
        Assert.Equal(ApplicationStatus.Sent, record!.Status);
        Assert.Equal(negotiation.Id, record.NegotiationId);
        Assert.Equal(LetterKind.Template, record.Letter);
        Assert.Contains("applied", app.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyCommand_NotAVacancy_AnswersUsage_SendsNothing()
    {
        using var app = await ApplyTestKit.StartAsync();

        await app.BotAsync("/apply https://example.com/vacancy/1");

        Assert.Contains("not a vacancy id", app.Last(), StringComparison.Ordinal);
        Assert.Equal(0, app.Hh.ApplyPosts);
    }

    [Theory]
    [InlineData("archived", "archived")]
    [InlineData("relations", "already_applied")]
    [InlineData("test", "has_test")]
    [InlineData("letter", "letter_required")]
    [InlineData("direct", "direct")]
    public async Task PreflightSkips_AreRecordedWithTheReason_AndNothingIsPosted(string what, string reason)
    {
        using var app = await ApplyTestKit.StartAsync(what == "letter" ? new Dictionary<string, string?> { ["Apply:LetterTemplate"] = null } : null);
        var v = app.Vacancy();
        switch (what)
        {
            case "archived": v.Archived = true; break;
            case "relations": v.ExtraRelations.Add("favorited"); break;
            case "test": v.HasTest = true; break;
            case "letter": v.LetterRequired = true; break;
            default: v.ResponseUrl = "https://careers.acme.example/apply"; break;
        }

        var result = await app.ApplyAsync("1001");

        Assert.Equal(ApplyOutcome.Skipped, result.Outcome);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(reason, (await app.RecordAsync("1001"))!.Reason);
        Assert.Equal(0, app.Hh.ApplyPosts);
    }

    [Fact]
    public async Task NoPublishedResume_Skips()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["Apply:LetterTemplate"] = ApplyTestKit.Template });
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Draft", status: "not_published");
        app.Vacancy();

        var result = await app.ApplyAsync("1001");

        Assert.Equal("no_resume", result.Reason);
        Assert.Equal(0, app.Hh.ApplyPosts);
    }

    [Fact]
    public async Task DailyLimit_CountsRolling24Hours_ThenFreesASlot()
    {
        using var app = await ApplyTestKit.StartAsync(new Dictionary<string, string?> { ["Apply:DailyLimit"] = "2" });
        foreach (var id in new[] { "1", "2", "3" })
        {
            app.Vacancy(id, "Job " + id);
        }

        Assert.Equal(ApplyOutcome.Sent, (await app.ApplyAsync("1")).Outcome);
        Assert.Equal(ApplyOutcome.Sent, (await app.ApplyAsync("2")).Outcome);
        var third = await app.ApplyAsync("3");
        Assert.Equal("daily_limit", third.Reason);
        Assert.Equal(2, app.Hh.ApplyPosts);

        app.Time.Advance(TimeSpan.FromHours(24));
        Assert.Equal(ApplyOutcome.Sent, (await app.ApplyAsync("3")).Outcome);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(429)]
    [InlineData(0)] // a bare 429 without a body
    public async Task HhLimitExceeded_StopsForTheWindow_SaysUntilWhenOnce(int status)
    {
        using var app = await ApplyTestKit.StartAsync();
        app.Hh.DailyApplicationCap = 1;
        app.Hh.LimitStatus = status;
        foreach (var id in new[] { "1", "2", "3" })
        {
            app.Vacancy(id, "Job " + id);
        }

        Assert.Equal(ApplyOutcome.Sent, (await app.ApplyAsync("1")).Outcome);
        var refused = await app.ApplyAsync("2");
        var later = await app.ApplyAsync("3");

        Assert.Equal("limit_exceeded", refused.Reason);
        Assert.Contains("until", refused.Message, StringComparison.Ordinal);
        Assert.Equal("limit_exceeded", later.Reason);
        Assert.Equal(2, app.Hh.ApplyPosts); // the third was never posted
        Assert.Single(app.SentTexts(), t => t.Contains("limit of applications", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Captcha_StopsAndTellsTheOwnerOnce()
    {
        using var app = await ApplyTestKit.StartAsync();
        app.Vacancy("1", "Job 1");
        app.Vacancy("2", "Job 2");
        app.Hh.Fail("negotiations", () => FakeHhApi.Json(HttpStatusCode.Forbidden, """{"errors":[{"type":"captcha_required","value":"captcha_required","captcha_url":"https://hh.ru/account/captcha?state=x"}]}"""));

        var first = await app.ApplyAsync("1", "watch-a");
        var second = await app.ApplyAsync("2", "watch-a");

        Assert.Equal("captcha_required", first.Reason);
        Assert.Equal("captcha_required", second.Reason);
        Assert.Equal(1, app.Hh.ApplyPosts);
        Assert.Single(app.SentTexts(), t => t.Contains("captcha", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("resource_policy_violation", "refused")]
    [InlineData("application_denied", "refused")]
    [InlineData("resume_visibility_conflict", "refused")]
    [InlineData("invalid_vacancy", "invalid_vacancy")]
    [InlineData("already_applied", "already_applied")]
    [InlineData("test_required", "has_test")]
    public async Task Refusals_AreMappedWithHhsOwnWords(string value, string reason)
    {
        using var app = await ApplyTestKit.StartAsync();
        app.Vacancy();
        app.Hh.Fail("negotiations", () => FakeHhApi.Errors(HttpStatusCode.Forbidden, "negotiations", value));

        var result = await app.ApplyAsync("1001");

        Assert.Equal(reason, result.Reason);
        if (reason == "refused")
        {
            Assert.Contains(value, result.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, app.Hh.ApplyPosts);
    }

    [Fact]
    public async Task UndocumentedDescriptionOnly400_IsShownInHhsWords()
    {
        using var app = await ApplyTestKit.StartAsync();
        app.Vacancy();
        app.Hh.Fail("negotiations", () => FakeHhApi.Json(HttpStatusCode.BadRequest, """{"description":"\"enable_applicant_visibility_in_country\" param required"}"""));

        var result = await app.ApplyAsync("1001");

        Assert.Equal(ApplyOutcome.Refused, result.Outcome);
        Assert.Contains("enable_applicant_visibility_in_country", result.Message, StringComparison.Ordinal);
    }
}
