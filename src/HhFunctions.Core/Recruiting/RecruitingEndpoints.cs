using System.Text;
using System.Text.Json;
using HhFunctions.Queues;
using HhFunctions.State;
using HhFunctions.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Recruiting;

/// <summary>
/// POST /api/hh/webhook/{key} (anonymous: hh.ru calls it). Checks the key (constant time, never logged), the size and
/// the shape, takes each notification once and queues it; it never calls hh.ru or Bitrix24, so it answers at once
/// (hh.ru re-sends after a few seconds without an answer). 404 wrong key, 413 over 64 KB, 415 a body declared as
/// something other than JSON, 400 not a notification, 202 queued, 409 already taken (hh.ru counts 409 as delivered),
/// 503 when the queue or store is down (hh.ru re-sends).
/// </summary>
public sealed partial class RecruitingEndpoints(
    WebhookKeys keys,
    IRecruitingStore store,
    IQueue<RecruitingEvent> queue,
    TimeProvider time,
    ILogger<RecruitingEndpoints> logger)
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The action types that name a response; others are acknowledged and not queued.</summary>
    public static readonly IReadOnlySet<string> TopicActions = new HashSet<string>(StringComparer.Ordinal)
    {
        RecruitingEvent.NewResponse, RecruitingEvent.NewResponseOrInvitation, RecruitingEvent.StateChange,
    };

    public async Task<IResult> WebhookAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var given = request.RouteValues.TryGetValue("key", out var value) ? value as string : null;
        if (!WebhookKeys.Matches(given, await keys.GetAsync(ct)))
        {
            Log.WrongKey(logger);
            return Results.Text("Not found.", "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            Log.TooLarge(logger, request.ContentLength.Value);
            return Text(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        if (!IsJson(request.ContentType))
        {
            Log.NotJsonContent(logger);
            return Text(StatusCodes.Status415UnsupportedMediaType, "The body must be JSON (Content-Type: application/json), as hh.ru sends it.");
        }

        var body = await ReadLimitedAsync(request.Body, ct);
        if (body is null)
        {
            Log.TooLarge(logger, -1);
            return Text(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        if (Notification.TryParse(body, out var notification, out var problem) is false)
        {
            Log.NotANotification(logger, problem);
            return Text(StatusCodes.Status400BadRequest, "Not an hh.ru notification: " + problem);
        }

        if (!TopicActions.Contains(notification.ActionType) || notification.TopicId is null)
        {
            Log.Ignored(logger, notification.ActionType);
            return Text(StatusCodes.Status202Accepted, "Accepted (not a response notification; nothing to do).");
        }

        // user_id is deprecated and may be "0": one app serves one employer account, so the key is action type + id.
        var key = notification.ActionType + "|" + notification.Id;
        var now = time.GetUtcNow();
        try
        {
            if (!await store.TryRecordNotificationAsync(key, now, ct))
            {
                Log.Duplicate(logger, notification.ActionType);
                return Text(StatusCodes.Status409Conflict, "Already taken.");
            }

            try
            {
                await queue.SendAsync(new RecruitingEvent(notification.TopicId, notification.ActionType, RecruitingEvent.FromWebhook, now)
                {
                    VacancyId = notification.VacancyId,
                    ToState = notification.ToState,
                }, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await store.ForgetNotificationAsync(key, CancellationToken.None);
                Log.QueueFailed(logger, ex.GetType().Name);
                return Text(StatusCodes.Status503ServiceUnavailable, "Could not queue the notification; send it again later.");
            }
        }
        catch (StateStoreException ex)
        {
            Log.StoreFailed(logger, ex.Message);
            return Text(StatusCodes.Status503ServiceUnavailable, "Storage unavailable; send it again later.");
        }

        Log.Queued(logger, notification.ActionType, notification.TopicId);
        return Text(StatusCodes.Status202Accepted, "Accepted.");
    }

    private static IResult Text(int status, string body) => HttpEndpoints.Text(status, body);

    /// <summary>No Content-Type (read as JSON), application/json, text/json or a +json type, with any parameters.</summary>
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The body as UTF-8 text, or null when it is longer than <see cref="MaxBodyBytes"/> (whatever Content-Length said).</summary>
    private static async Task<string?> ReadLimitedAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxBodyBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), ct)) > 0)
        {
            total += read;
        }

        return total > MaxBodyBytes ? null : Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>hh.ru's callback envelope: id, action_type and payload are required; payload values are strings.</summary>
    internal sealed record Notification(string Id, string ActionType, string? TopicId, string? VacancyId, string? ToState)
    {
        public static bool TryParse(string body, out Notification notification, out string problem)
        {
            notification = null!;
            try
            {
                using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    problem = "the body is not a JSON object";
                    return false;
                }

                if (Unreadable(root, "id", "action_type") is { } bad)
                {
                    problem = bad + " is a number that is not an hh.ru id (ids are strings of digits)";
                    return false;
                }

                var id = Text(root, "id");
                var action = Text(root, "action_type");
                if (id is null || action is null)
                {
                    problem = "id and action_type must be non-empty strings";
                    return false;
                }

                if (id.Length > 256 || action.Length > 64)
                {
                    problem = "id or action_type is too long";
                    return false;
                }

                if (!root.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
                {
                    problem = "payload must be an object";
                    return false;
                }

                if (Unreadable(payload, "topic_id", "vacancy_id") is { } badId)
                {
                    problem = "payload." + badId + " is not an hh.ru id (a number too large, negative or not whole)";
                    return false;
                }

                var topic = Text(payload, "topic_id");
                if (topic is not null && (topic.Length > 64 || !topic.All(char.IsAsciiLetterOrDigit)))
                {
                    problem = "payload.topic_id is not an hh.ru id";
                    return false;
                }

                notification = new Notification(id, action, topic, Text(payload, "vacancy_id"), Text(payload, "to_state"));
                problem = string.Empty;
                return true;
            }
            catch (JsonException)
            {
                problem = "the body is not JSON, or is nested deeper than 16 levels";
                return false;
            }
        }

        /// <summary>The first of <paramref name="names"/> given as a number that is no whole, non-negative 64-bit one (1e400, 1.5, -3).</summary>
        private static string? Unreadable(JsonElement e, params string[] names) =>
            names.FirstOrDefault(n => e.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number && !(v.TryGetInt64(out var x) && x >= 0));

        /// <summary>A string (or a whole number, as some ids may come) property's text; null when missing or empty.</summary>
        private static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v)
                ? v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : null,
                    JsonValueKind.Number when v.TryGetInt64(out var n) && n >= 0 => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => null,
                }
                : null;
    }

    private static partial class Log
    {
        [LoggerMessage(9001, LogLevel.Warning, "HhWebhook: a call with a wrong key was answered 404 (the key is not logged).")]
        public static partial void WrongKey(ILogger logger);

        [LoggerMessage(9002, LogLevel.Warning, "HhWebhook: a body of {Length} bytes was refused (the limit is 64 KB; -1: no Content-Length).")]
        public static partial void TooLarge(ILogger logger, long length);

        [LoggerMessage(9003, LogLevel.Warning, "HhWebhook: refused a body that is not an hh.ru notification: {Problem}.")]
        public static partial void NotANotification(ILogger logger, string problem);

        [LoggerMessage(9004, LogLevel.Information, "HhWebhook: {ActionType} acknowledged; it names no response, so nothing is queued.")]
        public static partial void Ignored(ILogger logger, string actionType);

        [LoggerMessage(9005, LogLevel.Information, "HhWebhook: a {ActionType} notification already taken was answered 409.")]
        public static partial void Duplicate(ILogger logger, string actionType);

        [LoggerMessage(9006, LogLevel.Information, "HhWebhook: {ActionType} for topic {TopicId} queued.")]
        public static partial void Queued(ILogger logger, string actionType, string topicId);

        [LoggerMessage(9007, LogLevel.Error, "HhWebhook: the queue refused the notification ({Error}); answered 503 so hh.ru sends it again.")]
        public static partial void QueueFailed(ILogger logger, string error);

        [LoggerMessage(9008, LogLevel.Error, "HhWebhook: storage unavailable ({Reason}); answered 503 so hh.ru sends it again.")]
        public static partial void StoreFailed(ILogger logger, string reason);

        [LoggerMessage(9009, LogLevel.Warning, "HhWebhook: refused a body whose Content-Type is not JSON (answered 415).")]
        public static partial void NotJsonContent(ILogger logger);
    }
}
