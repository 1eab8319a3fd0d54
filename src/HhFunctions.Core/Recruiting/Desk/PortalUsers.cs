using System.Globalization;
using System.Text.Json.Nodes;
using HhFunctions.Bitrix24;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Recruiting;

/// <summary>One active user of the Bitrix24 portal, as the desk's assignee form lists them (id and display name only).</summary>
public sealed record PortalUser(long Id, string Name);

/// <summary>The portal's users as last read, and why the list is missing or old (no URL, no secret).</summary>
public sealed record PortalUserList(IReadOnlyList<PortalUser> Users, DateTimeOffset? ReadAt, string? Problem)
{
    public static PortalUserList None { get; } = new([], null, null);

    public bool Contains(long id) => Users.Any(u => u.Id == id);

    public string? NameOf(long id) => Users.FirstOrDefault(u => u.Id == id)?.Name;
}

/// <summary>
/// The portal's active users from Bitrix24's <c>user.get</c> (scope user, user_brief or user_basic; pages of 50),
/// through the client and so through the portal's rate gate; kept <see cref="Lifetime"/> so a page view costs no
/// request, and a failure is remembered for <see cref="RetryAfter"/> (the last good list stays in use meanwhile).
/// Users' names are shown on the desk only: never logged.
/// </summary>
public sealed partial class PortalUsers(IBitrix24Client crm, TimeProvider time, ILogger<PortalUsers> logger) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);
    public const int MaxPages = 20;
    private const int PageSize = 50;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private PortalUserList _list = PortalUserList.None;
    private DateTimeOffset _due = DateTimeOffset.MinValue;

    /// <summary>The cached list, read again when it is older than <see cref="Lifetime"/>; never throws for Bitrix24's sake.</summary>
    public async Task<PortalUserList> GetAsync(CancellationToken ct)
    {
        if (!crm.IsConfigured)
        {
            return new PortalUserList([], null, "Bitrix24__WebhookUrl is not set.");
        }

        if (time.GetUtcNow() < _due)
        {
            return _list;
        }

        await _gate.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            if (now < _due)
            {
                return _list;
            }

            try
            {
                _list = new PortalUserList(await ReadAsync(ct), now, null);
                _due = now + Lifetime;
                Log.Read(logger, _list.Users.Count);
            }
            catch (Bitrix24Exception ex)
            {
                var why = ex.Kind == Bitrix24ErrorKind.AccessDenied
                    ? "Bitrix24 refused user.get (" + (ex.Error?.Code is { Length: > 0 } code ? code : "access denied") + "): give the incoming webhook the user (or user_brief) scope as well as crm, or enter a user id by hand."
                    : "Bitrix24 did not list its users (" + ex.Kind + "): " + ex.Message;
                _list = _list with { Problem = why };
                _due = now + RetryAfter;
                Log.Failed(logger, ex.Kind, ex.Error?.Code ?? string.Empty);
            }

            return _list;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Forgets the list, so the next view reads it again (the form's "read the users again").</summary>
    public void Forget() => _due = DateTimeOffset.MinValue;

    private async Task<IReadOnlyList<PortalUser>> ReadAsync(CancellationToken ct)
    {
        var users = new Dictionary<long, PortalUser>();
        for (var page = 0; page < MaxPages; page++)
        {
            var result = await crm.CallAsync("user.get", new JsonObject
            {
                ["FILTER"] = new JsonObject { ["ACTIVE"] = true },
                ["sort"] = "ID",
                ["order"] = "ASC",
                ["select"] = new JsonArray("ID", "NAME", "LAST_NAME"),
                ["start"] = page * PageSize,
            }, ct);
            var items = result as JsonArray ?? [];
            foreach (var item in items)
            {
                if (CrmRecords.Id(item?["ID"]) is { } id && id > 0)
                {
                    users[id] = new PortalUser(id, DisplayName(item, id));
                }
            }

            if (items.Count < PageSize)
            {
                break;
            }
        }

        return [.. users.Values.OrderBy(u => u.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(u => u.Id)];
    }

    private static string DisplayName(JsonNode? item, long id)
    {
        var name = string.Join(' ', new[] { item?["NAME"]?.ToString(), item?["LAST_NAME"]?.ToString() }.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()));
        name = name.Length > 120 ? name[..120] : name;
        return name.Length == 0 ? "user " + id.ToString(CultureInfo.InvariantCulture) : name;
    }

    private static partial class Log
    {
        [LoggerMessage(9661, LogLevel.Information, "Desk: {Count} Bitrix24 user(s) read for the assignee form.")]
        public static partial void Read(ILogger logger, int count);

        [LoggerMessage(9662, LogLevel.Warning, "Desk: Bitrix24 user.get failed ({Kind}, code '{Code}'); the last list stays in use.")]
        public static partial void Failed(ILogger logger, Bitrix24ErrorKind kind, string code);
    }
}
