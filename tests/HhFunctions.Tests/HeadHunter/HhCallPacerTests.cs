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

    [Fact]
    public async Task CallAsync_SlowAndFailingCalls_TheNextStartsTheSpacingAfterTheirEnd()
    {
        var time = FakeClock.Create();
        var pacer = new HhCallPacer(time);
        var starts = new List<DateTimeOffset>();
        var ends = new List<DateTimeOffset>();

        await time.RunAsync(Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                try
                {
                    _ = await pacer.CallAsync<int>(
                        async ct =>
                        {
                            starts.Add(time.GetUtcNow());
                            await Task.Delay(TimeSpan.FromSeconds(2), time, ct); // a slow answer
                            ends.Add(time.GetUtcNow());
                            return i == 1 ? throw new HhApiException(new HhError(503, HhErrorKind.ServerError, null, null, null, "down")) : i;
                        },
                        CancellationToken.None);
                }
                catch (HhApiException)
                {
                    // the second call fails: the spacing still counts from its end
                }
            }
        }), step: TimeSpan.FromMilliseconds(10));

        Assert.Equal(3, starts.Count);
        Assert.InRange(starts[1] - ends[0], HhCallPacer.MinimumSpacing, HhCallPacer.MinimumSpacing + TimeSpan.FromMilliseconds(30));
        Assert.InRange(starts[2] - ends[1], HhCallPacer.MinimumSpacing, HhCallPacer.MinimumSpacing + TimeSpan.FromMilliseconds(30));
    }
}
