using System.Collections.Concurrent;
using System.Text.Json;
using HhFunctions.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.Queues;

public sealed class InProcessQueuesTests
{
    [Fact]
    public async Task Send_Now_HandlerGetsTheParsedMessageInOrder()
    {
        await using var kit = await Kit.StartAsync();

        await kit.Queue.SendAsync(new Ping("a"), CancellationToken.None);
        await kit.Queue.SendAsync(new Ping("b"), CancellationToken.None);
        await kit.Queue.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a", "b"], kit.Handled);
        Assert.Equal(0, kit.Queue.Pending);
    }

    [Fact]
    public async Task Send_BeforeTheHostStarted_HandledOnceItStarts()
    {
        await using var kit = await Kit.StartAsync(start: false);

        await kit.Queue.SendAsync(new Ping("early"), CancellationToken.None);
        await Task.Delay(50);
        Assert.Empty(kit.Handled);
        Assert.Equal(1, kit.Queue.Pending);

        await kit.Queues.StartAsync(CancellationToken.None);
        await kit.Queue.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await kit.Queue.SendAsync(new Ping("later"), CancellationToken.None); // the queue's reader, started by the host, reads on
        await kit.Queue.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["early", "later"], kit.Handled);
    }

    [Fact]
    public async Task Stop_WhileAMessageWaitsForItsDelay_StopsPromptlyAndTheMessageIsNotHandled()
    {
        await using var kit = await Kit.StartAsync();
        await kit.Queue.SendAsync(new Ping("now"), CancellationToken.None);
        await kit.Queue.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await kit.Queue.SendAsync(new Ping("tomorrow"), TimeSpan.FromDays(1), CancellationToken.None);

        await kit.Queues.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        kit.Time.Advance(TimeSpan.FromDays(1));
        await Task.Delay(50);
        Assert.Equal(["now"], kit.Handled); // in memory only: a restart's schedules and reconcile runs catch up
    }

    [Fact]
    public async Task Send_WithDelay_HandledOnlyWhenTheDelayHasPassedOnTheTimeProvider()
    {
        await using var kit = await Kit.StartAsync();

        await kit.Queue.SendAsync(new Ping("later"), TimeSpan.FromMinutes(5), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromMinutes(4));
        await Task.Delay(50);
        Assert.Empty(kit.Handled);
        Assert.Equal(1, kit.Queue.Pending);

        kit.Time.Advance(TimeSpan.FromMinutes(1));
        await kit.Queue.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["later"], kit.Handled);
    }

    [Fact]
    public async Task Handle_FailsTwiceThenSucceeds_TriedAgainAfterTheRetryWait_NotSetAside()
    {
        await using var kit = await Kit.StartAsync(failuresBeforeSuccess: 2);

        await kit.Queue.SendAsync(new Ping("flaky"), CancellationToken.None);
        await WaitForAsync(() => kit.Retries == 1);
        kit.Time.Advance(QueueLimits.RetryAfter);
        await WaitForAsync(() => kit.Retries == 2);
        Assert.Equal(1, kit.Queue.Pending); // still owed
        kit.Time.Advance(QueueLimits.RetryAfter);
        await kit.Queue.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["flaky"], kit.Handled);
        Assert.Equal(3, kit.Attempts);
        Assert.Equal(0, kit.Queue.Poisoned);
    }

    [Fact]
    public async Task Handle_AlwaysFails_SetAsideAfterMaxDequeueCount_QueueGoesOn()
    {
        await using var kit = await Kit.StartAsync(failuresBeforeSuccess: int.MaxValue);

        await kit.Queue.SendAsync(new Ping("broken"), CancellationToken.None);
        for (var attempt = 1; attempt < QueueLimits.MaxDequeueCount; attempt++)
        {
            var seen = attempt;
            await WaitForAsync(() => kit.Retries == seen);
            kit.Time.Advance(QueueLimits.RetryAfter);
        }

        await kit.Queue.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(QueueLimits.MaxDequeueCount, kit.Attempts);
        Assert.Equal(1, kit.Queue.Poisoned);
        Assert.Equal(0, kit.Queue.Pending);
        Assert.Single(kit.Logs.GetSnapshot(), r => r.Id.Id == 7702 && r.Level == LogLevel.Error);
    }

    [Fact]
    public async Task Send_NotAMessageOfTheQueue_RetriedThenSetAside_HandlerNeverCalled()
    {
        await using var kit = await Kit.StartAsync();

        kit.Queues.Send(Ping.QueueName, "{not json", TimeSpan.Zero);
        for (var attempt = 1; attempt < QueueLimits.MaxDequeueCount; attempt++)
        {
            var seen = attempt;
            await WaitForAsync(() => kit.Retries == seen);
            kit.Time.Advance(QueueLimits.RetryAfter);
        }

        await kit.Queue.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(kit.Handled);
        Assert.Equal(1, kit.Queue.Poisoned);
    }

    [Fact]
    public async Task Send_ToAQueueNobodyReads_RefusedAtOnce()
    {
        await using var kit = await Kit.StartAsync();

        var ex = Assert.Throws<InvalidOperationException>(() => kit.Queues.Send("nobody-reads-this", "{}", TimeSpan.Zero));

        Assert.Contains("nobody-reads-this", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QueueLimits_MirrorHostJson_SoBothHostsRetryAndSetAsideAlike()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "host.json")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("host.json not found above the test folder.");
        }

        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");

        Assert.Equal(QueueLimits.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal(QueueLimits.RetryAfter, TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var guard = Task.Delay(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.False(guard.IsCompleted, "The condition never became true.");
            await Task.Delay(5);
        }
    }

    public sealed record Ping(string Text) : IQueueMessage<Ping>
    {
        public static string QueueName => "test-pings";

        public static Ping Parse(string? json) =>
            JsonSerializer.Deserialize<Ping>(json ?? string.Empty) ?? throw new FormatException("Not a ping.");

        public string ToJson() => JsonSerializer.Serialize(this);
    }

    private sealed class PingHandler(Kit kit) : IQueueHandler<Ping>
    {
        public Task HandleAsync(Ping message, CancellationToken ct)
        {
            if (Interlocked.Increment(ref kit.AttemptCount) <= kit.FailuresBeforeSuccess)
            {
                throw new InvalidOperationException("The handler failed on purpose.");
            }

            kit.HandledQueue.Enqueue(message.Text);
            return Task.CompletedTask;
        }
    }

    private sealed class Kit : IAsyncDisposable
    {
        public int AttemptCount;

        private ServiceProvider _services = null!;

        public int FailuresBeforeSuccess { get; private init; }

        public ConcurrentQueue<string> HandledQueue { get; } = new();

        public IReadOnlyList<string> Handled => [.. HandledQueue];

        public int Attempts => Volatile.Read(ref AttemptCount);

        /// <summary>Retries planned so far (logged once the retry's timer is set, so advancing the clock then cannot miss it).</summary>
        public int Retries => Logs.GetSnapshot().Count(r => r.Id.Id == 7701);

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

        public FakeLogCollector Logs { get; private set; } = null!;

        public InProcessQueues Queues => _services.GetRequiredService<InProcessQueues>();

        public InProcessQueue<Ping> Queue => _services.GetRequiredService<InProcessQueue<Ping>>();

        public static async Task<Kit> StartAsync(int failuresBeforeSuccess = 0, bool start = true)
        {
            var kit = new Kit { FailuresBeforeSuccess = failuresBeforeSuccess };
            var services = new ServiceCollection();
            services.AddFakeLogging();
            services.AddSingleton<TimeProvider>(kit.Time);
            services.AddSingleton(kit);
            services.AddQueue<Ping, PingHandler>();
            services.AddInProcessQueues();
            kit._services = services.BuildServiceProvider();
            kit.Logs = kit._services.GetFakeLogCollector();
            if (start)
            {
                await kit.Queues.StartAsync(CancellationToken.None);
            }

            return kit;
        }

        public async ValueTask DisposeAsync()
        {
            await Queues.StopAsync(CancellationToken.None);
            await _services.DisposeAsync();
        }
    }
}
