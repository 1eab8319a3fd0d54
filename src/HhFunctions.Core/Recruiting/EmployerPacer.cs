using HhFunctions.HeadHunter;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>
/// Paces hh.ru employer calls at Recruiting__HhCallsPerSecond, halved for ten minutes after a 429 or a captcha,
/// and then through the app's one <see cref="HhCallPacer"/> (never closer than 0.35 s to any other hh.ru call).
/// </summary>
public sealed class EmployerPacer(HhCallPacer shared, IOptions<RecruitingOptions> options, TimeProvider time)
{
    public static readonly TimeSpan SlowFor = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private DateTimeOffset _slowUntil = DateTimeOffset.MinValue;

    /// <summary>The rate in force now.</summary>
    public double CurrentRate
    {
        get
        {
            var rate = options.Value.HhCallsPerSecond;
            return time.GetUtcNow() < _slowUntil ? rate / 2 : rate;
        }
    }

    public async Task WaitTurnAsync(CancellationToken ct)
    {
        DateTimeOffset slot;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            slot = _next > now ? _next : now;
            _next = slot + TimeSpan.FromSeconds(1 / CurrentRate);
        }

        Observability.AppTelemetry.ThrottleWait("hh_employer", slot - time.GetUtcNow());
        for (var now = time.GetUtcNow(); now < slot; now = time.GetUtcNow())
        {
            // Whole milliseconds, rounded up: a timer cannot wait less, and a shorter wait would end at once, again and again.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling((slot - now).TotalMilliseconds)), time, ct);
        }

        await shared.WaitTurnAsync(ct);
    }

    /// <summary>hh.ru answered 429 or asked for a captcha: half the rate for <see cref="SlowFor"/>.</summary>
    public void SlowDown()
    {
        lock (_gate)
        {
            _slowUntil = time.GetUtcNow() + SlowFor;
        }
    }
}
