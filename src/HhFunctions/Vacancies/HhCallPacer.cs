namespace HhFunctions.Vacancies;

/// <summary>
/// Spaces hh.ru calls made in loops at least <see cref="MinimumSpacing"/> apart, across every caller in the
/// process. Time comes from <see cref="TimeProvider"/> only, so fake time drives it in tests.
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

        // A delay may end a hair early on some clocks: never go before the booked slot.
        while (time.GetUtcNow() < slot)
        {
            await Task.Delay(slot - time.GetUtcNow(), time, ct);
        }
    }
}
