namespace HhFunctions.HeadHunter;

/// <summary>
/// Spaces hh.ru calls made in loops at least <see cref="MinimumSpacing"/> apart, across every caller in the
/// process: a call starts no sooner than <see cref="MinimumSpacing"/> after the previous call started and
/// after it ended (<see cref="CallEnded"/>). Time comes from <see cref="TimeProvider"/> only, so fake time drives it in tests.
/// </summary>
public sealed class HhCallPacer(TimeProvider time)
{
    public static readonly TimeSpan MinimumSpacing = TimeSpan.FromMilliseconds(350);

    private readonly Lock _gate = new();
    private DateTimeOffset _nextAllowed = DateTimeOffset.MinValue;

    /// <summary>Waits until the next call may go out, and books that moment for this caller.</summary>
    public async Task WaitTurnAsync(CancellationToken ct)
    {
        DateTimeOffset slot;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            slot = _nextAllowed > now ? _nextAllowed : now;
            _nextAllowed = slot + MinimumSpacing;
        }

        // A delay may end a hair early on some clocks: never go before the booked slot. The wait is read once per
        // turn: the clock may pass the slot between the check and the delay (another thread moving it).
        Observability.AppTelemetry.ThrottleWait("hh", slot - time.GetUtcNow());
        for (var wait = slot - time.GetUtcNow(); wait > TimeSpan.Zero; wait = slot - time.GetUtcNow())
        {
            await Task.Delay(wait, time, ct);
        }

        CallEnded(); // the call goes out now: the next waits at least the spacing from here
    }

    /// <summary>
    /// Waits its turn, makes <paramref name="call"/>, and books the spacing from the moment it ended, answered or
    /// failed: the one way to pace a call whose answer may be slow (the next call waits the spacing after it).
    /// </summary>
    public async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        await WaitTurnAsync(ct);
        try
        {
            return await call(ct);
        }
        finally
        {
            CallEnded();
        }
    }

    /// <summary>The call that waited its turn has ended (or just started): the next one waits the spacing from now.</summary>
    public void CallEnded()
    {
        lock (_gate)
        {
            var next = time.GetUtcNow() + MinimumSpacing;
            if (next > _nextAllowed)
            {
                _nextAllowed = next;
            }
        }
    }
}
