using System.Text;
using HhFunctions.Applying;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Applying;

public sealed class ApplyFlowTests
{
    private static Dictionary<string, string?> Confirm => new() { ["Apply:Mode"] = "confirm", ["Apply:AutoSources"] = "python-remote" };

    private static async Task<IReadOnlyList<ApplyResult>> MatchesAsync(AppFactory app, params (string, string)[] matches)
    {
        using var scope = app.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<ApplyService>();
        return await app.Time.RunAsync(service.ApplyToNewMatchesAsync(matches, CancellationToken.None), TimeSpan.FromMilliseconds(400), TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task ConfirmMode_ShowsLetterWithButtons_SendTapAppliesOnce_EvenWhenTappedTwice()
    {
        using var app = await ApplyTestKit.StartAsync(Confirm);
        app.Vacancy();
        app.Vacancy("2002", "Other");

        var results = await MatchesAsync(app, ("1001", "python-remote"), ("2002", "not-chosen"));

        Assert.Equal(ApplyOutcome.AwaitingConfirmation, Assert.Single(results).Outcome);
        var prompt = app.Telegram.Messages.Last();
        Assert.Contains("I know C#, SQL", prompt.Text, StringComparison.Ordinal);
        Assert.Contains("\"send:1001\"", prompt.ReplyMarkup, StringComparison.Ordinal);
        Assert.Contains("\"edit:1001\"", prompt.ReplyMarkup, StringComparison.Ordinal);
        Assert.Contains("\"skip:1001\"", prompt.ReplyMarkup, StringComparison.Ordinal);
        Assert.Equal(0, app.Hh.ApplyPosts);

        await app.TapAsync("send:1001");
        await app.TapAsync("send:1001");

        Assert.Single(app.Hh.Negotiations);
        Assert.Equal(1, app.Hh.ApplyPosts);
        Assert.Equal(0, app.Hh.DuplicateApplications);
        Assert.Equal(2, app.Telegram.AnsweredCallbacks.Count);
    }

    [Fact]
    public async Task EditThenSend_UsesTheOwnersText()
    {
        using var app = await ApplyTestKit.StartAsync(Confirm);
        app.Vacancy();
        await MatchesAsync(app, ("1001", "python-remote"));

        await app.TapAsync("edit:1001");
        await app.BotAsync("My own letter for Acme.");
        await app.TapAsync("send:1001");

        Assert.Equal("My own letter for Acme.", Assert.Single(app.Hh.Negotiations).Message);
        Assert.Equal(LetterKind.Edited, (await app.RecordAsync("1001"))!.Letter);
    }

    [Fact]
    public async Task SkipTap_RecordsSkippedByOwner_SendsNothing()
    {
        using var app = await ApplyTestKit.StartAsync(Confirm);
        app.Vacancy();
        await MatchesAsync(app, ("1001", "python-remote"));

        await app.TapAsync("skip:1001");

        Assert.Equal("skipped_by_owner", (await app.RecordAsync("1001"))!.Reason);
        Assert.Equal(0, app.Hh.ApplyPosts);
    }

    [Fact]
    public async Task ApplyButtonFromTheDigest_Applies_AndForeignChatIsIgnored()
    {
        using var app = await ApplyTestKit.StartAsync();
        app.Vacancy();

        await app.Time.RunAsync(app.PostWebhookAsync(FakeTelegramApi.CallbackUpdate(88_001, "apply:1001", FakeTelegramApi.StrangerChatId)));
        Assert.Equal(0, app.Hh.ApplyPosts);

        await app.TapAsync("apply:1001");
        Assert.Equal(0, app.Hh.ApplyPosts); // off mode: the letter is shown first
        await app.TapAsync("send:1001");
        Assert.Single(app.Hh.Negotiations);
    }

    [Fact]
    public async Task ConfirmMode_ApplyButtonFromTheDigest_ShowsTheLetter_NothingPostedBeforeSend()
    {
        using var app = await ApplyTestKit.StartAsync(Confirm);
        app.Vacancy();

        await app.TapAsync("apply:1001");

        AssertLetterShown(app);
        Assert.Equal(0, app.Hh.ApplyPosts);
        Assert.Empty(app.Hh.Negotiations);
        Assert.Equal(ApplicationStatus.AwaitingConfirmation, (await app.RecordAsync("1001"))!.Status);

        await app.TapAsync("send:1001");

        Assert.Equal(1, app.Hh.ApplyPosts);
        Assert.Equal("1001", Assert.Single(app.Hh.Negotiations).VacancyId);
        Assert.Equal(ApplyService.TelegramSource, (await app.RecordAsync("1001"))!.Source);
        Assert.Contains("applied", app.Last(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("confirm")]
    [InlineData("off")]
    public async Task ApplyCommand_ConfirmOrOffMode_ShowsTheLetter_NothingPostedBeforeSend(string mode)
    {
        using var app = await ApplyTestKit.StartAsync(new Dictionary<string, string?> { ["Apply:Mode"] = mode, ["Apply:AutoSources"] = "python-remote" });
        app.Vacancy();

        await app.BotAsync("/apply https://hh.ru/vacancy/1001");

        AssertLetterShown(app);
        Assert.Single(app.Telegram.Messages); // the letter with its buttons is the answer
        Assert.Equal(0, app.Hh.ApplyPosts);

        await app.TapAsync("send:1001");
        await app.TapAsync("send:1001");

        Assert.Equal(1, app.Hh.ApplyPosts);
        Assert.Equal("Hello, Acme! I want the Backend developer job. I know C#, SQL. Ivan", Assert.Single(app.Hh.Negotiations).Message);
    }

    [Fact]
    public async Task ApplyCommand_Twice_ShowsTheWaitingLetterAgain_KeepingTheOwnersEdit()
    {
        using var app = await ApplyTestKit.StartAsync(Confirm);
        app.Vacancy();

        await app.BotAsync("/apply 1001");
        await app.TapAsync("edit:1001");
        await app.BotAsync("My own letter for Acme.");
        await app.BotAsync("/apply 1001");

        Assert.Contains("My own letter for Acme.", app.Telegram.Messages.Last().Text, StringComparison.Ordinal);
        Assert.Contains("\"send:1001\"", app.Telegram.Messages.Last().ReplyMarkup, StringComparison.Ordinal);
        Assert.Equal(0, app.Hh.ApplyPosts);

        await app.TapAsync("send:1001");

        Assert.Equal("My own letter for Acme.", Assert.Single(app.Hh.Negotiations).Message);
    }

    [Fact]
    public async Task AutoMode_ApplyCommandAndApplyButton_SendAtOnce()
    {
        using var app = await ApplyTestKit.StartAsync(new Dictionary<string, string?> { ["Apply:Mode"] = "auto", ["Apply:AutoSources"] = "python-remote" });
        app.Vacancy();
        app.Vacancy("2002", "Other");

        await app.BotAsync("/apply 1001");
        await app.TapAsync("apply:2002");

        Assert.Equal(["1001", "2002"], app.Hh.Negotiations.Select(n => n.VacancyId).Order(StringComparer.Ordinal));
        Assert.Equal(2, app.Hh.ApplyPosts);
        Assert.DoesNotContain(app.Telegram.Messages, m => m.ReplyMarkup?.Contains("\"send:", StringComparison.Ordinal) == true);
    }

    /// <summary>The last message is the letter with Send / Edit / Skip for vacancy 1001, as confirm mode shows a new match.</summary>
    private static void AssertLetterShown(AppFactory app)
    {
        var prompt = app.Telegram.Messages.Last();
        Assert.Contains("Apply to", prompt.Text, StringComparison.Ordinal);
        Assert.Contains("Hello, Acme! I want the Backend developer job. I know C#, SQL. Ivan", prompt.Text, StringComparison.Ordinal);
        Assert.Contains("\"send:1001\"", prompt.ReplyMarkup, StringComparison.Ordinal);
        Assert.Contains("\"edit:1001\"", prompt.ReplyMarkup, StringComparison.Ordinal);
        Assert.Contains("\"skip:1001\"", prompt.ReplyMarkup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OffMode_DoesNothingWithMatches_AutoModeAppliesToChosenSources()
    {
        using (var off = await ApplyTestKit.StartAsync())
        {
            off.Vacancy();
            Assert.Empty(await MatchesAsync(off, ("1001", "python-remote")));
            Assert.Equal(0, off.Hh.ApplyPosts);
        }

        using var auto = await ApplyTestKit.StartAsync(new Dictionary<string, string?> { ["Apply:Mode"] = "auto", ["Apply:AutoSources"] = "all" });
        auto.Vacancy();
        var result = Assert.Single(await MatchesAsync(auto, ("1001", "python-remote")));
        Assert.Equal(ApplyOutcome.Sent, result.Outcome);
        Assert.Equal("python-remote", (await auto.RecordAsync("1001"))!.Source);
        Assert.Contains("Auto-apply", auto.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedLetter_FromTheChatEndpoint_KeyNeverLogged()
    {
        using var app = await ApplyTestKit.StartAsync(Llm());
        app.Vacancy();

        await app.ApplyAsync("1001");

        Assert.Equal(app.Chat.Reply, Assert.Single(app.Hh.Negotiations).Message);
        Assert.Equal(LetterKind.Generated, (await app.RecordAsync("1001"))!.Letter);
        Assert.Equal(FakeChatApi.ApiKey, Assert.Single(app.Chat.Calls).Bearer);
        Assert.Contains("Acme", app.Chat.Calls.Single().Body, StringComparison.Ordinal);
        app.AssertNoSecretLeaked(FakeChatApi.ApiKey);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GeneratedLetterFails_TemplateIsUsed_OwnerIsTold(bool hang)
    {
        using var app = await ApplyTestKit.StartAsync(Llm());
        app.Vacancy();
        if (hang)
        {
            app.Chat.Hang = true;
        }
        else
        {
            app.Chat.FailStatus = System.Net.HttpStatusCode.InternalServerError;
        }

        await app.BotAsync("/apply 1001");
        Assert.Contains("template was used", app.Last(), StringComparison.Ordinal); // said with the letter shown for Send
        await app.TapAsync("send:1001");

        Assert.StartsWith("Hello, Acme!", Assert.Single(app.Hh.Negotiations).Message, StringComparison.Ordinal);
        app.AssertNoSecretLeaked(FakeChatApi.ApiKey);
    }

    private static Dictionary<string, string?> Llm() => new()
    {
        ["Apply:Llm:Endpoint"] = FakeChatApi.Endpoint.AbsoluteUri,
        ["Apply:Llm:Model"] = "test-model",
        ["Apply:Llm:ApiKey"] = FakeChatApi.ApiKey,
        ["Apply:Llm:Timeout"] = "00:02:00", // the longest allowed: the test drives fake time while the fake answers, so a short limit would fire under a busy CPU
    };

    [Fact]
    public async Task Tracker_ReadsAllPages_RecordsStateChanges_TellsAnswersOnce()
    {
        using var app = await ApplyTestKit.StartAsync();
        app.Hh.NegotiationsPageSize = 2;
        for (var i = 1; i <= 5; i++)
        {
            app.Vacancy(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "Job " + i);
        }

        await app.ApplyAsync("1");
        foreach (var id in new[] { "2", "3", "4", "5" })
        {
            app.Hh.AddNegotiation(id, "r1", app.Time.GetUtcNow().AddDays(-3)); // applied on the website
        }

        var first = await app.TrackAsync();
        Assert.Equal(5, first.Negotiations);
        Assert.Equal(3, first.Pages);
        var pages = app.Hh.Requests.Where(r => r.Method == "GET" && r.Uri.AbsolutePath == "/negotiations").OrderBy(r => r.At).ToList();
        Assert.All(pages.Zip(pages.Skip(1)), p => Assert.True(p.Second.At - p.First.At >= TimeSpan.FromMilliseconds(350)));
        Assert.Equal(0, first.Answers); // old history is not news

        app.Time.Advance(TimeSpan.FromHours(1));
        app.Hh.EmployerActs("1", state: "invitation", viewed: true);
        app.Hh.EmployerActs("3", state: "discard");
        var second = await app.TrackAsync();
        var third = await app.TrackAsync();

        Assert.Equal(2, second.Answers);
        Assert.Equal(0, third.Answers);
        Assert.Contains(app.SentTexts(), t => t.Contains("Invitation", StringComparison.Ordinal) && t.Contains("https://hh.ru/vacancy/1", StringComparison.Ordinal));
        Assert.Contains(app.SentTexts(), t => t.Contains("Rejection", StringComparison.Ordinal) && t.Contains("Job 3", StringComparison.Ordinal));
        var one = (await app.RecordAsync("1"))!;
        Assert.Equal(["response", "invitation"], one.History.Select(h => h.State));
        Assert.True(one.ViewedByEmployer);
    }

    [Fact]
    public async Task ApplicationsPage_FunnelAndExports()
    {
        using var app = await ApplyTestKit.StartAsync();
        app.Vacancy("1", "Job \"one\", with comma");
        app.Vacancy("2", "Job 2");
        await app.ApplyAsync("1");
        await app.ApplyAsync("2");
        app.Hh.EmployerActs("1", state: "invitation", viewed: true);
        await app.TrackAsync();
        using var client = app.CreateClient();

        var html = await client.GetStringAsync("/api/applications");
        var csv = await client.GetByteArrayAsync("/api/applications.csv");
        var json = await client.GetStringAsync("/api/applications.json");

        Assert.Contains("<svg id=\"weeks-chart\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Sent: <b>2</b>", html, StringComparison.Ordinal);
        Assert.Contains("invited 1 (50", html, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
        var text = Encoding.UTF8.GetString(csv[3..]);
        Assert.StartsWith("vacancy_id,vacancy,", text, StringComparison.Ordinal);
        Assert.Contains("\"Job \"\"one\"\", with comma\"", text, StringComparison.Ordinal);
        Assert.Contains("\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\"applications\"", json, StringComparison.Ordinal);
    }
}
