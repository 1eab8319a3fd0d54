using System.Text.Json;
using HhFunctions.Queues;
using HhFunctions.Web;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>"Write what waits in the outbox into Bitrix24": sent after a response is read (delayed a little so several share one request) and when a pause ends.</summary>
public sealed record CrmDrain(DateTimeOffset RequestedAt) : IQueueMessage<CrmDrain>
{
    public const string Queue = "hh-crm-writes";

    public static string QueueName => Queue;

    public string ToJson() => JsonSerializer.Serialize(this, HttpEndpoints.JsonOptions);

    public static CrmDrain Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new FormatException("The queue message is empty.");
        }

        try
        {
            return JsonSerializer.Deserialize<CrmDrain>(json, HttpEndpoints.JsonOptions) ?? throw new FormatException("The queue message is empty.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The queue message is not a CRM write request: {ex.Message}", ex);
        }
    }
}

/// <summary>Runs the CRM writer for a <see cref="CrmDrain"/> message.</summary>
public sealed class CrmDrainHandler(CrmWriter writer) : IQueueHandler<CrmDrain>
{
    public Task HandleAsync(CrmDrain message, CancellationToken ct) => writer.DrainAsync(ct);
}

/// <summary>
/// Schedules a drain at most once per Recruiting__MaxWriteDelay: the first response read after a drain books one
/// that many seconds ahead, and those read meanwhile ride along (one Bitrix24 batch for all of them).
/// </summary>
public sealed class CrmDrainScheduler(IRecruitingStore store, IQueue<CrmDrain> queue, IOptions<RecruitingOptions> options, TimeProvider time)
{
    public async Task ScheduleAsync(TimeSpan? delay, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var wait = delay ?? options.Value.MaxWriteDelay;
        var due = now + wait;
        var booked = false;
        await store.UpdateStateAsync(s =>
        {
            if (s.DrainDueAt is { } at && at > now - TimeSpan.FromMinutes(5) && at <= due)
            {
                return s; // one is booked already, no later than this one would be (and not stale)
            }

            booked = true;
            return s with { DrainDueAt = due };
        }, ct);
        if (booked)
        {
            await queue.SendAsync(new CrmDrain(now), wait, ct);
        }
    }
}
