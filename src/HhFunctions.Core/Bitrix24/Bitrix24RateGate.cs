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
/// After a <c>503 QUERY_LIMIT_EXCEEDED</c> (<see cref="OnRateLimited"/>) the bucket counts as full, and the gate also
/// halves its pace (down to an eighth of RatePerSecond): the portal's counter is shared, so someone else is spending
/// it, and the docs' advice is to lower the rate. While slowed, each request waits at least 1/pace after the previous
/// one whatever the level; every <see cref="PaceRecovery"/> without another 503 doubles the pace back, up to
/// RatePerSecond. A <c>429 OPERATION_TIME_LIMIT</c> does not touch the gate: it is one method's time budget, and the
/// client pauses that method alone.
/// Requests book their moment under a lock, so concurrent callers queue in order. A caller cancelled while waiting
/// leaves its booked moment unused (the bucket only ever errs on the slow side).
/// </summary>
public sealed class Bitrix24RateGate : IBitrix24RateGate
{
    /// <summary>The lowest pace after 503s, as a fraction of RatePerSecond.</summary>
    public const double MinPaceFraction = 1.0 / 8;

    private const double Epsilon = 1e-9;

    /// <summary>How long the pace stays as it is after a 503 before it doubles back (and again after each such period).</summary>
    public static readonly TimeSpan PaceRecovery = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly Lock _gate = new();
    private double _level; // at _at, which may lie in the future (booked requests)
    private DateTimeOffset _at;
    private DateTimeOffset _last = DateTimeOffset.MinValue; // the last booked request
    private double _pace; // requests per second while slowed after a 503; _rate otherwise
    private DateTimeOffset _paceSince; // the last 503, or the last doubling back since

    public Bitrix24RateGate(IOptions<Bitrix24Options> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _rate = options.Value.RatePerSecond > 0 ? options.Value.RatePerSecond : 2;
        Ceiling = Math.Max(1, options.Value.Burst / 2.0);
        _at = time.GetUtcNow();
        _pace = _rate;
    }

    /// <summary>The highest level this app lets the bucket reach: half the portal's burst allowance.</summary>
    public double Ceiling { get; }

    /// <summary>The steady spacing between requests once the level is above one: 1/RatePerSecond.</summary>
    public TimeSpan Spacing => TimeSpan.FromSeconds(1 / _rate);

    /// <summary>Requests per second the gate allows now: RatePerSecond, or less for a while after a 503.</summary>
    public double Pace
    {
        get
        {
            lock (_gate)
            {
                RecoverPace(_time.GetUtcNow());
                return _pace;
            }
        }
    }

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

            // Slowed after a 503: at least 1/pace after the previous request, whatever the level.
            RecoverPace(now);
            if (_pace < _rate - Epsilon && _last != DateTimeOffset.MinValue)
            {
                var paced = _last + Seconds(1 / _pace);
                if (paced > slot)
                {
                    slot = paced;
                }
            }

            _level = LevelAt(slot) + 1;
            _at = slot;
            _last = slot;
        }

        // Never go before the booked moment. The wait is read once per round (read twice, the clock could pass the
        // slot in between: a negative delay throws, and exactly -1 ms means "forever"), and rounded up to whole
        // milliseconds: timers count whole milliseconds, so a shorter delay ends at once, and on a clock that only
        // moves when told to (FakeTimeProvider) the loop would never end.
        Observability.AppTelemetry.ThrottleWait("bitrix24", slot - _time.GetUtcNow());
        while (slot - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), _time, ct);
        }
    }

    public void OnRateLimited()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            RecoverPace(now);
            _pace = Math.Max(_rate * MinPaceFraction, _pace / 2);
            _paceSince = now;
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

    private void RecoverPace(DateTimeOffset now)
    {
        while (_pace < _rate && now - _paceSince >= PaceRecovery)
        {
            _pace = Math.Min(_rate, _pace * 2);
            _paceSince += PaceRecovery;
        }
    }

    private double LevelAt(DateTimeOffset moment) =>
        moment <= _at ? _level : Math.Max(0, _level - ((moment - _at).TotalSeconds * _rate));

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromTicks((long)Math.Ceiling(seconds * TimeSpan.TicksPerSecond));
}
