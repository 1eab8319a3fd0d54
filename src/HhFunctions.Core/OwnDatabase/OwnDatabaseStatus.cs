using System.Globalization;
using HhFunctions.Composition;
using HhFunctions.State;
using HhFunctions.StatusPage;
using Microsoft.Extensions.Options;

namespace HhFunctions.OwnDatabase;

/// <summary>
/// The own database's section of the status page and /status: one line (mirrored, connecting, or the problem in
/// one line without the password) and what waits in the outbox. Nothing when Sql__ConnectionString is not set.
/// </summary>
public sealed class OwnDatabaseStatus(IOptions<SqlOptions> options, Deferred<IMirrorOutbox> outbox) : IStatusSection
{
    public const string SectionId = "own-database";

    public async Task<StatusSection?> GetAsync(CancellationToken ct) =>
        await LineAsync(ct) is { } line ? new StatusSection(SectionId, "Own database (PostgreSQL)", [line]) : null;

    /// <summary>The section's one line; null when the mirror is off.</summary>
    public async Task<StatusLine?> LineAsync(CancellationToken ct)
    {
        if (!options.Value.Enabled)
        {
            return null;
        }

        if (SqlOptionsValidator.Describe(options.Value.ConnectionString) is { } invalid)
        {
            return new StatusLine(invalid, "bad");
        }

        try
        {
            var state = await outbox.Value.GetStateAsync(ct);
            var waiting = await outbox.Value.CountAsync(ct);
            var queued = waiting == 0 ? "nothing waiting" : waiting.ToString("N0", CultureInfo.InvariantCulture) + " write(s) waiting in the outbox";
            return state.Problem is { } problem
                ? new StatusLine($"{problem} {Capitalized(queued)}; retried with back-off.", "bad")
                : state.LastWrittenAt is { } at
                    ? new StatusLine($"Mirrored to PostgreSQL, last write {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; {queued}.", "ok")
                    : new StatusLine($"Connecting to PostgreSQL; {queued}.", "muted");
        }
        catch (StateStoreException ex)
        {
            return new StatusLine("The mirror's outbox cannot be read: " + ex.Message, "bad");
        }
    }

    private static string Capitalized(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
