using Azure.Storage.Queues;
using HhFunctions.Observability;

namespace HhFunctions.Queues;

/// <summary>
/// The Functions host's queues: Azure Storage queues of the host's own account (AzureWebJobsStorage), read by the
/// [QueueTrigger] functions; the host retries a failing message and then moves it to "{name}-poison" (host.json).
/// A delay is the message's visibility timeout. Each message carries the sender's trace context (<see cref="QueueTrace"/>).
/// </summary>
public sealed class StorageQueue<TMessage>(QueueServiceClient service, string? queueName = null, TimeProvider? time = null) : IQueue<TMessage>
    where TMessage : IQueueMessage<TMessage>
{
    private readonly QueueClient _queue = service.GetQueueClient(queueName ?? TMessage.QueueName);
    private volatile bool _created;

    public async Task SendAsync(TMessage message, TimeSpan delay, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: ct);
            _created = true;
        }

        var visibleAfter = QueueLimits.Clamp(delay);
        var body = QueueTrace.Stamp(_queue.Name, message.ToJson(), visibleAfter, time ?? TimeProvider.System);
        await _queue.SendMessageAsync(body, visibilityTimeout: visibleAfter, timeToLive: visibleAfter + TMessage.TimeToLive, cancellationToken: ct);
    }
}
