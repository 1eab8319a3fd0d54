using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Testing;

public static class FakeClock
{
    /// <summary>The moment every test starts at unless it says otherwise.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 30, TimeSpan.Zero);

    public static FakeTimeProvider Create() => new(Start);

    /// <summary>
    /// Drives fake time while <paramref name="task"/> runs: advances by <paramref name="step"/> whenever the
    /// task is waiting (retry backoffs, in-run waits), up to <paramref name="limit"/> of fake time.
    /// </summary>
    public static async Task<T> RunAsync<T>(this FakeTimeProvider time, Task<T> task, TimeSpan? step = null, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(task);
        var stepValue = step ?? TimeSpan.FromSeconds(1);
        var end = time.GetUtcNow() + (limit ?? TimeSpan.FromHours(1));
        while (!task.IsCompleted)
        {
            // Real time only lets the task's continuations run; fake time is what the code sees.
            await Task.WhenAny(task, Task.Delay(2));
            if (task.IsCompleted)
            {
                break;
            }

            if (time.GetUtcNow() >= end)
            {
                throw new TimeoutException($"The task did not finish within {limit} of fake time.");
            }

            time.Advance(stepValue);
        }

        return await task;
    }

    public static async Task RunAsync(this FakeTimeProvider time, Task task, TimeSpan? step = null, TimeSpan? limit = null) =>
        await time.RunAsync(Wrap(task), step, limit);

    private static async Task<bool> Wrap(Task task)
    {
        await task;
        return true;
    }
}
