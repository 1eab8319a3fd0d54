using System.Text.Json.Nodes;
using HhFunctions.Bitrix24;
using HhFunctions.HeadHunter;
using HhFunctions.OwnDatabase;
using HhFunctions.State;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>What one drain did.</summary>
public sealed record DrainResult(int Written, int Failed, int PdfsAttached, string? Stopped)
{
    public static DrainResult Nothing { get; } = new(0, 0, 0, null);
}

/// <summary>
/// Writes the outbox into Bitrix24: one writer per portal at a time (a cross-instance lock, so the portal's leaky
/// bucket is kept by one client whose level is saved for the next holder). Each round takes up to
/// <see cref="RoundSize"/> responses: one batch looks up those sent before without a recorded answer (by ORIGIN_ID,
/// or the comment's marker), then each is claimed in the store (exactly once: a claim with no recorded answer is
/// looked up before any re-send) and one batch writes them all. The same person (owner, phone, e-mail) gets a
/// comment on their lead or a deal on their contact. PDFs go one request each, after the records.
/// </summary>
public sealed partial class CrmWriter(
    IBitrix24Client crm,
    IBitrix24RateGate gate,
    IRecruitingStore store,
    IDistributedLock locks,
    CandidateReader reader,
    CrmDrainScheduler drains,
    RecruitingNotices notices,
    IResponseMirror mirror,
    Invitations.RecruitingNotifier notifier,
    IOptions<Bitrix24Options> crmOptions,
    IOptions<RecruitingOptions> options,
    TimeProvider time,
    ILogger<CrmWriter> logger,
    StageWriter stages,
    Assignees assignees)
{
    public const string LockName = "bitrix24-writer";
    public const int RoundSize = 16;
    private static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan WorkFor = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RetryAfterTrouble = TimeSpan.FromMinutes(1);

    /// <summary>Trouble that lasts this long (an outage, an address that answers HTML) is told to the owner, once.</summary>
    public static readonly TimeSpan TellTroubleAfter = TimeSpan.FromMinutes(30);

    private bool DealMode => string.Equals(crmOptions.Value.Entity, "deal", StringComparison.OrdinalIgnoreCase);

    public async Task<DrainResult> DrainAsync(CancellationToken ct)
    {
        if (!crm.IsConfigured)
        {
            await notices.TellOnceAsync("crm-not-configured", "Responses are read from hh.ru but Bitrix24__WebhookUrl is not set, so they wait in the outbox. Set it (docs/recruiting.md) and they are written.", ct);
            return DrainResult.Nothing;
        }

        await using var lease = await locks.TryAcquireAsync(LockName, LeaseTime, TimeSpan.Zero, ct);
        if (lease is null)
        {
            // Another instance is writing; it keeps going until the outbox is empty. Book one more in case it just finished.
            await drains.ScheduleAsync(null, ct);
            return DrainResult.Nothing;
        }

        var started = time.GetUtcNow();
        var state = await store.UpdateStateAsync(s => s.DrainDueAt is null ? s : s with { DrainDueAt = null }, ct);
        if (state.CrmPausedUntil is { } paused && paused > started)
        {
            await drains.ScheduleAsync(paused - started, ct);
            return DrainResult.Nothing;
        }

        gate.Restore(new Bitrix24BucketState(state.BucketLevel, state.BucketAt ?? started));
        int written = 0, failed = 0, pdfs = 0;
        string? stopped = null;
        try
        {
            var sourceId = await EnsureSourceAsync(state, ct);
            while (time.GetUtcNow() - started < WorkFor)
            {
                var round = (await store.ListOutboxAsync(RoundSize * 4, ct)).Where(r => r.Status is TopicStatus.Pending or TopicStatus.Claimed).ToList();
                if (round.Count == 0)
                {
                    break;
                }

                var (w, f) = await WriteRoundAsync(round, sourceId, ct);
                written += w;
                failed += f;
            }

            while (time.GetUtcNow() - started < WorkFor)
            {
                var waiting = (await store.ListOutboxAsync(RoundSize, ct)).Where(r => r is { Status: TopicStatus.Written, PdfPending: true }).ToList();
                if (waiting.Count == 0)
                {
                    break;
                }

                var progress = 0;
                foreach (var record in waiting)
                {
                    progress += await AttachPdfAsync(record, ct) ? 1 : 0;
                }

                pdfs += progress;
                if (progress == 0)
                {
                    break;
                }
            }

            // hh.ru's stage changes of written records (StageWriter), 25 records a batch.
            while (time.GetUtcNow() - started < WorkFor && await stages.ApplyDueAsync(ct) > 0)
            {
            }

            if (state.CrmTroubleSince is not null)
            {
                await store.UpdateStateAsync(s => s with { CrmTroubleSince = null }, ct);
                await notices.ClearAsync("crm-trouble", "Bitrix24 answers again; the responses kept meanwhile are being written.", ct);
            }

            if (state.CrmStopped is not null)
            {
                await store.UpdateStateAsync(s => s with { CrmStopped = null }, ct);
                await notices.ClearAsync("crm-stopped", "Bitrix24 accepts writes again; the responses kept meanwhile are being written.", ct);
            }

            if (time.GetUtcNow() - started >= WorkFor)
            {
                await drains.ScheduleAsync(TimeSpan.Zero, ct);
            }
        }
        catch (Bitrix24Exception ex) when (ex.Kind is Bitrix24ErrorKind.AccessDenied or Bitrix24ErrorKind.PortalUnavailable)
        {
            stopped = ex.Message;
            await store.UpdateStateAsync(s => s with { CrmStopped = ex.Message }, ct);
            await notices.TellOnceAsync("crm-stopped", $"Bitrix24 refuses the app's webhook ({ex.Message}). Writing stopped; every response is kept and written once it is fixed (a new incoming webhook with the crm scope: docs/recruiting.md).", ct);
            Log.Stopped(logger, ex.Message);
        }
        catch (Bitrix24Exception ex) when (ex.Kind == Bitrix24ErrorKind.TimeLimit)
        {
            var until = ex.RetryAt ?? time.GetUtcNow() + TimeSpan.FromMinutes(10);
            await store.UpdateStateAsync(s => s with { CrmPausedUntil = until }, ct);
            await drains.ScheduleAsync(until - time.GetUtcNow(), ct);
            Log.Paused(logger, until);
        }
        catch (Bitrix24Exception ex)
        {
            // Rate limit after the client's own back-off, a 500, a hang: the claimed ones are looked up before any re-send.
            await drains.ScheduleAsync(RetryAfterTrouble, ct);
            Log.Trouble(logger, ex.Kind.ToString(), ex.Message);
            var now = time.GetUtcNow();
            var since = (await store.UpdateStateAsync(s => s.CrmTroubleSince is null ? s with { CrmTroubleSince = now } : s, ct)).CrmTroubleSince ?? now;
            if (now - since >= TellTroubleAfter)
            {
                await notices.TellOnceAsync("crm-trouble", $"Bitrix24 has not accepted writes for {(now - since).TotalMinutes:0} minutes ({ex.Message}). The app keeps trying every minute; every response is kept.", ct);
            }
        }
        finally
        {
            var bucket = gate.Save();
            await store.UpdateStateAsync(s => s with { BucketLevel = bucket.Level, BucketAt = bucket.At, Written = s.Written + written }, CancellationToken.None);
        }

        Log.Drained(logger, written, failed, pdfs);
        return new DrainResult(written, failed, pdfs, stopped);
    }

    /// <summary>The CRM source "hh.ru": found, or made and read back (a custom STATUS_ID may come back with a UC_ prefix).</summary>
    private async Task<string?> EnsureSourceAsync(RecruitingState state, CancellationToken ct)
    {
        if (state.SourceId is { } known)
        {
            return known;
        }

        var id = FindSource(await crm.CallAsync("crm.status.list", new JsonObject { ["filter"] = new JsonObject { ["ENTITY_ID"] = "SOURCE" } }, ct));
        if (id is null)
        {
            try
            {
                await crm.CallAsync("crm.status.add", new JsonObject { ["fields"] = new JsonObject { ["ENTITY_ID"] = "SOURCE", ["STATUS_ID"] = "HH", ["NAME"] = "hh.ru" } }, ct);
            }
            catch (Bitrix24Exception ex) when (ex.Kind == Bitrix24ErrorKind.DataError)
            {
                Log.SourceNotMade(logger, ex.Error?.Code ?? "?");
            }

            id = FindSource(await crm.CallAsync("crm.status.list", new JsonObject { ["filter"] = new JsonObject { ["ENTITY_ID"] = "SOURCE" } }, ct));
        }

        if (id is not null)
        {
            await store.UpdateStateAsync(s => s with { SourceId = id }, ct);
        }

        return id;
    }

    private static string? FindSource(JsonNode? list)
    {
        foreach (var item in list as JsonArray ?? [])
        {
            if (string.Equals(item?["NAME"]?.ToString(), "hh.ru", StringComparison.OrdinalIgnoreCase))
            {
                return item?["STATUS_ID"]?.ToString();
            }
        }

        return null;
    }

    private sealed class Planned(TopicRecord record)
    {
        public TopicRecord Record { get; set; } = record;

        public Candidate Candidate => Record.Candidate!;

        public PersonRecord? Person { get; set; }
    }

    private async Task<(int Written, int Failed)> WriteRoundAsync(List<TopicRecord> outbox, string? sourceId, CancellationToken ct)
    {
        int written = 0, failed = 0;

        // One response per person per round: a second one waits for the first's ids (next round, at once).
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var round = new List<Planned>();
        foreach (var record in outbox)
        {
            if (record.Candidate is null)
            {
                await MarkFailedAsync(record.TopicId, "the stored record lost its data; the next reconcile run reads it again", ct);
                failed++;
                continue;
            }

            var personKeys = record.Candidate.PersonKeys.ToList();
            if (personKeys.Any(keys.Contains))
            {
                continue;
            }

            keys.UnionWith(personKeys);
            round.Add(new Planned(record));
            if (round.Count == RoundSize)
            {
                break;
            }
        }

        // 1. Re-sends: look up what an unanswered earlier attempt may have made.
        var resend = round.Where(p => p.Record.Claims > 0).ToList();
        if (resend.Count > 0)
        {
            var lookups = new List<Bitrix24Command>();
            foreach (var (p, i) in resend.Select((p, i) => (p, i)))
            {
                lookups.Add(p.Record.CrmKind == "comment" && p.Record.LeadId is { } lead
                    ? new Bitrix24Command("m" + i, "crm.timeline.comment.list", CrmRecords.CommentsOf("lead", lead))
                    : new Bitrix24Command("o" + i, "crm.item.list", CrmRecords.ByOrigin(DealMode ? CrmRecords.DealType : CrmRecords.LeadType, p.Record.TopicId)));
                if (DealMode && p.Record.CrmKind != "comment")
                {
                    lookups.Add(new Bitrix24Command("c" + i, "crm.item.list", CrmRecords.ByOrigin(CrmRecords.ContactType, CrmRecords.ContactOrigin(p.Candidate))));
                }
            }

            var found = await crm.BatchAsync(lookups, ct);
            ThrowIfRefused(found);
            var unanswered = false;
            foreach (var (p, i) in resend.Select((p, i) => (p, i)))
            {
                if (found.Errors.ContainsKey("m" + i) || found.Errors.ContainsKey("o" + i) || found.Errors.ContainsKey("c" + i))
                {
                    // The look-up itself failed: a re-send could make a second record, so this one waits for the next drain.
                    Log.LookupFailed(logger, p.Record.TopicId);
                    round.Remove(p);
                    unanswered = true;
                    continue;
                }

                if (DealMode && found.Results.TryGetValue("c" + i, out var contacts) && CrmRecords.FoundByOrigin(contacts, CrmRecords.ContactOrigin(p.Candidate)) is { } contactId)
                {
                    await RememberPersonAsync(p.Candidate, new PersonRecord("contact", contactId), ct);
                }

                long? existing = p.Record.CrmKind == "comment" && p.Record.LeadId is not null
                    ? found.Results.TryGetValue("m" + i, out var comments) ? CrmRecords.FoundComment(comments, CrmRecords.ResponseMarker(p.Record.TopicId)) : null
                    : found.Results.TryGetValue("o" + i, out var items) ? CrmRecords.FoundByOrigin(items, p.Record.TopicId) : null;
                if (existing is { } id)
                {
                    Log.FoundAfterLostAnswer(logger, p.Record.TopicId);
                    await MarkWrittenAsync(p, p.Record.CrmKind ?? (DealMode ? "deal" : "lead"), id, ct);
                    round.Remove(p);
                    written++;
                }
            }

            if (unanswered)
            {
                await drains.ScheduleAsync(RetryAfterTrouble, ct);
            }
        }

        // 2. The people already in the CRM, then the claims (before any write).
        foreach (var p in round.ToList())
        {
            foreach (var key in p.Candidate.PersonKeys)
            {
                if (await store.GetPersonAsync(key, ct) is { Id: > 0 } person && person.Kind == (DealMode ? "contact" : "lead"))
                {
                    p.Person = person;
                    break;
                }
            }

            var kind = DealMode ? "deal" : p.Person is null ? "lead" : "comment";
            var (claimed, changed) = await store.UpdateTopicAsync(p.Record.TopicId, t => t is { Status: TopicStatus.Pending or TopicStatus.Claimed }
                ? t with
                {
                    Status = TopicStatus.Claimed,
                    Claims = t.Claims + 1,
                    CrmKind = kind,
                    LeadId = kind == "comment" ? p.Person!.Id : null,
                    ContactId = DealMode ? p.Person?.Id : null,
                    UpdatedAt = time.GetUtcNow(),
                }
                : null, ct);
            if (!changed)
            {
                round.Remove(p); // written or removed meanwhile
                continue;
            }

            p.Record = claimed!;
        }

        if (round.Count == 0)
        {
            return (written, failed);
        }

        // 3. One batch writes them all (each new record assigned to its vacancy's person: the desk).
        var assigneeOf = await assignees.ForRoundAsync(round.Select(p => p.Candidate.VacancyId), ct);
        var commands = new List<Bitrix24Command>();
        foreach (var (p, i) in round.Select((p, i) => (p, i)))
        {
            var assignee = assigneeOf(p.Candidate.VacancyId);
            if (!DealMode)
            {
                commands.Add(p.Person is { } lead
                    ? new Bitrix24Command("w" + i, "crm.timeline.comment.add", CrmRecords.RepeatComment(p.Candidate, lead.Id))
                    : new Bitrix24Command("w" + i, "crm.item.add", Assignees.Apply(CrmRecords.Lead(p.Candidate, sourceId), assignee)));
            }
            else if (p.Person is { } contact)
            {
                commands.Add(new Bitrix24Command("w" + i, "crm.item.add", Assignees.Apply(CrmRecords.Deal(p.Candidate, sourceId, crmOptions.Value.DealCategoryId, contact.Id), assignee)));
            }
            else
            {
                commands.Add(new Bitrix24Command("c" + i, "crm.item.add", Assignees.Apply(CrmRecords.Contact(p.Candidate, sourceId), assignee)));
                commands.Add(new Bitrix24Command("w" + i, "crm.item.add", Assignees.Apply(CrmRecords.Deal(p.Candidate, sourceId, crmOptions.Value.DealCategoryId, "$result[c" + i + "][item][id]"), assignee)));
            }
        }

        var answer = await crm.BatchAsync(commands, ct);
        ThrowIfRefused(answer); // a missing scope or right fails each command alone: stop, do not mark them all failed
        foreach (var (p, i) in round.Select((p, i) => (p, i)))
        {
            if (DealMode && p.Person is null && answer.Results.TryGetValue("c" + i, out var madeContact) && CrmRecords.Id(madeContact) is { } contactId)
            {
                await RememberPersonAsync(p.Candidate, new PersonRecord("contact", contactId), ct);
                p.Record = p.Record with { ContactId = contactId };
            }

            if (answer.Results.TryGetValue("w" + i, out var made) && CrmRecords.Id(made) is { } id)
            {
                if (!DealMode && p.Person is null)
                {
                    await RememberPersonAsync(p.Candidate, new PersonRecord("lead", id), ct);
                }

                await MarkWrittenAsync(p, p.Record.CrmKind!, id, ct);
                written++;
            }
            else if (answer.Errors.TryGetValue("w" + i, out var error) || answer.Errors.TryGetValue("c" + i, out error))
            {
                if (p.Person is not null && error.Code is "OWNER_NOT_FOUND" or "NOT_FOUND")
                {
                    // The person's lead was deleted in the CRM: forget it, and write the response as a new lead.
                    foreach (var key in p.Candidate.PersonKeys)
                    {
                        await store.SavePersonAsync(key, new PersonRecord("none", 0), ct);
                    }

                    await store.UpdateTopicAsync(p.Record.TopicId, t => t is null ? null : t with { Status = TopicStatus.Pending, Claims = 0, CrmKind = null, LeadId = null }, ct);
                    continue;
                }

                await MarkFailedAsync(p.Record.TopicId, $"Bitrix24 refused the record ({(error.Code.Length == 0 ? "HTTP " + error.Status : error.Code)})", ct);
                failed++;
            }
        }

        return (written, failed);
    }

    private static void ThrowIfRefused(Bitrix24BatchResult result)
    {
        foreach (var error in result.Errors.Values)
        {
            if (Bitrix24Client.Classify(error.Status == 200 ? 400 : error.Status, error.Code) == Bitrix24ErrorKind.AccessDenied)
            {
                throw new Bitrix24Exception(Bitrix24ErrorKind.AccessDenied, error, $"access denied inside a batch ({(error.Code.Length == 0 ? "no code" : error.Code)}): the webhook lacks the crm scope or its user the rights");
            }
        }
    }

    private Task RememberPersonAsync(Candidate candidate, PersonRecord person, CancellationToken ct) =>
        Task.WhenAll(candidate.PersonKeys.Select(key => store.SavePersonAsync(key, person, ct)));

    private async Task MarkWrittenAsync(Planned p, string kind, long id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var pdf = options.Value.AttachResume && p.Candidate.PdfUrl is not null;
        await store.UpdateTopicAsync(p.Record.TopicId, t => t is null ? null : t with
        {
            Status = TopicStatus.Written,
            CrmKind = kind,
            CrmId = kind == "comment" ? t.LeadId : id,
            CommentId = kind == "comment" ? id : null,
            ContactId = p.Record.ContactId ?? t.ContactId,
            PdfPending = pdf,
            Candidate = pdf ? t.Candidate : null, // personal data is kept no longer than needed
            VacancyId = t.VacancyId ?? p.Candidate.VacancyId,
            Problem = null,
            WrittenAt = now,
            UpdatedAt = now,
        }, ct);
        Log.Written(logger, p.Record.TopicId, kind, id);
        Observability.AppTelemetry.RecruitingEventSynced(kind, now - p.Record.FirstSeenAt);
        await mirror.RecordAsync([new ResponseMirrorRecord(p.Record.TopicId, p.Candidate.VacancyId, p.Candidate.VacancyName, p.Candidate.ResumeId, p.Record.HhStage, p.Record.Source, p.Record.FirstSeenAt, now, kind, kind == "comment" ? p.Record.LeadId : id)], ct);
        await notifier.RecordWrittenAsync(p.Candidate, p.Record.Source, kind, kind == "comment" ? p.Record.LeadId : id, ct); // Recruiting__Notify: composed now, the name is not kept
    }

    private async Task MarkFailedAsync(string topicId, string reason, CancellationToken ct)
    {
        Log.RecordFailed(logger, topicId, reason);
        Observability.AppTelemetry.RecruitingEventFailed("write");
        await store.UpdateTopicAsync(topicId, t => t is null ? null : t with
        {
            Status = TopicStatus.Failed,
            Failures = t.Failures + 1,
            Problem = reason,
            UpdatedAt = time.GetUtcNow(),
        }, ct);
    }

    /// <summary>The resume PDF as a timeline comment on the record (alone: file calls are not batched). True when it is done or given up.</summary>
    private async Task<bool> AttachPdfAsync(TopicRecord record, CancellationToken ct)
    {
        var entityType = record.CrmKind == "deal" ? "deal" : "lead";
        if (record.Candidate?.PdfUrl is not { } url || record.CrmId is not { } entityId || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            await FinishPdfAsync(record.TopicId, null, null, ct);
            return true;
        }

        if (record.PdfClaimed)
        {
            var comments = await crm.CallAsync("crm.timeline.comment.list", CrmRecords.CommentsOf(entityType, entityId), ct);
            if (CrmRecords.FoundComment(comments, CrmRecords.PdfMarker(record.TopicId)) is { } existing)
            {
                await FinishPdfAsync(record.TopicId, existing, null, ct);
                return true;
            }
        }

        byte[] pdf;
        try
        {
            pdf = await reader.DownloadAsync(uri, ct);
        }
        catch (HhApiException ex) when (HhRefusals.IsViewLimit(ex.Error) || ex.Error.IsTransient || HhRefusals.IsThrottle(ex.Error))
        {
            Log.PdfLater(logger, record.TopicId, ex.Error.Message);
            return false; // tried again on a later drain
        }
        catch (HhApiException ex)
        {
            await FinishPdfAsync(record.TopicId, null, "PDF not attached: " + ex.Error.Message, ct);
            return true;
        }
        catch (TokenUnavailableException)
        {
            return false;
        }

        await store.UpdateTopicAsync(record.TopicId, t => t is null ? null : t with { PdfClaimed = true }, ct);
        var answer = await crm.CallAsync("crm.timeline.comment.add", CrmRecords.PdfComment(record.TopicId, entityType, entityId, pdf), ct);
        await FinishPdfAsync(record.TopicId, CrmRecords.Id(answer), null, ct);
        return true;
    }

    private async Task FinishPdfAsync(string topicId, long? commentId, string? problem, CancellationToken ct) =>
        await store.UpdateTopicAsync(topicId, t => t is null ? null : t with
        {
            PdfPending = false,
            PdfClaimed = false,
            PdfCommentId = commentId,
            Candidate = null,
            Problem = problem ?? t.Problem,
            UpdatedAt = time.GetUtcNow(),
        }, ct);

    private static partial class Log
    {
        [LoggerMessage(9201, LogLevel.Information, "CRM writer: topic {TopicId} written as {Kind} {Id}.")]
        public static partial void Written(ILogger logger, string topicId, string kind, long id);

        [LoggerMessage(9202, LogLevel.Warning, "CRM writer: topic {TopicId} failed: {Reason}.")]
        public static partial void RecordFailed(ILogger logger, string topicId, string reason);

        [LoggerMessage(9203, LogLevel.Information, "CRM writer: topic {TopicId} was already in Bitrix24 (an earlier answer was lost); not written again.")]
        public static partial void FoundAfterLostAnswer(ILogger logger, string topicId);

        [LoggerMessage(9204, LogLevel.Error, "CRM writer: Bitrix24 refuses the webhook ({Reason}); writing stopped, every response is kept.")]
        public static partial void Stopped(ILogger logger, string reason);

        [LoggerMessage(9205, LogLevel.Warning, "CRM writer: Bitrix24's time limit; writing resumes at {Until}.")]
        public static partial void Paused(ILogger logger, DateTimeOffset until);

        [LoggerMessage(9206, LogLevel.Warning, "CRM writer: Bitrix24 trouble ({Kind}: {Reason}); tried again in a minute, claimed responses are looked up first.")]
        public static partial void Trouble(ILogger logger, string kind, string reason);

        [LoggerMessage(9207, LogLevel.Information, "CRM writer: {Written} written, {Failed} failed, {Pdfs} PDF(s) attached.")]
        public static partial void Drained(ILogger logger, int written, int failed, int pdfs);

        [LoggerMessage(9208, LogLevel.Warning, "CRM writer: the hh.ru source could not be made ({Code}); records go without SOURCE_ID.")]
        public static partial void SourceNotMade(ILogger logger, string code);

        [LoggerMessage(9209, LogLevel.Information, "CRM writer: the PDF of topic {TopicId} waits ({Reason}).")]
        public static partial void PdfLater(ILogger logger, string topicId, string reason);

        [LoggerMessage(9210, LogLevel.Warning, "CRM writer: the look-up for topic {TopicId} failed; it is not sent again until a look-up answers.")]
        public static partial void LookupFailed(ILogger logger, string topicId);
    }
}
