using System.Globalization;
using System.Net.Sockets;
using HhFunctions.Applying;
using HhFunctions.State;
using HhFunctions.Vacancies;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HhFunctions.OwnDatabase;

/// <summary>What one pass of the pump did.</summary>
public sealed record MirrorPass(bool Ok, int Written, int Backfilled, int Waiting, IReadOnlyList<int> Migrated, string? Problem);

/// <summary>
/// Moves the outbox into PostgreSQL: migrates the schema (once per process), back-fills what the app held before
/// the database was connected (once), then drains the outbox in batches, removing each batch only after its
/// transaction committed. A failure is recorded as one line (never the connection string) and retried later;
/// it never reaches the watch, applying or tracking. One pass at a time per process.
/// </summary>
public sealed partial class MirrorPump(
    NpgsqlDataSource database,
    IMirrorOutbox outbox,
    IVacancyStore vacancies,
    IApplicationStore applications,
    IOptions<SqlOptions> options,
    TimeProvider time,
    ILogger<MirrorPump> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _migrated;
    private string? _loggedProblem;

    public async Task<MirrorPass> RunOnceAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await RunLockedAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<MirrorPass> RunLockedAsync(CancellationToken ct)
    {
        var migrated = (IReadOnlyList<int>)[];
        var written = 0;
        var backfilled = 0;
        try
        {
            if (!_migrated)
            {
                migrated = await PostgresSchema.MigrateAsync(database, ct);
                _migrated = true;
                if (migrated.Count > 0)
                {
                    Log.Migrated(logger, string.Join(", ", migrated));
                }
            }

            var state = await outbox.GetStateAsync(ct);
            if (!state.Backfilled)
            {
                backfilled = await BackfillAsync(ct);
                state = state with { Backfilled = true };
                await outbox.SaveStateAsync(state, ct);
                Log.Backfilled(logger, backfilled);
            }

            var batch = options.Value.BatchSize;
            while (true)
            {
                var items = await outbox.PeekAsync(batch, ct);
                if (items.Count == 0)
                {
                    break;
                }

                await PostgresMirrorWriter.WriteAsync(database, items.Select(i => i.Entry).ToList(), ct);
                await outbox.RemoveAsync(items, ct);
                written += items.Count;
            }

            if (state.Problem is not null || written > 0 || backfilled > 0 || state.LastWrittenAt is null)
            {
                await outbox.SaveStateAsync(state with { Problem = null, ProblemSince = null, LastWrittenAt = time.GetUtcNow() }, ct);
            }

            if (_loggedProblem is not null)
            {
                Log.Recovered(logger);
                _loggedProblem = null;
            }

            return new MirrorPass(true, written, backfilled, 0, migrated, null);
        }
        catch (Exception ex) when (Describe(ex) is { } problem)
        {
            if (_loggedProblem != problem)
            {
                Log.Failed(logger, problem);
                _loggedProblem = problem;
            }

            var waiting = 0;
            try
            {
                waiting = await outbox.CountAsync(ct);
                var state = await outbox.GetStateAsync(ct);
                await outbox.SaveStateAsync(state with { Problem = problem, ProblemSince = state.ProblemSince ?? time.GetUtcNow() }, ct);
            }
            catch (StateStoreException ex2)
            {
                Log.StoreUnavailable(logger, ex2.Message);
            }

            return new MirrorPass(false, written, backfilled, waiting, migrated, problem);
        }
    }

    /// <summary>Everything the app's stores hold, written straight to PostgreSQL in batches (upserts: safe to repeat).</summary>
    private async Task<int> BackfillAsync(CancellationToken ct)
    {
        var batch = options.Value.BatchSize;
        var count = 0;
        foreach (var chunk in (await vacancies.ListAsync(null, ct)).Chunk(batch))
        {
            await PostgresMirrorWriter.WriteAsync(database, chunk.Select(r => new VacancyPayload(r, null)).ToList(), [], ct);
            count += chunk.Length;
        }

        foreach (var chunk in (await applications.ListAsync(ct)).Chunk(batch))
        {
            await PostgresMirrorWriter.WriteAsync(database, [], chunk, ct);
            count += chunk.Length;
        }

        return count;
    }

    /// <summary>One line for a failure that is the database's or the outbox's, never the connection string; null for a bug.</summary>
    public static string? Describe(Exception ex) => ex switch
    {
        PostgresException { SqlState: "28P01" or "28000" } pg => $"PostgreSQL refused the login ({pg.MessageText}); check the user and password in Sql__ConnectionString.",
        PostgresException { SqlState: "3D000" } pg => $"PostgreSQL has no such database ({pg.MessageText}); check Database= in Sql__ConnectionString.",
        PostgresException { SqlState: "42501" } pg => $"PostgreSQL refused a change ({pg.MessageText}); the user in Sql__ConnectionString needs to create tables in its database.",
        PostgresException pg => $"PostgreSQL answered {pg.SqlState}: {pg.MessageText}.",
        NpgsqlException { InnerException: SocketException socket } => $"PostgreSQL cannot be reached ({socket.SocketErrorCode}); check Host= and Port= in Sql__ConnectionString, and that the server is up.",
        // A pooled connection the server or the network dropped mid-use ("Exception while reading from stream").
        NpgsqlException { InnerException: IOException } => "PostgreSQL cannot be reached (the connection broke off); check Host= and Port= in Sql__ConnectionString, and that the server is up.",
        NpgsqlException { InnerException: TimeoutException } => "PostgreSQL did not answer in time; check Host= and Port= in Sql__ConnectionString, and that the server is up.",
        NpgsqlException { InnerException: System.Security.Authentication.AuthenticationException } => "PostgreSQL's TLS handshake failed; check SSL Mode= in Sql__ConnectionString.",
        NpgsqlException npg => "PostgreSQL could not be used: " + FirstLine(npg.Message),
        SocketException socket => $"PostgreSQL cannot be reached ({socket.SocketErrorCode}).",
        TimeoutException => "PostgreSQL did not answer in time.",
        StateStoreException store => "The outbox in the app's own store cannot be used: " + store.Message,
        IOException io => "The outbox under the data folder cannot be used: " + FirstLine(io.Message),
        _ => null,
    };

    public void Dispose() => _gate.Dispose();

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    private static partial class Log
    {
        [LoggerMessage(9801, LogLevel.Information, "Own database: schema migrated to version(s) {Versions}.")]
        public static partial void Migrated(ILogger logger, string versions);

        [LoggerMessage(9802, LogLevel.Information, "Own database: back-filled {Count} record(s) the app held before it was connected.")]
        public static partial void Backfilled(ILogger logger, int count);

        [LoggerMessage(9803, LogLevel.Warning, "Own database (Sql__ConnectionString): {Problem} Writes wait in the outbox and are retried.")]
        public static partial void Failed(ILogger logger, string problem);

        [LoggerMessage(9804, LogLevel.Information, "Own database: reachable again; the outbox is drained.")]
        public static partial void Recovered(ILogger logger);

        [LoggerMessage(9805, LogLevel.Warning, "Own database: the outbox's store is unavailable: {Reason}")]
        public static partial void StoreUnavailable(ILogger logger, string reason);
    }

    internal static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
