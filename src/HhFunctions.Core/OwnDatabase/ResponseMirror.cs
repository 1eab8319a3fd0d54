using System.Text.Json;
using HhFunctions.State;

namespace HhFunctions.OwnDatabase;

/// <summary>
/// For recruiting responses (docs/own-database.md, "hh.responses"): one response to the employer's vacancy as the
/// recruiting feature last saw it. Ids and stages only: no candidate's name, phone or e-mail goes to the mirror.
/// </summary>
/// <param name="TopicId">hh.ru's negotiation (topic) id: the row's key.</param>
/// <param name="Stage">hh.ru's employer stage (response, consider, interview, offer, hired, discard...).</param>
/// <param name="Source">How the app first heard of it: webhook, poll or retry.</param>
/// <param name="CrmKind">lead, deal or comment, once written into the CRM.</param>
public sealed record ResponseMirrorRecord(
    string TopicId,
    string? VacancyId,
    string? VacancyName,
    string? ResumeId,
    string? Stage,
    string? Source,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset UpdatedAt,
    string? CrmKind = null,
    long? CrmId = null);

/// <summary>
/// The port the recruiting feature calls for every response it reads and each stage change (not called yet: the
/// recruiting feature wires it in when it stores responses). Queued in the outbox like vacancies and applications;
/// never throws for its own failures; without Sql__ConnectionString it does nothing.
/// </summary>
public interface IResponseMirror
{
    Task RecordAsync(IReadOnlyList<ResponseMirrorRecord> responses, CancellationToken ct);
}

/// <summary>No mirror configured.</summary>
public sealed class NoResponseMirror : IResponseMirror
{
    public Task RecordAsync(IReadOnlyList<ResponseMirrorRecord> responses, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Puts each response in the outbox (kind "response"); the pump upserts it into hh.responses and hh.response_stages.</summary>
public sealed partial class OutboxResponseMirror(IMirrorOutbox outbox, MirrorSignal signal, ILogger<OutboxResponseMirror> logger) : IResponseMirror
{
    public async Task RecordAsync(IReadOnlyList<ResponseMirrorRecord> responses, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(responses);
        if (responses.Count == 0)
        {
            return;
        }

        var entries = responses.Select(r => new MirrorEntry(MirrorKinds.Response, r.TopicId, JsonSerializer.Serialize(r, PostgresMirrorWriter.Json))).ToList();
        try
        {
            await outbox.AddAsync(entries, ct);
            signal.Wake();
        }
        catch (StateStoreException ex)
        {
            Log.NotQueued(logger, entries.Count, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(9122, LogLevel.Warning, "Own database: {Count} response(s) could not be put in the outbox ({Reason}); they reach the database with their next change.")]
        public static partial void NotQueued(ILogger logger, int count, string reason);
    }
}
