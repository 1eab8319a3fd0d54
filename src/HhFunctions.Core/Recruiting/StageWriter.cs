using System.Globalization;
using System.Text.Json.Nodes;
using HhFunctions.Bitrix24;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.OwnDatabase;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Recruiting;

/// <summary>
/// hh.ru → Bitrix24 stages (docs/recruiting.md, "Stages"). A NEGOTIATION_EMPLOYER_STATE_CHANGE for a known response
/// is only a hint: the negotiation is re-read from hh.ru and its CURRENT employer state recorded, so repeated and
/// out-of-order callbacks settle on what hh.ru says now. A changed state marks the response "stage due"; the CRM
/// writer (under its lock, within the portal's bucket) then moves every due record to the stage Recruiting__StageMap
/// names, 25 records a batch (the stage and a timeline comment saying what changed on hh.ru and when). A record not
/// yet written gets its stage right after it is written; an unmapped state leaves the stage alone and is told once.
/// The stage the app sets is recorded before it is sent, so the CRM's update event for it is recognised as an echo.
/// </summary>
public sealed partial class StageWriter(
    IRecruitingStore store,
    IBitrix24Client crm,
    StageMaps maps,
    HhClient hh,
    TokenManager tokens,
    EmployerPacer pacer,
    RecruitingNotices notices,
    IResponseMirror mirror,
    TimeProvider time,
    ILogger<StageWriter> logger)
{
    /// <summary>Records per batch: two commands each (the stage and the comment), 50 commands in all.</summary>
    public const int RoundSize = 25;

    /// <summary>The marker the stage comment carries.</summary>
    public static string Marker(string topicId) => "[hh.ru stage " + topicId + "]";

    /// <summary>A state change for a response the app already knows: re-read hh.ru's current state and record it. True when it changed.</summary>
    public async Task<bool> NoteHhStateChangeAsync(TopicRecord topic, RecruitingEvent message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(message);
        if (message.ToState is { } to && string.Equals(to, topic.HhStage, StringComparison.Ordinal))
        {
            Log.Repeated(logger, topic.TopicId);
            return false; // a repeat, or an older event naming the state already recorded: a newer one (or reconcile) brings any change
        }

        HhTopicWithActions current;
        try
        {
            current = await ReadAsync(topic.TopicId, ct);
        }
        catch (HhApiException ex) when (HhRefusals.IsGone(ex.Error))
        {
            Log.Gone(logger, topic.TopicId);
            return false;
        }
        catch (HhApiException ex)
        {
            if (HhRefusals.IsThrottle(ex.Error) || ex.Error.StatusCode == 403)
            {
                await notices.TellOnceAsync("hh-refused-" + ex.Error.StatusCode, $"hh.ru refused an employer call ({ex.Error.Message}). Recruiting slows down and tries again; nothing is lost.", ct);
            }

            throw new RecruitingReadException("the negotiation's state could not be re-read: " + ex.Error.Message);
        }
        catch (TokenUnavailableException ex)
        {
            throw new RecruitingReadException(ex.Message);
        }

        return await NoteHhStateAsync(topic.TopicId, current.EmployerState?.Id, ct);
    }

    /// <summary>Records hh.ru's current employer state of a response; a change makes its CRM stage due. True when it changed.</summary>
    /// <summary>
    /// Whether a response read in hh.ru's <paramref name="state"/> needs a stage move once written: not when the map
    /// sends that state to the stage records are made in (a new response, as a rule), so the stage-due list holds
    /// only records that will move (or whose state the owner must be told is unmapped).
    /// </summary>
    public bool IsDueOnWrite(string? state)
    {
        var map = maps.Current;
        return map.ToCrm(state) is not { } target || !string.Equals(target, map.NewStage, StringComparison.OrdinalIgnoreCase);
    }

    public async Task<bool> NoteHhStateAsync(string topicId, string? state, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(state))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var (record, changed) = await store.UpdateTopicAsync(topicId, t => t is null || string.Equals(t.HhStage, state, StringComparison.Ordinal)
            ? null
            : t with { HhStage = state, HhStageSeenAt = now, StageDue = true, UpdatedAt = now }, ct);
        if (changed)
        {
            Log.StateChanged(logger, topicId, state);
            await mirror.RecordAsync([new ResponseMirrorRecord(topicId, null, null, null, state, record!.Source, record.FirstSeenAt, now, record.CrmKind, record.CrmId)], ct);
        }

        return changed;
    }

    /// <summary>
    /// Moves the records whose hh.ru state changed to their mapped stage (call it holding the CRM writer's lock, with
    /// the bucket restored). Returns how many records were sent; Bitrix24 failures of the whole request are thrown.
    /// </summary>
    public async Task<int> ApplyDueAsync(CancellationToken ct)
    {
        var map = maps.Current;
        var sent = 0;
        var batch = new List<(TopicRecord Topic, string Target)>();
        foreach (var topic in await store.ListStageDueAsync(RoundSize * 8, ct))
        {
            if (topic.Status is TopicStatus.Pending or TopicStatus.Claimed or TopicStatus.Failed)
            {
                continue; // applied once the record is written
            }

            if (topic.Status != TopicStatus.Written || topic.CrmKind is not ("lead" or "deal") || topic.CrmId is null)
            {
                // Gone, or a repeat response noted as a comment on the person's lead: that lead follows its own response.
                await FinishAsync(topic.TopicId, topic.HhStage, null, ct);
                continue;
            }

            var target = map.ToCrm(topic.HhStage);
            if (target is null)
            {
                await notices.TellOnceAsync("stage-unmapped-" + topic.HhStage, $"hh.ru's state '{topic.HhStage}' is not in Recruiting__StageMap, so records in it keep their Bitrix24 stage. Add '{topic.HhStage}=STAGE' to the map to move them.", ct);
                Log.Unmapped(logger, topic.TopicId, topic.HhStage ?? "?");
                await FinishAsync(topic.TopicId, topic.HhStage, null, ct);
                continue;
            }

            if (string.Equals(target, topic.CrmStage ?? map.NewStage, StringComparison.OrdinalIgnoreCase))
            {
                await FinishAsync(topic.TopicId, topic.HhStage, null, ct);
                continue;
            }

            batch.Add((topic, target));
            if (batch.Count == RoundSize)
            {
                sent += await SendAsync(batch, ct);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            sent += await SendAsync(batch, ct);
        }

        return sent;
    }

    private async Task<int> SendAsync(List<(TopicRecord Topic, string Target)> batch, CancellationToken ct)
    {
        // The stage is recorded before it is sent: the CRM's update event for it is then the app's own echo.
        foreach (var (topic, target) in batch)
        {
            await store.UpdateTopicAsync(topic.TopicId, t => t is null ? null : t with { CrmStage = target }, ct);
        }

        var commands = new List<Bitrix24Command>();
        foreach (var ((topic, target), i) in batch.Select((b, i) => (b, i)))
        {
            commands.Add(new Bitrix24Command("s" + i, "crm.item.update", new JsonObject
            {
                ["entityTypeId"] = topic.CrmKind == "deal" ? CrmRecords.DealType : CrmRecords.LeadType,
                ["id"] = topic.CrmId,
                ["fields"] = new JsonObject { ["stageId"] = target },
            }));
            commands.Add(new Bitrix24Command("m" + i, "crm.timeline.comment.add", new JsonObject
            {
                ["fields"] = new JsonObject
                {
                    ["ENTITY_ID"] = topic.CrmId,
                    ["ENTITY_TYPE"] = topic.CrmKind,
                    ["COMMENT"] = Comment(topic, target),
                },
            }));
        }

        Bitrix24BatchResult answer;
        try
        {
            answer = await crm.BatchAsync(commands, ct);
        }
        catch (Bitrix24Exception)
        {
            // Nothing known: the stages stay due (an update sets the same stage again; the comment may repeat).
            foreach (var (topic, _) in batch)
            {
                await store.UpdateTopicAsync(topic.TopicId, t => t is null ? null : t with { CrmStage = topic.CrmStage }, CancellationToken.None);
            }

            throw;
        }

        foreach (var error in answer.Errors.Values)
        {
            if (Bitrix24Client.Classify(error.Status == 200 ? 400 : error.Status, error.Code) == Bitrix24ErrorKind.AccessDenied)
            {
                foreach (var (topic, _) in batch)
                {
                    await store.UpdateTopicAsync(topic.TopicId, t => t is null ? null : t with { CrmStage = topic.CrmStage }, CancellationToken.None);
                }

                throw new Bitrix24Exception(Bitrix24ErrorKind.AccessDenied, error, $"access denied inside a batch ({(error.Code.Length == 0 ? "no code" : error.Code)}): the webhook lacks the crm scope or its user the rights");
            }
        }

        var sent = 0;
        foreach (var ((topic, target), i) in batch.Select((b, i) => (b, i)))
        {
            if (answer.Results.ContainsKey("s" + i))
            {
                sent++;
                Log.Moved(logger, topic.TopicId, topic.CrmKind!, topic.CrmId!.Value, target);
                await FinishAsync(topic.TopicId, topic.HhStage, target, ct);
            }
            else
            {
                var code = answer.Errors.TryGetValue("s" + i, out var e) ? (e.Code.Length == 0 ? "HTTP " + e.Status : e.Code) : "no answer";
                Log.Refused(logger, topic.TopicId, target, code);
                await store.UpdateTopicAsync(topic.TopicId, t => t is null ? null : t with { CrmStage = topic.CrmStage }, ct);
                await FinishAsync(topic.TopicId, null, null, ct);
                if (e?.Code is not ("NOT_FOUND" or "OWNER_NOT_FOUND"))
                {
                    await notices.TellOnceAsync("stage-refused-" + target, $"Bitrix24 refused to move a record to the stage '{target}' ({code}). Check Recruiting__StageMap against the portal's stages (crm.status.list; deal stages of a pipeline are CN:STAGE).", ct);
                }
            }
        }

        return sent;
    }

    /// <summary>The stage is done (applied, in step, or not to be applied): clear the flag unless hh.ru's state moved on meanwhile.</summary>
    private async Task FinishAsync(string topicId, string? appliedHhStage, string? crmStage, CancellationToken ct) =>
        await store.UpdateTopicAsync(topicId, t => t is null ? null : t with
        {
            StageDue = appliedHhStage is not null && !string.Equals(t.HhStage, appliedHhStage, StringComparison.Ordinal) && t.StageDue,
            SyncedHhStage = appliedHhStage ?? t.SyncedHhStage,
            CrmStage = crmStage ?? t.CrmStage,
        }, ct);

    private string Comment(TopicRecord topic, string target)
    {
        var at = (topic.HhStageSeenAt ?? time.GetUtcNow()).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var from = topic.SyncedHhStage is { } s ? "«" + s + "» to " : string.Empty;
        return $"hh.ru: the response moved {from}«{topic.HhStage}» (seen {at} UTC); the stage here follows it ({target}). {Marker(topic.TopicId)}";
    }

    private async Task<HhTopicWithActions> ReadAsync(string topicId, CancellationToken ct)
    {
        await pacer.WaitTurnAsync(ct);
        try
        {
            return await tokens.WithAccessTokenAsync((t, c) => hh.GetNegotiationActionsAsync(t, topicId, c), ct);
        }
        catch (HhApiException ex) when (HhRefusals.IsThrottle(ex.Error))
        {
            pacer.SlowDown();
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(9601, LogLevel.Debug, "Stages: topic {TopicId}: the state change names the state already recorded; nothing to do.")]
        public static partial void Repeated(ILogger logger, string topicId);

        [LoggerMessage(9602, LogLevel.Information, "Stages: topic {TopicId} is gone on hh.ru; its stage is left alone.")]
        public static partial void Gone(ILogger logger, string topicId);

        [LoggerMessage(9603, LogLevel.Information, "Stages: topic {TopicId} is now {State} on hh.ru; its CRM stage is due.")]
        public static partial void StateChanged(ILogger logger, string topicId, string state);

        [LoggerMessage(9604, LogLevel.Information, "Stages: topic {TopicId}: {Kind} {Id} moved to {Stage}.")]
        public static partial void Moved(ILogger logger, string topicId, string kind, long id, string stage);

        [LoggerMessage(9605, LogLevel.Warning, "Stages: topic {TopicId}: Bitrix24 refused the stage {Stage} ({Code}).")]
        public static partial void Refused(ILogger logger, string topicId, string stage, string code);

        [LoggerMessage(9606, LogLevel.Information, "Stages: topic {TopicId}: hh.ru's state {State} is not in Recruiting__StageMap; the stage is left alone.")]
        public static partial void Unmapped(ILogger logger, string topicId, string state);
    }
}
