using HhFunctions.Web;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Testing;
using HhFunctions.StatusPage;

namespace HhFunctions.Tests.Telegram;

public sealed class BotCommandsTests
{
    [Theory]
    [InlineData("/status", "status")]
    [InlineData("  /Status@HhRaiserBot  now", "status")]
    [InlineData("/bump\nplease", "bump")]
    [InlineData("/PAUSE", "pause")]
    [InlineData("hello", "")]
    [InlineData("/", "")]
    [InlineData("", "")]
    [InlineData("status /status", "")]
    public void ParseCommand_Text_ReturnsLowerCaseCommandName(string text, string expected)
    {
        Assert.Equal(expected, BotCommands.ParseCommand(text));
    }

    [Fact]
    public void ParseCommand_VeryLongCommand_IsCutTo32Characters()
    {
        Assert.Equal(32, BotCommands.ParseCommand("/" + new string('x', 500)).Length);
    }

    [Theory]
    [InlineData(424242, "424242", true)]
    [InlineData(-1001234567890, "-1001234567890", true)]
    [InlineData(424243, "424242", false)]
    [InlineData(424242, null, false)]
    [InlineData(424242, "", false)]
    [InlineData(424242, "not-a-number", false)]
    public void IsOwnerChat_ChatId_MatchesOnlyTheConfiguredChat(long chatId, string? configured, bool expected)
    {
        Assert.Equal(expected, BotCommands.IsOwnerChat(chatId, configured));
    }

    [Fact]
    public void StatusText_NeedsReconnectAndPaused_SaysBothAndEscapesHtml()
    {
        var now = FakeClock.Start;
        var model = new StatusModel(
            now,
            Configured: true,
            AccountStatus.NeedsReconnect,
            "Ivan <Petrov>",
            "needs reconnect",
            now.AddDays(-1),
            "hh.ru says the token was revoked & must be renewed",
            Paused: true,
            [new ResumeState("r1", "C# <dev>", null, now.AddHours(2), ResumeOutcome.NotYet, null, now)],
            [],
            null);

        var text = BotCommands.StatusText(model);

        Assert.Contains("Account: <b>Ivan &lt;Petrov&gt;</b> — needs reconnect: /connect", text, StringComparison.Ordinal);
        Assert.Contains("Token: needs reconnect\n", text, StringComparison.Ordinal);
        Assert.Contains("⚠️ hh.ru says the token was revoked &amp; must be renewed", text, StringComparison.Ordinal);
        Assert.Contains("⏸ Raising is paused — /resume to continue.", text, StringComparison.Ordinal);
        Assert.Contains("• <b>C# &lt;dev&gt;</b> — not yet; last raise —; next 02 Mar 10:00 UTC", text, StringComparison.Ordinal);
        Assert.EndsWith("No runs yet.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusText_HhCredentialsMissing_SaysWhichSettings()
    {
        var model = new StatusModel(FakeClock.Start, Configured: false, AccountStatus.NotConnected, null, "not connected", null, null, false, [], [], null);

        Assert.Contains("HeadHunter__ClientId / HeadHunter__ClientSecret are not set", BotCommands.StatusText(model), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RunStatus.Succeeded, "✅")]
    [InlineData(RunStatus.PartiallyFailed, "⚠️")]
    [InlineData(RunStatus.Failed, "⛔")]
    [InlineData(RunStatus.Skipped, "⏸")]
    public void BumpText_RunStatus_StartsWithItsIconAndSummary(RunStatus status, string icon)
    {
        var run = new RunRecord("id", BotCommands.BumpTrigger, FakeClock.Start, FakeClock.Start, status, "1 raised & <0> failed.", []);

        Assert.StartsWith(icon + " <b>/bump</b> finished: 1 raised &amp; &lt;0&gt; failed.", BotCommands.BumpText(run), StringComparison.Ordinal);
    }
}
