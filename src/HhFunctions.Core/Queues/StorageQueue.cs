using Azure.Storage.Queues;

namespace HhFunctions.Queues;

/// <summary>
/// The Functions host's queues: Azure Storage queues of the host's own account (AzureWebJobsStorage), read by the
/// [QueueTrigger] functions; the host retries a failing message and then moves it to "{name}-poison" (host.json).
/// A delay is the message's visibility timeout.
/// </summary>
public sealed class StorageQueue<TMessage>(QueueServiceClient service, string? queueName = null) : IQueue<TMessage>
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
        await _queue.SendMessageAsync(message.ToJson(), visibilityTimeout: visibleAfter, timeToLive: visibleAfter + TMessage.TimeToLive, cancellationToken: ct);
    }
}
