using HhFunctions.Recruiting;
using HhFunctions.Recruiting.Invitations;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Recruiting.Invitations;

/// <summary>Recruiting__Notify: each (a message per new record, no phone or e-mail), summary (once a day at the set time), errors.</summary>
public sealed class NotifyTests
{
    private static async Task<string> SummaryAsync(RecruitingKit kit)
    {
        using var scope = kit.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SummaryJob>().RunAsync(CancellationToken.None);
    }

    private static async Task ResponsesAsync(RecruitingKit kit, params string[] resumes)
    {
        foreach (var resume in resumes)
        {
            kit.Employer.AddResponse(InvitationKit.VacancyId, resume);
        }

        await kit.DeliverCallbacksAsync();
        await kit.SyncAsync();
    }

    private static List<string> RecruitingMessages(RecruitingKit kit) =>
        kit.App.SentTexts().Where(t => t.StartsWith("💼", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Each_OneMessagePerNewRecord_VacancyNameAndLink_NoPhoneNoEmail()
    {
        using var kit = await InvitationKit.ConnectedAsync(new Dictionary<string, string?> { ["Recruiting:Notify"] = "each" });
        kit.Employer.AddResume("b1b2c3d4e5f6", "Олег", "Сидоров").Telegram = "@oleg";

        await ResponsesAsync(kit, "b1b2c3d4e5f6");

        var message = Assert.Single(RecruitingMessages(kit));
        var lead = Assert.Single(kit.Leads());
        Assert.Contains(InvitationKit.VacancyName, message, StringComparison.Ordinal);
        Assert.Contains("Сидоров Олег", message, StringComparison.Ordinal);
        Assert.Contains($"https://{FakeBitrix24Portal.WebhookUrl.Authority}/crm/lead/details/{lead["id"]}/", message, StringComparison.Ordinal);
        foreach (var personal in new[] { "candidate@example.com", "123-45-67", "79261234567", "@oleg", "Звонить" })
        {
            Assert.DoesNotContain(personal, message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(FakeBitrix24Portal.WebhookUrl.AbsolutePath.Trim('/'), message, StringComparison.Ordinal); // the webhook's key
        Assert.Equal("skipped: Recruiting__Notify is not summary", await SummaryAsync(kit));
    }

    [Fact]
    public async Task Each_AnInvitedCandidate_IsToldAsAnInvitation()
    {
        using var kit = await InvitationKit.ConnectedAsync(new Dictionary<string, string?> { ["Recruiting:Notify"] = "each" });

        await kit.SayAsync($"/invite {InvitationKit.ResumeLink} {InvitationKit.VacancyId}");
        await kit.SyncAsync();

        Assert.Contains(RecruitingMessages(kit), m => m.Contains("New invitation", StringComparison.Ordinal) && m.Contains("Petrova Anna", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Summary_GoesOnceAtTheSetTime_WithCountsPerVacancyAndWhatFailed()
    {
        // The clock starts at 08:00:30 UTC = 11:00:30 in Moscow; the summary is set for 12:00 Moscow time.
        using var kit = await InvitationKit.ConnectedAsync(new Dictionary<string, string?> { ["Recruiting:SummaryTime"] = "12:00" });
        kit.Employer.AddVacancy("700200", "QA engineer");
        Assert.Equal("not due", await SummaryAsync(kit)); // the tally starts now

        await ResponsesAsync(kit, "c1c2c3d4e5f6", "c2c2c3d4e5f6");
        kit.Employer.AddResponse("700200", "c3c2c3d4e5f6");
        await kit.DeliverCallbacksAsync();
        await kit.SyncAsync();
        await kit.Store.UpdateTopicAsync("9999", _ => new TopicRecord("9999", TopicStatus.Failed, kit.App.Time.GetUtcNow(), kit.App.Time.GetUtcNow()) { Problem = "hh.ru answered HTTP 500." }, CancellationToken.None);
        Assert.Empty(RecruitingMessages(kit)); // no message per response in summary mode

        kit.App.Time.Advance(TimeSpan.FromMinutes(58)); // 11:58:30 MSK
        Assert.Equal("not due", await SummaryAsync(kit));
        kit.App.Time.Advance(TimeSpan.FromMinutes(2)); // 12:00:30 MSK
        Assert.Equal("sent", await SummaryAsync(kit));
        Assert.Equal("not due", await SummaryAsync(kit));
        kit.App.Time.Advance(TimeSpan.FromHours(5));
        Assert.Equal("not due", await SummaryAsync(kit));

        var summary = Assert.Single(RecruitingMessages(kit));
        Assert.Contains("New records in Bitrix24: 3", summary, StringComparison.Ordinal);
        Assert.Contains("C# developer: 2", summary, StringComparison.Ordinal);
        Assert.Contains("QA engineer: 1", summary, StringComparison.Ordinal);
        Assert.Contains("Failed: 1", summary, StringComparison.Ordinal);
        Assert.Contains("hh.ru answered HTTP 500.", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Иванов", summary, StringComparison.Ordinal);

        kit.App.Time.Advance(TimeSpan.FromHours(19)); // the next day's 12:00
        Assert.Equal("sent", await SummaryAsync(kit));
        Assert.Contains("New records in Bitrix24: 0", RecruitingMessages(kit)[^1], StringComparison.Ordinal); // counts start again
    }

    [Fact]
    public async Task Summary_FromTwoInstancesAtTheSameTick_OneMessage()
    {
        using var kit = await InvitationKit.ConnectedAsync(new Dictionary<string, string?> { ["Recruiting:SummaryTime"] = "11:30" });
        using var other = kit.Sibling();
        await SummaryAsync(kit);
        kit.App.Time.Advance(TimeSpan.FromDays(1));

        var outcomes = await Task.WhenAll(SummaryAsync(kit), SummaryAsync(other));

        Assert.Single(outcomes, o => o == "sent");
        Assert.Single(RecruitingMessages(kit));
    }

    [Fact]
    public async Task Errors_NoMessagePerResponse_NoSummary_ButFailuresAreStillTold()
    {
        using var kit = await InvitationKit.ConnectedAsync(new Dictionary<string, string?> { ["Recruiting:Notify"] = "errors" });

        await ResponsesAsync(kit, "d1c2c3d4e5f6");
        kit.App.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal("skipped: Recruiting__Notify is not summary", await SummaryAsync(kit));
        Assert.Empty(RecruitingMessages(kit));

        kit.Employer.PaidAccessRequired = true;
        await ResponsesAsync(kit, "d2c2c3d4e5f6", "d3c2c3d4e5f6");

        Assert.Single(RecruitingMessages(kit), m => m.Contains("paid", StringComparison.OrdinalIgnoreCase)); // once per cause
    }

    [Theory]
    [InlineData("sometimes", "09:00", null, "Recruiting__Notify")]
    [InlineData("each", "25:00", null, "Recruiting__SummaryTime")]
    [InlineData("summary", "9am", null, "Recruiting__SummaryTime")]
    [InlineData("errors", "09:00", 2001, "Recruiting__InviteMessage")]
    public void BadSetting_IsRefused_NamingIt(string notify, string time, int? messageLength, string named)
    {
        using var app = new AppFactory();
        var validator = Assert.Single(app.Services.GetServices<Microsoft.Extensions.Options.IValidateOptions<RecruitingOptions>>().OfType<InvitationOptionsValidator>());

        var result = validator.Validate(null, new RecruitingOptions { Notify = notify, SummaryTime = time, InviteMessage = messageLength is { } n ? new string('x', n) : null });

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, new RecruitingOptions()).Succeeded);
    }
}
