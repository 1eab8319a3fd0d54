using System.Text.Json.Nodes;
using HhFunctions.Bitrix24;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>
/// Who is responsible in Bitrix24 (ASSIGNED_BY_ID) for a new record: the user chosen for its vacancy on the desk,
/// else Bitrix24__DefaultAssigneeId, else nobody named (the portal makes the webhook's user responsible).
/// </summary>
public sealed class Assignees(IRecruitingStore store, IOptions<Bitrix24Options> options)
{
    public long? Default => options.Value.DefaultAssigneeId;

    /// <summary>The assignee of each vacancy of one write round (one store read per distinct vacancy).</summary>
    public async Task<Func<string?, long?>> ForRoundAsync(IEnumerable<string?> vacancyIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vacancyIds);
        var found = new Dictionary<string, long?>(StringComparer.Ordinal);
        foreach (var id in vacancyIds.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            found[id] = (await store.GetVacancyAsync(id, ct))?.AssigneeId;
        }

        var fallback = Default;
        return id => id is not null && found.TryGetValue(id, out var chosen) && chosen is not null ? chosen : fallback;
    }

    /// <summary>Sets the item's <c>assignedById</c> (crm.item.add's fields) when there is one; returns the same item.</summary>
    public static JsonObject Apply(JsonObject item, long? assigneeId)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (assigneeId is { } id && item["fields"] is JsonObject fields)
        {
            fields["assignedById"] = id;
        }

        return item;
    }
}
