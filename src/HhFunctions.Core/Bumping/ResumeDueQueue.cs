using System.Text.Json;
using HhFunctions.Queues;
using HhFunctions.Web;
using Microsoft.Extensions.Options;

namespace HhFunctions.Bumping;

/// <summary>
/// "Resume <see cref="ResumeId"/> may be raised from <see cref="DueAt"/>": one due-time queue message. It carries
/// no secret. <see cref="Attempt"/> counts how often it was put back because a run held the lock.
/// </summary>
public sealed record ResumeDueMessage(string ResumeId, DateTimeOffset DueAt, int Attempt = 0) : IQueueMessage<ResumeDueMessage>
{
    /// <summary>One message per resume, visible when hh.ru allows its next raise (docs/schedule.md); read by the ResumeDue function or in process.</summary>
    public const string Queue = "hh-resume-due";

    public static string QueueName => Queue;

    /// <summary>A message nobody read a day after its time is stale: the schedule has raised the resume since.</summary>
    public static TimeSpan TimeToLive => TimeSpan.FromDays(1);

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
/// Where due-time messages go: the queue of <see cref="ResumeDueMessage"/>s when Bump__DueQueue is on (the
/// default); with it off, <see cref="Enabled"/> is false and the schedule alone raises.
/// </summary>
public interface IResumeDueMessages
{
    /// <summary>False when the due-time queue is switched off (Bump__DueQueue=false): the schedule alone raises.</summary>
    bool Enabled { get; }

    /// <summary>Sends <paramref name="message"/>, visible after <paramref name="delay"/> (capped at <see cref="QueueLimits.MaxDelay"/>).</summary>
    Task SendAsync(ResumeDueMessage message, TimeSpan delay, CancellationToken ct);
}

/// <summary>The due-time queue as Bump__DueQueue says: the host's queue, or off.</summary>
public sealed class ResumeDueMessages(IQueue<ResumeDueMessage> queue, IOptions<BumpOptions> options) : IResumeDueMessages
{
    public bool Enabled => options.Value.DueQueue;

    public Task SendAsync(ResumeDueMessage message, TimeSpan delay, CancellationToken ct) =>
        Enabled
            ? queue.SendAsync(message, delay, ct)
            : throw new InvalidOperationException("The due-time queue is switched off (Bump__DueQueue=false).");
}

/// <summary>Raises the resume a due-time message names (<see cref="BumpResumesJob.RaiseDueAsync"/>).</summary>
public sealed class ResumeDueQueueHandler(BumpResumesJob job) : IQueueHandler<ResumeDueMessage>
{
    public Task HandleAsync(ResumeDueMessage message, CancellationToken ct) => job.RaiseDueAsync(message, ct);
}
