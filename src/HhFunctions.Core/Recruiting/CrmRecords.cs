using System.Text.Json.Nodes;

namespace HhFunctions.Recruiting;

/// <summary>The Bitrix24 fields of a response's records (crm.item.*: camelCase; ../shared/bitrix24-api.md §6).</summary>
public static class CrmRecords
{
    public const string Originator = "hh.ru";
    public const int LeadType = 1;
    public const int DealType = 2;
    public const int ContactType = 3;

    /// <summary>The text a repeat response's comment carries, by which a re-send finds it.</summary>
    public static string ResponseMarker(string topicId) => "[hh.ru response " + topicId + "]";

    /// <summary>The text the PDF comment carries, by which a re-send finds it.</summary>
    public static string PdfMarker(string topicId) => "(hh.ru topic " + topicId + ")";

    public static JsonObject Lead(Candidate c, string? sourceId)
    {
        var fields = Person(c, sourceId);
        fields["title"] = c.Title;
        fields["originId"] = c.TopicId;
        fields["sourceDescription"] = ResponseMarker(c.TopicId);
        fields["comments"] = c.Summary;
        return new JsonObject { ["entityTypeId"] = LeadType, ["fields"] = fields };
    }

    /// <summary>deal mode: the person as a contact, keyed by the resume's owner (ORIGIN_ID) when hh.ru gives one.</summary>
    public static JsonObject Contact(Candidate c, string? sourceId)
    {
        var fields = Person(c, sourceId);
        fields["originId"] = ContactOrigin(c);
        return new JsonObject { ["entityTypeId"] = ContactType, ["fields"] = fields };
    }

    public static string ContactOrigin(Candidate c) => c.OwnerId is { Length: > 0 } owner ? "owner-" + owner : "topic-" + c.TopicId;

    /// <summary>deal mode: the deal in Bitrix24__DealCategoryId; <paramref name="contactId"/> is an id or a batch reference.</summary>
    public static JsonObject Deal(Candidate c, string? sourceId, int categoryId, JsonNode contactId)
    {
        var fields = new JsonObject
        {
            ["title"] = c.Title,
            ["categoryId"] = categoryId,
            ["contactId"] = contactId,
            ["originatorId"] = Originator,
            ["originId"] = c.TopicId,
            ["sourceDescription"] = ResponseMarker(c.TopicId),
            ["comments"] = c.Summary,
        };
        if (sourceId is not null)
        {
            fields["sourceId"] = sourceId;
        }

        return new JsonObject { ["entityTypeId"] = DealType, ["fields"] = fields };
    }

    /// <summary>lead mode: a repeat response as a timeline comment on the person's existing lead.</summary>
    public static JsonObject RepeatComment(Candidate c, long leadId) => new()
    {
        ["fields"] = new JsonObject
        {
            ["ENTITY_ID"] = leadId,
            ["ENTITY_TYPE"] = "lead",
            ["COMMENT"] = "New response on hh.ru " + ResponseMarker(c.TopicId) + ": " + c.Title + "\n" + c.Summary,
        },
    };

    public static JsonObject PdfComment(string topicId, string entityType, long entityId, byte[] pdf) => new()
    {
        ["fields"] = new JsonObject
        {
            ["ENTITY_ID"] = entityId,
            ["ENTITY_TYPE"] = entityType,
            ["COMMENT"] = "Resume PDF " + PdfMarker(topicId),
            ["FILES"] = new JsonArray(new JsonArray("resume-" + topicId + ".pdf", Convert.ToBase64String(pdf))),
        },
    };

    /// <summary>crm.item.list by ORIGINATOR_ID/ORIGIN_ID (the answer is checked too: a portal that ignores the filter must not match).</summary>
    public static JsonObject ByOrigin(int entityTypeId, string originId) => new()
    {
        ["entityTypeId"] = entityTypeId,
        ["filter"] = new JsonObject { ["=originatorId"] = Originator, ["=originId"] = originId },
        ["select"] = new JsonArray("id", "originId", "originatorId"),
    };

    public static JsonObject CommentsOf(string entityType, long entityId) => new()
    {
        ["filter"] = new JsonObject { ["ENTITY_ID"] = entityId, ["ENTITY_TYPE"] = entityType },
        ["select"] = new JsonArray("ID", "COMMENT"),
        ["order"] = new JsonObject { ["ID"] = "DESC" }, // newest first: the comment looked for is among the latest
    };

    /// <summary>The id of the item in a crm.item.list answer whose originId matches, or null.</summary>
    public static long? FoundByOrigin(JsonNode? result, string originId)
    {
        var items = result?["items"] as JsonArray ?? result as JsonArray;
        foreach (var item in items ?? [])
        {
            var origin = item?["originId"]?.ToString() ?? item?["ORIGIN_ID"]?.ToString();
            var originator = item?["originatorId"]?.ToString() ?? item?["ORIGINATOR_ID"]?.ToString();
            if (origin == originId && (originator is null || originator == Originator) && Id(item?["id"] ?? item?["ID"]) is { } id)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>The id of the comment in a crm.timeline.comment.list answer that carries <paramref name="marker"/>.</summary>
    public static long? FoundComment(JsonNode? result, string marker)
    {
        foreach (var item in result as JsonArray ?? result?["items"] as JsonArray ?? [])
        {
            if (item?["COMMENT"]?.ToString()?.Contains(marker, StringComparison.Ordinal) == true && Id(item["ID"]) is { } id)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>An id from an answer: a number, a numeric string, or crm.item.add's {"item":{"id":…}}.</summary>
    public static long? Id(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            return Id(o["item"]?["id"] ?? o["id"] ?? o["ID"]);
        }

        if (node is JsonValue v)
        {
            if (v.TryGetValue<long>(out var l))
            {
                return l;
            }

            if (v.TryGetValue<string>(out var s) && long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                return parsed;
            }

            if (v.TryGetValue<double>(out var d))
            {
                return (long)d;
            }
        }

        return null;
    }

    private static JsonObject Person(Candidate c, string? sourceId)
    {
        var fm = new JsonArray();
        foreach (var phone in c.Phones)
        {
            fm.Add(new JsonObject { ["typeId"] = "PHONE", ["valueType"] = "MOBILE", ["value"] = phone });
        }

        foreach (var email in c.Emails)
        {
            fm.Add(new JsonObject { ["typeId"] = "EMAIL", ["valueType"] = "WORK", ["value"] = email });
        }

        if (c.ResumeUrl is { Length: > 0 } url)
        {
            fm.Add(new JsonObject { ["typeId"] = "WEB", ["valueType"] = "OTHER", ["value"] = url });
        }

        var fields = new JsonObject { ["originatorId"] = Originator };
        if (c.FirstName is { Length: > 0 } first)
        {
            fields["name"] = first;
        }

        if (c.LastName is { Length: > 0 } last)
        {
            fields["lastName"] = last;
        }

        if (c.MiddleName is { Length: > 0 } middle)
        {
            fields["secondName"] = middle;
        }

        if (sourceId is not null)
        {
            fields["sourceId"] = sourceId;
        }

        if (fm.Count > 0)
        {
            fields["fm"] = fm;
        }

        return fields;
    }
}
