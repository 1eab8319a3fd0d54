using HhFunctions.State;
using HhFunctions.StatusPage;
using HhFunctions.Testing;

namespace HhFunctions.Tests.StatusPage;

public sealed class StatusCommandTests
{
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

        var text = StatusCommand.StatusText(model);

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

        Assert.Contains("HeadHunter__ClientId / HeadHunter__ClientSecret are not set", StatusCommand.StatusText(model), StringComparison.Ordinal);
    }
}
