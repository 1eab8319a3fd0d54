using System.Text.Json;
using Azure.Storage.Queues;
using HhFunctions.Web;

namespace HhFunctions.Bumping;

/// <summary>
/// "Resume <see cref="ResumeId"/> may be raised from <see cref="DueAt"/>": one due-time queue message. It carries
/// no secret. <see cref="Attempt"/> counts how often it was put back because a run held the lock.
/// </summary>
public sealed record ResumeDueMessage(string ResumeId, DateTimeOffset DueAt, int Attempt = 0)
{
    public string ToJson() => JsonSerializer.Serialize(this, HttpEndpoints.JsonOptions);

    /// <summary>Reads a queue message; anything else is refused with a clear reason.</summary>
    public static ResumeDueMessage Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new FormatException("The queue message is empty.");
        }

        try
        {
            var message = JsonSerializer.Deserialize<ResumeDueMessage>(json, HttpEndpoints.JsonOptions);
            return message is { ResumeId.Length: > 0 and <= 100, DueAt.Ticks: > 0, Attempt: >= 0 }
                ? message
                : throw new FormatException("The queue message has no resume id or due time.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The queue message is not a resume due-time message: {ex.Message}", ex);
        }
    }
}

/// <summary>
/// Where due-time messages go. Azure: the Storage queue <see cref="QueueNames.ResumeDue"/> with a visibility
/// delay, read by the ResumeDue function; standalone: an in-process queue with TimeProvider delays.
/// </summary>
public interface IResumeDueMessages
{
    /// <summary>False when no queue is configured (Bump__DueQueue=false): the schedule alone raises.</summary>
    bool Enabled { get; }

    /// <summary>Sends <paramref name="message"/>, visible after <paramref name="delay"/> (capped at <see cref="ResumeDueQueues.MaxDelay"/>).</summary>
    Task SendAsync(ResumeDueMessage message, TimeSpan delay, CancellationToken ct);
}

public static class ResumeDueQueues
{
    /// <summary>The Storage service accepts a visibility timeout up to 7 days; a little less leaves room for clock differences.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    public static TimeSpan Clamp(TimeSpan delay) =>
        delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxDelay ? MaxDelay : delay;
}

/// <summary>No queue: every resume is left to the schedule.</summary>
public sealed class NoResumeDueMessages : IResumeDueMessages
{
    public bool Enabled => false;

    public Task SendAsync(ResumeDueMessage message, TimeSpan delay, CancellationToken ct) =>
        throw new InvalidOperationException("The due-time queue is switched off (Bump__DueQueue=false).");
}

/// <summary>The Functions host's due-time queue: an Azure Storage queue message with a visibility delay.</summary>
public sealed class StorageQueueResumeDue(QueueServiceClient service, string queueName = QueueNames.ResumeDue) : IResumeDueMessages
{
    private readonly QueueClient _queue = service.GetQueueClient(queueName);
    private bool _created;

    public bool Enabled => true;

    public async Task SendAsync(ResumeDueMessage message, TimeSpan delay, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: ct);
            _created = true;
        }

        // The message outlives the delay by a day at most: a message nobody read by then is stale, and the
        // schedule has raised the resume since.
        await _queue.SendMessageAsync(message.ToJson(), visibilityTimeout: ResumeDueQueues.Clamp(delay), timeToLive: ResumeDueQueues.Clamp(delay) + TimeSpan.FromDays(1), cancellationToken: ct);
    }
}
