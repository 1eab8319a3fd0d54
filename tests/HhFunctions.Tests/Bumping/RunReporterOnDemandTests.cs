using HhFunctions.Bumping;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Tokens;

namespace HhFunctions.Tests.Bumping;

public sealed class RunReporterOnDemandTests
{
    private static RunRecord Run(string trigger) =>
        new("r", trigger, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, RunStatus.Succeeded, "1 raised.", [new ResumeRunResult("1", "A", ResumeOutcome.Raised, null, null)]);

    [Fact]
    public void ShouldSend_BotBumpRun_LeavesTheAnswerToTheBot()
    {
        Assert.False(RunReporter.ShouldSend(NotifyLevel.All, Run(RunReporter.OnDemandTrigger), [], null, []));
        Assert.True(RunReporter.ShouldSend(NotifyLevel.All, Run("timer"), [], null, []));
    }

    [Fact]
    public void ShouldSend_BotBumpRunWithTokenTrouble_StillReportsWithTheLink()
    {
        var problem = new TokenUnavailableException(TokenProblem.ReconnectRequired, "reconnect");

        Assert.True(RunReporter.ShouldSend(NotifyLevel.Errors, Run(RunReporter.OnDemandTrigger), [], problem, []));
    }
}
