using HhFunctions.Bumping;
using HhFunctions.State;
using HhFunctions.Testing;

namespace HhFunctions.Tests.Bumping;

public sealed class BumpCommandsTests
{
    [Theory]
    [InlineData(RunStatus.Succeeded, "✅")]
    [InlineData(RunStatus.PartiallyFailed, "⚠️")]
    [InlineData(RunStatus.Failed, "⛔")]
    [InlineData(RunStatus.Skipped, "⏸")]
    public void BumpText_RunStatus_StartsWithItsIconAndSummary(RunStatus status, string icon)
    {
        var run = new RunRecord("id", BumpCommands.BumpTrigger, FakeClock.Start, FakeClock.Start, status, "1 raised & <0> failed.", []);

        Assert.StartsWith(icon + " <b>/bump</b> finished: 1 raised &amp; &lt;0&gt; failed.", BumpCommands.BumpText(run), StringComparison.Ordinal);
    }
}
