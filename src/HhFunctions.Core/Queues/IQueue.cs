namespace HhFunctions.Queues;

/// <summary>
/// A message that travels through one of the app's queues: its queue's name and its JSON form. Messages carry no
/// secret. <see cref="Parse"/> refuses anything that is not such a message with a <see cref="FormatException"/>
/// (the queue then retries it and finally sets it aside, like any failing message).
/// </summary>
public interface IQueueMessage<TSelf>
    where TSelf : IQueueMessage<TSelf>
{
    /// <summary>The queue's name: an Azure Storage queue in Azure (3-63 lower-case letters, digits and dashes), an in-process queue standalone.</summary>
    static abstract string QueueName { get; }

    /// <summary>How long a message may wait after its delay before it is stale and may be dropped by the queue service.</summary>
    static virtual TimeSpan TimeToLive => TimeSpan.FromDays(7);

    static abstract TSelf Parse(string? json);

    string ToJson();
}

/// <summary>Sends messages of one type: now, or visible only after a delay (capped at <see cref="QueueLimits.MaxDelay"/>).</summary>
public interface IQueue<in TMessage>
{
    Task SendAsync(TMessage message, TimeSpan delay, CancellationToken ct);
}

/// <summary>Handles one message. Throwing makes the queue try again later, <see cref="QueueLimits.MaxDequeueCount"/> times in all.</summary>
public interface IQueueHandler<in TMessage>
{
    Task HandleAsync(TMessage message, CancellationToken ct);
}

public static class QueueExtensions
{
    public static Task SendAsync<TMessage>(this IQueue<TMessage> queue, TMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.SendAsync(message, TimeSpan.Zero, ct);
    }
}

/// <summary>
/// The rules every queue shares, whichever host carries it. They mirror host.json's "queues" section (a test
/// checks), so a message is retried and set aside the same way in Azure and standalone.
/// </summary>
public static class QueueLimits
{
    /// <summary>host.json queues.maxDequeueCount: attempts before a message is set aside as poison.</summary>
    public const int MaxDequeueCount = 3;

    /// <summary>host.json queues.visibilityTimeout: the wait before a failed message is tried again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>The Storage service accepts a visibility timeout up to 7 days; a little less leaves room for clock differences.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    public static TimeSpan Clamp(TimeSpan delay) =>
        delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxDelay ? MaxDelay : delay;
}
