using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace HhFunctions.Testing;

/// <summary>One event the portal's outgoing webhook has to send (ONCRMLEADUPDATE / ONCRMDEALUPDATE with the record's id).</summary>
public sealed record FakeOutgoingEvent(string Event, long Id, DateTimeOffset At);

/// <summary>
/// Stages and the outgoing webhook. Leads and deals carry <c>stageId</c> (a new one starts on its pipeline's first
/// stage, NEW or CN:NEW), checked against the portal's statuses on update (an unknown stage is refused);
/// crm.lead.update / crm.deal.update take the legacy UPPER_CASE fields. An outgoing webhook registered with
/// <see cref="AddOutgoingWebhook"/> queues ONCRMLEADUPDATE / ONCRMDEALUPDATE for EVERY update, whether a recruiter moved
/// the record (<see cref="MoveStage"/>) or the app updated it through the API, as Bitrix24 does; the events go out as
/// application/x-www-form-urlencoded with <c>auth[application_token]</c> (<see cref="ApplicationToken"/>) when the test
/// calls <see cref="DeliverOutgoingEventsAsync"/>. Bitrix24 sends each event once and does not retry; events can be
/// dropped (<see cref="DropOutgoingEvents"/>) or sent twice (a redelivery).
/// </summary>
public sealed partial class FakeBitrix24Portal
{
    /// <summary>The default application token of the outgoing webhook (the app's Bitrix24__OutgoingToken).</summary>
    public const string OutgoingToken = "fakeOutgoingTokenDONOTLOG0a1b2c3d";

    private static readonly Dictionary<string, Func<FakeBitrix24Portal, JsonObject, JsonObject>> StageHandlers = new(StringComparer.Ordinal)
    {
        ["crm.lead.update"] = (f, p) => f.LegacyUpdate(1, p),
        ["crm.deal.update"] = (f, p) => f.LegacyUpdate(2, p),
    };

    private readonly HashSet<string> _outgoingEvents = new(StringComparer.Ordinal);

    /// <summary>The outgoing webhook's application token as Bitrix24 sends it.</summary>
    public string ApplicationToken { get; set; } = OutgoingToken;

    /// <summary>Where the outgoing webhook sends (null: none registered).</summary>
    public Uri? OutgoingHandler { get; private set; }

    /// <summary>Events waiting for <see cref="DeliverOutgoingEventsAsync"/>.</summary>
    public ConcurrentQueue<FakeOutgoingEvent> PendingEvents { get; } = new();

    /// <summary>Events are lost on the way (never delivered).</summary>
    public bool DropOutgoingEvents { get; set; }

    /// <summary>Every event delivered, with the handler's answer.</summary>
    public ConcurrentQueue<(FakeOutgoingEvent Event, HttpStatusCode Status)> DeliveredEvents { get; } = new();

    /// <summary>Registers an outgoing webhook: <paramref name="handler"/> gets <paramref name="events"/> (e.g. ONCRMLEADUPDATE).</summary>
    public void AddOutgoingWebhook(Uri handler, params string[] events)
    {
        lock (_gate)
        {
            OutgoingHandler = handler;
            _outgoingEvents.Clear();
            _outgoingEvents.UnionWith(events.Select(e => e.ToUpperInvariant()));
        }
    }

    /// <summary>The record's stage now (null when there is no such record).</summary>
    public string? StageOf(int entityTypeId, long id)
    {
        lock (_gate)
        {
            return _items[entityTypeId].TryGetValue(id, out var item) ? Str(item["stageId"]) : null;
        }
    }

    /// <summary>A recruiter drags the record to another stage in Bitrix24's UI (the outgoing webhook fires).</summary>
    public void MoveStage(int entityTypeId, long id, string stageId)
    {
        lock (_gate)
        {
            var item = _items[entityTypeId][id];
            CheckStage(entityTypeId, item, stageId);
            item["stageId"] = stageId;
            item["updatedTime"] = Stamp(_time.GetUtcNow());
            OnItemUpdated(entityTypeId, item);
        }
    }

    /// <summary>Sends the pending events to the handler (each <paramref name="times"/> times: a redelivery); returns the answers.</summary>
    public async Task<IReadOnlyList<HttpStatusCode>> DeliverOutgoingEventsAsync(HttpMessageHandler target, int times = 1, CancellationToken ct = default)
    {
        using var client = new HttpClient(target, disposeHandler: false);
        var answers = new List<HttpStatusCode>();
        while (PendingEvents.TryDequeue(out var e))
        {
            for (var i = 0; i < times; i++)
            {
                using var content = new FormUrlEncodedContent(EventForm(e.Event, e.Id, ApplicationToken, _time.GetUtcNow()));
                using var response = await client.PostAsync(OutgoingHandler!, content, ct);
                answers.Add(response.StatusCode);
                DeliveredEvents.Enqueue((e, response.StatusCode));
            }
        }

        return answers;
    }

    /// <summary>The form Bitrix24's outgoing webhook posts (event, event_handler_id, data[FIELDS][ID], ts, auth[...]).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> EventForm(string eventName, long id, string? applicationToken, DateTimeOffset at)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("event", eventName),
            new("event_handler_id", "7"),
            new("data[FIELDS][ID]", id.ToString(CultureInfo.InvariantCulture)),
            new("ts", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("auth[domain]", Host),
            new("auth[client_endpoint]", $"https://{Host}/rest/"),
            new("auth[server_endpoint]", "https://oauth.bitrix.info/rest/"),
            new("auth[member_id]", "a223c6b3710f85df22e9377d6c4f7553"),
        };
        if (applicationToken is not null)
        {
            form.Add(new("auth[application_token]", applicationToken));
        }

        return form;
    }

    private static string Stamp(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string FirstStage(JsonObject item) =>
        item["entityTypeId"]!.GetValue<int>() == 2 && int.TryParse(Str(item["categoryId"]), CultureInfo.InvariantCulture, out var category) && category > 0
            ? $"C{category}:NEW"
            : "NEW";

    /// <summary>An update to a stage the record's pipeline does not have is refused, as the portal does.</summary>
    private void CheckStage(int type, JsonObject item, JsonNode? stage)
    {
        if (stage is null || type is not (1 or 2))
        {
            return;
        }

        var id = Str(stage);
        var category = type == 2 && int.TryParse(Str(item["categoryId"]), CultureInfo.InvariantCulture, out var c) ? c : 0;
        var entity = type == 1 ? "STATUS" : category == 0 ? "DEAL_STAGE" : $"DEAL_STAGE_{category}";
        var known = _statuses.Where(s => Str(s["ENTITY_ID"]) == entity).Select(s => Str(s["STATUS_ID"])).ToList();
        if (category > 0 && known.Count == 0)
        {
            known = [.. _statuses.Where(s => Str(s["ENTITY_ID"]) == "DEAL_STAGE").Select(s => $"C{category}:{Str(s["STATUS_ID"])}")];
        }

        if (!known.Contains(id))
        {
            throw new PortalError(HttpStatusCode.BadRequest, "CRM_FIELD_ERROR_VALUE_NOT_VALID", "The stage does not exist in this pipeline");
        }
    }

    private void OnItemUpdated(int type, JsonObject item)
    {
        var name = type switch
        {
            1 => "ONCRMLEADUPDATE",
            2 => "ONCRMDEALUPDATE",
            _ => "ONCRMCONTACTUPDATE",
        };
        if (OutgoingHandler is not null && _outgoingEvents.Contains(name) && !DropOutgoingEvents)
        {
            PendingEvents.Enqueue(new FakeOutgoingEvent(name, item["id"]!.GetValue<long>(), _time.GetUtcNow()));
        }
    }

    private JsonObject LegacyUpdate(int type, JsonObject p)
    {
        var item = Find(type, p["id"]);
        if (p["fields"] is not JsonObject upper)
        {
            throw new PortalError(HttpStatusCode.BadRequest, string.Empty, "fields is required");
        }

        var fields = new JsonObject();
        foreach (var (key, value) in upper)
        {
            fields[Camel(key == "STATUS_ID" && type == 1 ? "STAGE_ID" : key)] = value?.DeepClone();
        }

        CheckStage(type, item, fields["stageId"]);
        Apply(item, fields, adding: false);
        OnItemUpdated(type, item);
        return Ok(true);
    }
}
