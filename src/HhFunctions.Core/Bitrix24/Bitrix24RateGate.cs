using Microsoft.Extensions.Options;

namespace HhFunctions.Bitrix24;

/// <summary>
/// The portal's leaky bucket (../shared/bitrix24-api.md §4.1) as this app keeps it, driven by <see cref="TimeProvider"/>.
/// Each request adds one; the level drains at Bitrix24__RatePerSecond. A request goes out at the earliest moment when
/// <list type="bullet">
/// <item>the level plus this request stays within <see cref="Ceiling"/>, half of Bitrix24__Burst: the portal's burst
/// allowance is never spent on purpose, and the other half is left to other callers from the same IP (the counter is
/// per portal and shared), and</item>
/// <item>once the level is above one, at least 1/RatePerSecond after the previous request: sustained throughput equals
/// the drain rate, so the level stays near one instead of climbing to the ceiling.</item>
/// </list>
/// Requests book their moment under a lock, so concurrent callers queue in order. A caller cancelled while waiting
/// leaves its booked moment unused (the bucket only ever errs on the slow side).
/// </summary>
public sealed class Bitrix24RateGate : IBitrix24RateGate
{
    private const double Epsilon = 1e-9;

    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly Lock _gate = new();
    private double _level; // at _at, which may lie in the future (booked requests)
    private DateTimeOffset _at;
    private DateTimeOffset _last = DateTimeOffset.MinValue; // the last booked request

    public Bitrix24RateGate(IOptions<Bitrix24Options> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _rate = options.Value.RatePerSecond > 0 ? options.Value.RatePerSecond : 2;
        Ceiling = Math.Max(1, options.Value.Burst / 2.0);
        _at = time.GetUtcNow();
    }

    /// <summary>The highest level this app lets the bucket reach: half the portal's burst allowance.</summary>
    public double Ceiling { get; }

    /// <summary>The steady spacing between requests once the level is above one: 1/RatePerSecond.</summary>
    public TimeSpan Spacing => TimeSpan.FromSeconds(1 / _rate);

    public async ValueTask WaitAsync(CancellationToken ct)
    {
        DateTimeOffset slot;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            slot = now > _at ? now : _at;
            var level = LevelAt(slot);

            // Within the app's share: wait until the level has drained to Ceiling - 1.
            if (level + 1 > Ceiling + Epsilon)
            {
                slot += Seconds((level + 1 - Ceiling) / _rate);
            }

            // Above one: keep the steady spacing, unless the level drains to one sooner (then no extra wait).
            level = LevelAt(slot);
            if (level > 1 + Epsilon && _last != DateTimeOffset.MinValue)
            {
                var drained = slot + Seconds((level - 1) / _rate);
                var spaced = _last + Spacing;
                var earliest = drained < spaced ? drained : spaced;
                if (earliest > slot)
                {
                    slot = earliest;
                }
            }

            _level = LevelAt(slot) + 1;
            _at = slot;
            _last = slot;
        }

        // A delay may end a hair early on some clocks: never go before the booked moment.
        while (_time.GetUtcNow() < slot)
        {
            await Task.Delay(slot - _time.GetUtcNow(), _time, ct);
        }
    }

    public void OnRateLimited()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (now >= _at)
            {
                _at = now;
                _level = Math.Max(LevelAt(now), Ceiling);
            }
            else
            {
                _level = Math.Max(_level, Ceiling);
            }
        }
    }

    /// <summary>The level now, counting requests already booked for later (they drain from now on).</summary>
    public Bitrix24BucketState Save()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var level = now >= _at ? LevelAt(now) : _level + ((_at - now).TotalSeconds * _rate);
            return new Bitrix24BucketState(level, now);
        }
    }

    /// <summary>Continues from a saved level: it drains from its moment on, and a level above one keeps the spacing.</summary>
    public void Restore(Bitrix24BucketState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            _level = Math.Max(0, state.Level);
            _at = state.At;
            _last = _level > 1 ? state.At : DateTimeOffset.MinValue;
        }
    }

    private double LevelAt(DateTimeOffset moment) =>
        moment <= _at ? _level : Math.Max(0, _level - ((moment - _at).TotalSeconds * _rate));

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromTicks((long)Math.Ceiling(seconds * TimeSpan.TicksPerSecond));
}
