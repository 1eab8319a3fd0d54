using HhFunctions.Testing;
using HhFunctions.HeadHunter;

namespace HhFunctions.Tests.HeadHunter;

public sealed class HhCallPacerTests
{
    [Fact]
    public async Task WaitTurnAsync_CallsInARow_EachStartsAtLeastTheSpacingAfterThePreviousEnded()
    {
        var time = FakeClock.Create();
        var pacer = new HhCallPacer(time);
        var starts = new List<DateTimeOffset>();

        await time.RunAsync(Task.Run(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                await pacer.WaitTurnAsync(CancellationToken.None);
                starts.Add(time.GetUtcNow());
                if (i == 1)
                {
                    time.Advance(TimeSpan.FromSeconds(2)); // a slow call
                }

                pacer.CallEnded();
            }
        }), step: TimeSpan.FromMilliseconds(10));

        Assert.InRange(starts[0], FakeClock.Start, FakeClock.Start + TimeSpan.FromMilliseconds(20)); // no wait; the stepper may tick once before the start is read
        Assert.InRange(starts[1] - starts[0], HhCallPacer.MinimumSpacing, HhCallPacer.MinimumSpacing + TimeSpan.FromMilliseconds(20));
        Assert.True(starts[2] - starts[1] >= TimeSpan.FromSeconds(2) + HhCallPacer.MinimumSpacing);
        Assert.True(starts[3] - starts[2] >= HhCallPacer.MinimumSpacing);
    }
}
