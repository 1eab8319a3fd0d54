using System.Globalization;
using HhFunctions.Composition;
using HhFunctions.State;
using Microsoft.Extensions.Options;

namespace HhFunctions.OwnDatabase;

/// <summary>The status page's and /status's one line about the own database; null when Sql__ConnectionString is not set.</summary>
public sealed class OwnDatabaseStatus(IOptions<SqlOptions> options, Deferred<IMirrorOutbox> outbox)
{
    public async Task<string?> LineAsync(CancellationToken ct)
    {
        if (!options.Value.Enabled)
        {
            return null;
        }

        try
        {
            var state = await outbox.Value.GetStateAsync(ct);
            var waiting = await outbox.Value.CountAsync(ct);
            var queued = waiting == 0 ? "nothing waiting" : waiting.ToString("N0", CultureInfo.InvariantCulture) + " write(s) waiting in the outbox";
            return state.Problem is { } problem
                ? $"Own database: {problem} {queued}; retried with back-off."
                : state.LastWrittenAt is { } at
                    ? $"Own database: mirrored, last write {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; {queued}."
                    : $"Own database: connecting; {queued}.";
        }
        catch (StateStoreException ex)
        {
            return "Own database: the outbox cannot be read: " + ex.Message;
        }
    }
}
