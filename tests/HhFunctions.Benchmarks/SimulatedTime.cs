using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Benchmarks;

/// <summary>
/// The app's <see cref="TimeProvider"/> in the simulation: delegates to the <see cref="FakeTimeProvider"/> the
/// fake hh.ru shares, and remembers when each live timer is due, so <see cref="Drive{T}"/> can jump straight to
/// the next timer (an in-run wait, a retry delay) instead of stepping through 30 days second by second.
/// </summary>
internal sealed class SimulatedTime(FakeTimeProvider clock) : TimeProvider
{
    private static readonly TimeSpan RealTimeLimit = TimeSpan.FromSeconds(60);
    private readonly Lock _gate = new();
    private readonly HashSet<TrackedTimer> _timers = [];
    private long _jumps;

    public FakeTimeProvider Clock => clock;

    /// <summary>How many times fake time jumped to the next timer.</summary>
    public long Jumps => Interlocked.Read(ref _jumps);

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override long GetTimestamp() => clock.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this);
        timer.Track(dueTime, period);
        timer.Inner = clock.CreateTimer(
            s =>
            {
                timer.Fired();
                callback(s);
            },
            state,
            dueTime,
            period);
        return timer;
    }

    /// <summary>
    /// Runs <paramref name="task"/> to completion. Whenever the app is idle (no thread-pool work queued or
    /// running, checked a few times in a row), fake time jumps to the earliest pending timer. Must be called
    /// from a thread outside the thread pool, or the pool never looks idle.
    /// </summary>
    public T Drive<T>(Task<T> task) => Drive(task, RealTimeLimit, quick: false);

    /// <summary>
    /// <see cref="Drive{T}(Task{T})"/> with its own real-time limit. <paramref name="quick"/> confirms idleness with
    /// short spins instead of 1 ms sleeps, for runs with hundreds of thousands of timer jumps. Work only enters the
    /// pool from the pool itself or from this thread (no sockets, no foreign timers), so the spins are enough; and a
    /// jump that came too early could only make the app look slower in fake time, never faster.
    /// </summary>
    public T Drive<T>(Task<T> task, TimeSpan realTimeLimit, bool quick)
    {
        ArgumentNullException.ThrowIfNull(task);
        var started = Environment.TickCount64;
        var idle = 0;
        while (!task.IsCompleted)
        {
            if (Environment.TickCount64 - started > realTimeLimit.TotalMilliseconds)
            {
                throw new TimeoutException($"The simulated run did not finish within {realTimeLimit} of real time.");
            }

            idle = PoolIsIdle() ? idle + 1 : 0;
            if (idle >= 3 && NextDue() is { } due)
            {
                idle = 0;
                Interlocked.Increment(ref _jumps);
                var now = clock.GetUtcNow();
                clock.Advance(due > now ? due - now : TimeSpan.Zero);
                continue;
            }

            if (!quick)
            {
                Thread.Sleep(idle == 0 ? 0 : 1);
            }
            else if (idle == 0)
            {
                Thread.Sleep(0);
            }
            else
            {
                Thread.SpinWait(200);
            }
        }

        return task.GetAwaiter().GetResult();
    }

    private DateTimeOffset? NextDue()
    {
        lock (_gate)
        {
            DateTimeOffset? next = null;
            foreach (var t in _timers)
            {
                if (t.Due is { } d && (next is null || d < next))
                {
                    next = d;
                }
            }

            return next;
        }
    }

    private static bool PoolIsIdle()
    {
        ThreadPool.GetAvailableThreads(out var available, out _);
        ThreadPool.GetMaxThreads(out var max, out _);
        return ThreadPool.PendingWorkItemCount == 0 && available == max;
    }

    private sealed class TrackedTimer(SimulatedTime owner) : ITimer
    {
        private TimeSpan _period;

        public ITimer? Inner { get; set; }

        public DateTimeOffset? Due { get; private set; }

        public void Track(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                _period = period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    Due = null;
                    owner._timers.Remove(this);
                }
                else
                {
                    Due = owner.GetUtcNow() + dueTime;
                    owner._timers.Add(this);
                }
            }
        }

        public void Fired()
        {
            lock (owner._gate)
            {
                if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero)
                {
                    Due = null;
                    owner._timers.Remove(this);
                }
                else
                {
                    Due = owner.GetUtcNow() + _period;
                }
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Track(dueTime, period);
            return Inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                Due = null;
                owner._timers.Remove(this);
            }

            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
