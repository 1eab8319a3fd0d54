using System.Globalization;
using System.Text;
using HhFunctions.Bitrix24;
using HhFunctions.Queues;
using HhFunctions.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>
/// POST /api/bitrix/events/{key} (anonymous: Bitrix24's outgoing webhook calls it; docs/recruiting.md, "Sync back").
/// {key} is the recruiting webhook key (Recruiting__WebhookKey or the one the app made), and the form's
/// auth[application_token] must be Bitrix24__OutgoingToken: both compared in constant time and never logged. It only
/// takes note: the record's id is queued and the handler reads everything from Bitrix24 and hh.ru, so the answer
/// comes at once. 404 wrong key (or sync back off), 413 over 16 KB, 415 not a form, 401 wrong or missing token,
/// 400 no record id, 202 queued (or an event that names no lead or deal update: nothing to do), 503 queue down.
/// </summary>
public sealed partial class BitrixEventsEndpoint(
    WebhookKeys keys,
    IQueue<CrmStageEvent> queue,
    IOptions<RecruitingOptions> options,
    IOptions<Bitrix24Options> crm,
    TimeProvider time,
    ILogger<BitrixEventsEndpoint> logger)
{
    public const int MaxBodyBytes = 16 * 1024;

    public async Task<IResult> EventAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var given = request.RouteValues.TryGetValue("key", out var value) ? value as string : null;
        if (!options.Value.SyncBack || string.IsNullOrEmpty(crm.Value.OutgoingToken) || !WebhookKeys.Matches(given, await keys.GetAsync(ct)))
        {
            Log.WrongKey(logger);
            return HttpEndpoints.Text(StatusCodes.Status404NotFound, "Not found.");
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            Log.Refused(logger, "too large", StatusCodes.Status413PayloadTooLarge);
            return HttpEndpoints.Text(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        if (!IsForm(request.ContentType))
        {
            Log.Refused(logger, "not a form", StatusCodes.Status415UnsupportedMediaType);
            return HttpEndpoints.Text(StatusCodes.Status415UnsupportedMediaType, "The body must be a form (Content-Type: application/x-www-form-urlencoded), as Bitrix24's outgoing webhook sends it.");
        }

        var body = await ReadLimitedAsync(request.Body, ct);
        if (body is null)
        {
            Log.Refused(logger, "too large", StatusCodes.Status413PayloadTooLarge);
            return HttpEndpoints.Text(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form;
        try
        {
            form = QueryHelpers.ParseQuery(body);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            Log.Refused(logger, "not a form", StatusCodes.Status400BadRequest);
            return HttpEndpoints.Text(StatusCodes.Status400BadRequest, "Not a Bitrix24 event: the body is not a form.");
        }

        var token = Single(form, "auth[application_token]");
        if (token is null || !WebhookKeys.Matches(token, crm.Value.OutgoingToken!))
        {
            Log.WrongToken(logger);
            return HttpEndpoints.Text(StatusCodes.Status401Unauthorized, "Not a Bitrix24 event of this portal's outgoing webhook (auth[application_token] does not match Bitrix24__OutgoingToken).");
        }

        var name = Single(form, "event")?.ToUpperInvariant();
        var entity = name switch
        {
            "ONCRMLEADUPDATE" => "lead",
            "ONCRMDEALUPDATE" => "deal",
            _ => null,
        };
        if (entity is null)
        {
            Log.Ignored(logger, name is { Length: <= 64 } n && n.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? n : "(none or malformed)");
            return HttpEndpoints.Text(StatusCodes.Status202Accepted, "Accepted (not a lead or deal update; nothing to do).");
        }

        var idText = Single(form, "data[FIELDS][ID]");
        if (idText is null || idText.Length > 18 || !idText.All(char.IsAsciiDigit)
            || !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            Log.Refused(logger, "no record id", StatusCodes.Status400BadRequest);
            return HttpEndpoints.Text(StatusCodes.Status400BadRequest, "Not a Bitrix24 event: data[FIELDS][ID] must be the record's id (digits).");
        }

        try
        {
            await queue.SendAsync(new CrmStageEvent(entity, id, CrmStageEvent.FromEvent, time.GetUtcNow()), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.QueueFailed(logger, ex.GetType().Name);
            return HttpEndpoints.Text(StatusCodes.Status503ServiceUnavailable, "Could not queue the event; send it again later.");
        }

        Log.Queued(logger, entity, id);
        return HttpEndpoints.Text(StatusCodes.Status202Accepted, "Accepted.");
    }

    private static string? Single(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form, string key) =>
        form.TryGetValue(key, out var values) && values.Count == 1 && values[0] is { Length: > 0 } v ? v : null;

    /// <summary>No Content-Type (read as a form) or application/x-www-form-urlencoded with any parameters.</summary>
    private static bool IsForm(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType)
        || contentType.Split(';', 2)[0].Trim().Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

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

    private static partial class Log
    {
        [LoggerMessage(9751, LogLevel.Warning, "BitrixEvents: a call with a wrong key (or with sync back off) was answered 404 (the key is not logged).")]
        public static partial void WrongKey(ILogger logger);

        [LoggerMessage(9752, LogLevel.Warning, "BitrixEvents: a call with a wrong or missing application token was answered 401 (the token is not logged).")]
        public static partial void WrongToken(ILogger logger);

        [LoggerMessage(9753, LogLevel.Warning, "BitrixEvents: refused a body ({Problem}); answered {Status}.")]
        public static partial void Refused(ILogger logger, string problem, int status);

        [LoggerMessage(9754, LogLevel.Information, "BitrixEvents: {Event} acknowledged; it is no lead or deal update, so nothing is queued.")]
        public static partial void Ignored(ILogger logger, string @event);

        [LoggerMessage(9755, LogLevel.Information, "BitrixEvents: {Entity} {Id} queued for sync back.")]
        public static partial void Queued(ILogger logger, string entity, long id);

        [LoggerMessage(9756, LogLevel.Error, "BitrixEvents: the queue refused the event ({Error}); answered 503 so Bitrix24 may send it again.")]
        public static partial void QueueFailed(ILogger logger, string error);
    }
}
