namespace HhFunctions.OwnDatabase;

/// <summary>What an outbox entry mirrors.</summary>
public static class MirrorKinds
{
    /// <summary>A vacancy the watch stored: payload <see cref="VacancyPayload"/>.</summary>
    public const string Vacancy = "vacancy";

    /// <summary>An application with its state history: payload an ApplicationRecord.</summary>
    public const string Application = "application";

    /// <summary>A recruiting response with its employer stage: payload a <see cref="ResponseMirrorRecord"/>.</summary>
    public const string Response = "response";
}

/// <summary>One row to upsert into PostgreSQL: its kind, hh.ru id, and JSON payload.</summary>
public sealed record MirrorEntry(string Kind, string Id, string Payload);

/// <summary>An entry as the outbox holds it: <see cref="Handle"/> names where, for <see cref="IMirrorOutbox.RemoveAsync"/>.</summary>
public sealed record OutboxItem(string Handle, MirrorEntry Entry);

/// <summary>The mirror's own record, kept in the app's store beside the outbox.</summary>
public sealed record MirrorState
{
    public static MirrorState Empty { get; } = new();

    /// <summary>Everything the app held when the database was connected has been written (the back-fill is done).</summary>
    public bool Backfilled { get; init; }

    /// <summary>The last write that worked.</summary>
    public DateTimeOffset? LastWrittenAt { get; init; }

    /// <summary>One line: why the last attempt failed (never a password); null after a write that worked.</summary>
    public string? Problem { get; init; }

    public DateTimeOffset? ProblemSince { get; init; }
}

/// <summary>
/// The outbox: mirror writes waiting for PostgreSQL, in the app's own store (Azure Table storage or files under
/// Data__Path). Adding never touches the database, so a watch or an application never waits for it.
/// </summary>
public interface IMirrorOutbox
{
    Task AddAsync(IReadOnlyList<MirrorEntry> entries, CancellationToken ct);

    /// <summary>The oldest entries, about <paramref name="max"/> of them (a file store returns whole files).</summary>
    Task<IReadOnlyList<OutboxItem>> PeekAsync(int max, CancellationToken ct);

    Task RemoveAsync(IReadOnlyList<OutboxItem> items, CancellationToken ct);

    /// <summary>Entries waiting (a Table store counts up to a limit).</summary>
    Task<int> CountAsync(CancellationToken ct);

    Task<MirrorState> GetStateAsync(CancellationToken ct);

    Task SaveStateAsync(MirrorState state, CancellationToken ct);
}
