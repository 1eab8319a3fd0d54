using System.Collections.Concurrent;
using System.Threading.Channels;

namespace HhFunctions.Queues;

/// <summary>
/// The standalone host's queues, all of them: one in-memory channel per registered queue, read one message at a
/// time, with the Functions host's rules (<see cref="QueueLimits"/>): a message that fails is tried again after
/// <see cref="QueueLimits.RetryAfter"/>, <see cref="QueueLimits.MaxDequeueCount"/> times in all, then set aside
/// (logged, counted in <see cref="Poisoned"/>). Delays run on <see cref="TimeProvider"/>. Messages live in
/// memory: after a restart the schedules and reconcile runs catch up. A queue's channel and reader start with its first
/// message, not with the host: most queues get none in a run, and seven idle readers cost the start some 20 ms.
/// </summary>
public sealed partial class InProcessQueues : BackgroundService
{
    private readonly Dictionary<string, QueueRegistration> _registrations;
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<InProcessQueues> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _readers = [];
    private CancellationToken _readersStop;
    private int _started;
    private int _disposed;

    public InProcessQueues(IEnumerable<QueueRegistration> registrations, IServiceScopeFactory scopes, TimeProvider time, ILogger<InProcessQueues> logger)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        _registrations = registrations.GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _scopes = scopes;
        _time = time;
        _logger = logger;
    }

    /// <summary>Puts <paramref name="body"/> on <paramref name="queue"/>, visible after <paramref name="delay"/>.</summary>
    public void Send(string queue, string body, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!_registrations.ContainsKey(queue))
        {
            throw new InvalidOperationException($"No handler is registered for the queue '{queue}' (services.AddQueue<TMessage, THandler>()).");
        }

        var lane = LaneOf(queue);
        lane.Added();
        if (Volatile.Read(ref _started) == 1)
        {
            StartReader(queue, lane); // before the host started, ExecuteAsync starts it
        }

        _ = DeliverAsync(lane, new Delivery(Observability.QueueTrace.Stamp(queue, body, delay, _time), 1), QueueLimits.Clamp(delay));
    }

    /// <summary>Messages sent to <paramref name="queue"/> and not yet handled or set aside (waiting for their time, or being handled).</summary>
    public int Pending(string queue) => LaneOf(queue).Pending;

    /// <summary>Messages of <paramref name="queue"/> that failed <see cref="QueueLimits.MaxDequeueCount"/> times.</summary>
    public int Poisoned(string queue) => LaneOf(queue).Poisoned;

    /// <summary>Completes when every message sent to <paramref name="queue"/> so far has been handled or set aside.</summary>
    public Task WhenIdleAsync(string queue) => LaneOf(queue).WhenIdle();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = stoppingToken.Register(_stopping.Cancel);
        lock (_readers)
        {
            _readersStop = stoppingToken;
        }

        Volatile.Write(ref _started, 1);
        foreach (var (queue, lane) in _lanes)
        {
            if (lane.Pending > 0)
            {
                StartReader(queue, lane); // sent to before the host started (Send counts a message before it looks at _started)
            }
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }

        Task[] readers;
        lock (_readers)
        {
            readers = [.. _readers];
        }

        await Task.WhenAll(readers);
    }

    /// <summary>Starts <paramref name="lane"/>'s reader, once.</summary>
    private void StartReader(string queue, Lane lane)
    {
        if (!lane.TryMarkRead())
        {
            return;
        }

        lock (_readers)
        {
            _readers.Add(Task.Run(() => ReadAsync(_registrations[queue], lane, _readersStop), CancellationToken.None));
        }
    }

    private async Task ReadAsync(QueueRegistration registration, Lane lane, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in lane.Visible.Reader.ReadAllAsync(stoppingToken))
            {
                var done = true;
                try
                {
                    await using var scope = _scopes.CreateAsyncScope();
                    await registration.HandleAsync(scope.ServiceProvider, delivery.Body, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    Log.Stopped(_logger, registration.Name);
                    return;
                }
#pragma warning disable CA1031 // One failing message must not stop its queue: it is tried again, then set aside.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    if (delivery.Attempt < QueueLimits.MaxDequeueCount)
                    {
                        done = false;
                        _ = DeliverAsync(lane, delivery with { Attempt = delivery.Attempt + 1 }, QueueLimits.RetryAfter);
                        Log.WillRetry(_logger, ex, registration.Name, delivery.Attempt, QueueLimits.MaxDequeueCount); // after the retry's timer is set
                    }
                    else
                    {
                        Log.Poisoned(_logger, ex, registration.Name, delivery.Attempt);
                        lane.SetAside();
                    }
                }
                finally
                {
                    if (done)
                    {
                        lane.Done();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(Lane lane, Delivery delivery, TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, _stopping.Token);
            }

            await lane.Visible.Writer.WriteAsync(delivery, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            lane.Done();
        }
        catch (ObjectDisposedException)
        {
            lane.Done();
        }
    }

    private Lane LaneOf(string queue) => _lanes.GetOrAdd(queue, static _ => new Lane());

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // registered both as itself and as a hosted service: disposed once per registration
        }

        base.Dispose(); // cancels the stopping token first, whose callback still needs _stopping
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private sealed record Delivery(string Body, int Attempt);

    private sealed class Lane
    {
        private readonly Lock _gate = new();
        private int _pending;
        private int _poisoned;
        private int _read;
        private TaskCompletionSource _idle = Completed();

        public Channel<Delivery> Visible { get; } = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });

        public int Pending => Volatile.Read(ref _pending);

        public int Poisoned => Volatile.Read(ref _poisoned);

        public void Added()
        {
            lock (_gate)
            {
                if (_pending++ == 0)
                {
                    _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        public void SetAside() => Interlocked.Increment(ref _poisoned);

        /// <summary>True the first time only: the caller starts the lane's reader.</summary>
        public bool TryMarkRead() => Interlocked.Exchange(ref _read, 1) == 0;

        public void Done()
        {
            lock (_gate)
            {
                if (--_pending == 0)
                {
                    _idle.TrySetResult();
                }
            }
        }

        public Task WhenIdle()
        {
            lock (_gate)
            {
                return _idle.Task;
            }
        }

        private static TaskCompletionSource Completed()
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done.TrySetResult();
            return done;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(7701, LogLevel.Warning, "A message on {Queue} failed (attempt {Attempt} of {MaxAttempts}); it is tried again in 30 seconds.")]
        public static partial void WillRetry(ILogger logger, Exception exception, string queue, int attempt, int maxAttempts);

        [LoggerMessage(7702, LogLevel.Error, "A message on {Queue} failed {Attempts} times and is set aside (poison).")]
        public static partial void Poisoned(ILogger logger, Exception exception, string queue, int attempts);

        [LoggerMessage(7703, LogLevel.Information, "The queue {Queue} stopped with the app.")]
        public static partial void Stopped(ILogger logger, string queue);
    }
}

/// <summary>The standalone host's <see cref="IQueue{TMessage}"/>: a message on <see cref="InProcessQueues"/>.</summary>
public sealed class InProcessQueue<TMessage>(InProcessQueues queues) : IQueue<TMessage>
    where TMessage : IQueueMessage<TMessage>
{
    public int Pending => queues.Pending(TMessage.QueueName);

    public int Poisoned => queues.Poisoned(TMessage.QueueName);

    public Task SendAsync(TMessage message, TimeSpan delay, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        queues.Send(TMessage.QueueName, message.ToJson(), delay);
        return Task.CompletedTask;
    }

    public Task WhenIdleAsync() => queues.WhenIdleAsync(TMessage.QueueName);
}
