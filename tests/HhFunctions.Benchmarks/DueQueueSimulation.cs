using HhFunctions.HeadHunter;
using HhFunctions.Bumping;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Benchmarks;

/// <summary>
/// The due-time queue as the simulation sees it: each message becomes visible at its delay plus a seeded
/// 0–5 s delivery lag (host.json's queues.maxPollingInterval), and a share of messages can be dropped.
/// </summary>
internal sealed class SimulatedDueMessages(FakeTimeProvider clock, double dropShare, int seed) : IResumeDueMessages
{
    public static readonly TimeSpan MaxDeliveryLag = TimeSpan.FromSeconds(5);

#pragma warning disable CA5394 // Simulation randomness, seeded on purpose.
    private readonly Random _rng = new(seed);
    private readonly PriorityQueue<string, DateTimeOffset> _messages = new();

    public bool Enabled => true;

    public int Sent { get; private set; }

    public int Dropped { get; private set; }

    public Task SendAsync(ResumeDueMessage message, TimeSpan delay, CancellationToken ct)
    {
        Sent++;
        if (_rng.NextDouble() < dropShare)
        {
            Dropped++;
            return Task.CompletedTask;
        }

        _messages.Enqueue(message.ToJson(), clock.GetUtcNow() + delay + TimeSpan.FromMilliseconds(_rng.Next(0, (int)MaxDeliveryLag.TotalMilliseconds + 1)));
        return Task.CompletedTask;
    }
#pragma warning restore CA5394

    public DateTimeOffset? NextVisibleAt => _messages.TryPeek(out _, out var at) ? at : null;

    public string Take() => _messages.Dequeue();
}

internal static class DueQueueSimulation
{
    /// <summary>The real app with the due-time queue: timer firings and visible messages are handled in time order.</summary>
    public static PolicyResult Run(SimulationSettings settings, double dropShare, string policy)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var clock = new FakeTimeProvider(settings.Start);
        var time = new SimulatedTime(clock);
        var hh = settings.CreateHh(clock);
        var telegram = new FakeTelegramApi();
        var queue = new SimulatedDueMessages(clock, dropShare, settings.JitterSeed + 17);
        var dataPath = Path.Combine(Path.GetTempPath(), "hhfunctions-benchmark", Guid.NewGuid().ToString("N"));
        var app = BumpSimulation.BuildApp(time, new FakeNetwork(hh, telegram), dataPath, s => s.AddSingleton<IResumeDueMessages>(queue));
        try
        {
            var (access, refresh, expires) = hh.SeedTokens();
            app.Services.GetRequiredService<ITokenVault>().WriteAsync(new TokenSet(access, refresh, expires, clock.GetUtcNow()), CancellationToken.None).GetAwaiter().GetResult();
            app.Services.GetRequiredService<IStateStore>().UpdateAccountAsync(a => a with { Status = AccountStatus.Connected, ConnectedAt = clock.GetUtcNow(), TokenExpiresAt = expires }, CancellationToken.None).GetAwaiter().GetResult();

            var firings = settings.Firings();
            var next = 0;
            int timerRuns = 0, handled = 0, queueRaises = 0, noCall = 0;
            while (true)
            {
                var firing = next < firings.Count ? firings[next] : (DateTimeOffset?)null;
                var visible = queue.NextVisibleAt;
                var at = (firing, visible) switch
                {
                    ({ } f, { } v) => f <= v ? f : v,
                    ({ } f, null) => f,
                    (null, { } v) => v,
                    _ => (DateTimeOffset?)null,
                };
                if (at is not { } t || t >= settings.End)
                {
                    break;
                }

                if (t > clock.GetUtcNow())
                {
                    clock.SetUtcNow(t);
                }

                using var scope = app.Services.CreateScope();
                var job = scope.ServiceProvider.GetRequiredService<BumpResumesJob>();
                if (firing == t)
                {
                    next++;
                    timerRuns++;
                    time.Drive(job.RunAsync("timer", CancellationToken.None));
                }
                else
                {
                    handled++;
                    var before = hh.Requests.Count;
                    var run = time.Drive(job.RaiseDueAsync(ResumeDueMessage.Parse(queue.Take()), CancellationToken.None));
                    queueRaises += run?.Count(ResumeOutcome.Raised) ?? 0;
                    noCall += hh.Requests.Count == before ? 1 : 0;
                }
            }

            var notes = $"timer runs: {timerRuns}; queue messages sent {queue.Sent}, dropped {queue.Dropped}, handled {handled} ({noCall} without any hh.ru call); raises by the queue: {queueRaises}; token refreshes: {hh.SuccessfulRefreshes}";
            return new PolicyResult(policy, settings, hh, notes) { IsDueQueue = true, DropShare = dropShare };
        }
        finally
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(dataPath, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }
}
