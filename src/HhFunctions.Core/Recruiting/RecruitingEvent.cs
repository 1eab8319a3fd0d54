using System.Text.Json;
using HhFunctions.Queues;
using HhFunctions.Web;

namespace HhFunctions.Recruiting;

/// <summary>
/// A hint that a response (topic) may need writing into the CRM: from hh.ru's callback, the reconcile run or a retry
/// of a failed one. It carries ids only (no personal data); the handler re-reads everything from hh.ru.
/// </summary>
public sealed record RecruitingEvent(string TopicId, string ActionType, string Source, DateTimeOffset ReceivedAt) : IQueueMessage<RecruitingEvent>
{
    public const string Queue = "hh-recruiting-events";

    public const string NewResponse = "NEW_NEGOTIATION_VACANCY";
    public const string NewResponseOrInvitation = "NEW_RESPONSE_OR_INVITATION_VACANCY";
    public const string StateChange = "NEGOTIATION_EMPLOYER_STATE_CHANGE";

    /// <summary>Where it came from.</summary>
    public const string FromWebhook = "webhook";
    public const string FromPoll = "poll";
    public const string FromRetry = "retry";

    public static string QueueName => Queue;

    public string? VacancyId { get; init; }

    /// <summary>For a state change: the stage it moved to.</summary>
    public string? ToState { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, HttpEndpoints.JsonOptions);

    public static RecruitingEvent Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new FormatException("The queue message is empty.");
        }

        try
        {
            var message = JsonSerializer.Deserialize<RecruitingEvent>(json, HttpEndpoints.JsonOptions);
            return message is { TopicId.Length: > 0 and <= 64, ActionType.Length: > 0 and <= 64, Source.Length: > 0 and <= 16 }
                ? message
                : throw new FormatException("The queue message has no topic id, action type or source.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The queue message is not a recruiting event: {ex.Message}", ex);
        }
    }
}
