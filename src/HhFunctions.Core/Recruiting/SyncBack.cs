using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HhFunctions.Bitrix24;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.OwnDatabase;
using HhFunctions.Queues;
using HhFunctions.State;
using HhFunctions.Tokens;
using HhFunctions.Web;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>"A CRM record may have moved": from Bitrix24's outgoing event (ONCRMLEADUPDATE / ONCRMDEALUPDATE) or the reconcile fallback. Ids only.</summary>
public sealed record CrmStageEvent(string Entity, long Id, string Source, DateTimeOffset ReceivedAt) : IQueueMessage<CrmStageEvent>
{
    public const string Queue = "hh-crm-stage-events";

    public const string FromEvent = "event";
    public const string FromPoll = "poll";

    public static string QueueName => Queue;

    public string ToJson() => JsonSerializer.Serialize(this, HttpEndpoints.JsonOptions);

    public static CrmStageEvent Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new FormatException("The queue message is empty.");
        }

        try
        {
            var message = JsonSerializer.Deserialize<CrmStageEvent>(json, HttpEndpoints.JsonOptions);
            return message is { Entity: "lead" or "deal", Id: > 0, Source.Length: > 0 and <= 16 }
                ? message
                : throw new FormatException("The queue message names no lead or deal.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The queue message is not a CRM stage event: {ex.Message}", ex);
        }
    }
}

/// <summary>Runs sync back for a <see cref="CrmStageEvent"/>.</summary>
public sealed class CrmStageEventsHandler(SyncBack syncBack) : IQueueHandler<CrmStageEvent>
{
    public Task HandleAsync(CrmStageEvent message, CancellationToken ct) => syncBack.HandleAsync(message, ct);
}

/// <summary>A sync-back step that may pass (hh.ru throttling, an answer lost, the writer's lock busy): the queue tries again.</summary>
public sealed class SyncBackRetryException : Exception
{
    public SyncBackRetryException()
    {
    }

    public SyncBackRetryException(string message)
        : base(message)
    {
    }

    public SyncBackRetryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Bitrix24 → hh.ru (Recruiting__SyncBack=true; docs/recruiting.md, "Sync back"). For a CRM record that may have
/// moved: read its stage from Bitrix24 (the event's body is never trusted), ignore it when it is the stage the app
/// itself set or last accepted (an echo, or another field edited), read the stage back through the map, and when
/// hh.ru's state is not already there, perform the negotiation's own action to that state ONCE:
/// the action is claimed in the store (keyed by topic and target state, an atomic read-modify-write) before it is
/// sent; a claim whose answer was lost makes the next attempt re-read the negotiation before anything is re-sent; a
/// claim that was sent is never sent again. A move hh.ru refuses (not offered in that state, a 4xx, a required field
/// the app does not fill) is written back as a timeline comment and kept for the desk; hh.ru's state stays.
/// Bitrix24 calls run under the CRM writer's lock, within the portal's bucket; hh.ru calls on the employer pacer.
/// </summary>
public sealed partial class SyncBack(
    IRecruitingStore store,
    IBitrix24Client crm,
    IBitrix24RateGate gate,
    IDistributedLock locks,
    StageMaps maps,
    HhClient hh,
    HhActionClient actions,
    TokenManager tokens,
    EmployerPacer pacer,
    RecruitingNotices notices,
    IResponseMirror mirror,
    IQueue<CrmStageEvent> queue,
    IOptions<RecruitingOptions> options,
    TimeProvider time,
    ILogger<SyncBack> logger)
{
    public const int MaxRefusedKept = 50;

    /// <summary>Pages (50 records each) the reconcile fallback reads per run.</summary>
    public const int MaxPages = 100;

    /// <summary>Bitrix24's list page size (always 50).</summary>
    public const int PageSize = 50;

    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);

    /// <summary>Records changed this long before the last check are read again (clocks and saves are not exact).</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    public bool Enabled => options.Value.SyncBack && crm.IsConfigured;

    public async Task HandleAsync(CrmStageEvent message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Enabled)
        {
            return;
        }

        await WithCrmAsync(async () =>
        {
            await HandleLockedAsync(message, ct);
            return true;
        }, ct);
    }

    /// <summary>
    /// The reconcile run's fallback for lost outgoing events: lists the records carrying ORIGINATOR_ID=hh.ru changed
    /// since the last check (pages of 50, oldest id first, within the bucket) and queues each whose stage differs
    /// from what was last synced. Returns a line for the run's summary.
    /// </summary>
    public async Task<string> FindLostEventsAsync(CancellationToken ct)
    {
        if (!Enabled)
        {
            return "sync back off";
        }

        var started = time.GetUtcNow();
        var state = await store.GetStateAsync(ct);
        var since = state.CrmStagesCheckedAt - Overlap;
        var entity = maps.DealMode ? "deal" : "lead";
        var type = maps.DealMode ? CrmRecords.DealType : CrmRecords.LeadType;
        var map = maps.Current;
        int read = 0, queued = 0;
        var complete = await WithCrmAsync(async () =>
        {
            long last = 0;
            for (var page = 0; page < MaxPages; page++)
            {
                var filter = new JsonObject { ["=originatorId"] = CrmRecords.Originator, [">id"] = last };
                if (since is { } s)
                {
                    filter[">=updatedTime"] = s.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
                }

                var result = await crm.CallAsync("crm.item.list", new JsonObject
                {
                    ["entityTypeId"] = type,
                    ["select"] = new JsonArray("id", "stageId", "originId"),
                    ["filter"] = filter,
                    ["order"] = new JsonObject { ["id"] = "ASC" },
                    ["start"] = -1,
                }, ct);
                var items = result?["items"] as JsonArray ?? [];
                foreach (var item in items)
                {
                    read++;
                    var id = CrmRecords.Id(item?["id"]) ?? 0;
                    last = Math.Max(last, id);
                    if (item?["originId"]?.ToString() is not { Length: > 0 } topicId || item["stageId"]?.ToString() is not { } stage)
                    {
                        continue;
                    }

                    var topic = await store.GetTopicAsync(topicId, ct);
                    if (topic is { Status: TopicStatus.Written } && topic.CrmId == id && topic.CrmKind == entity
                        && !string.Equals(stage, topic.CrmStage ?? map.NewStage, StringComparison.OrdinalIgnoreCase))
                    {
                        await queue.SendAsync(new CrmStageEvent(entity, id, CrmStageEvent.FromPoll, time.GetUtcNow()), ct);
                        queued++;
                    }
                }

                if (items.Count < PageSize)
                {
                    return true;
                }
            }

            return false;
        }, ct);

        if (complete)
        {
            await store.UpdateStateAsync(s => s with { CrmStagesCheckedAt = started }, ct);
        }

        var summary = $"sync back: {read} CRM record(s) read, {queued} moved without an event queued" + (complete ? string.Empty : " (more next run)");
        Log.Fallback(logger, summary);
        return summary;
    }

    private async Task HandleLockedAsync(CrmStageEvent message, CancellationToken ct)
    {
        var type = message.Entity == "deal" ? CrmRecords.DealType : CrmRecords.LeadType;
        if ((message.Entity == "deal") != maps.DealMode)
        {
            return; // the other entity's event: the app writes only the configured one
        }

        JsonNode? item;
        try
        {
            item = (await crm.CallAsync("crm.item.get", new JsonObject { ["entityTypeId"] = type, ["id"] = message.Id }, ct))?["item"];
        }
        catch (Bitrix24Exception ex) when (ex.Kind == Bitrix24ErrorKind.DataError)
        {
            Log.NotInCrm(logger, message.Entity, message.Id);
            return; // deleted meanwhile, or not a record of this entity
        }

        if (item?["originatorId"]?.ToString() != CrmRecords.Originator || item["originId"]?.ToString() is not { Length: > 0 } topicId
            || item["stageId"]?.ToString() is not { Length: > 0 } stage)
        {
            return; // not a record the app made
        }

        var topic = await store.GetTopicAsync(topicId, ct);
        if (topic is not { Status: TopicStatus.Written } || topic.CrmId != message.Id || topic.CrmKind != message.Entity)
        {
            return;
        }

        var map = maps.Current;
        if (string.Equals(stage, topic.CrmStage ?? map.NewStage, StringComparison.OrdinalIgnoreCase))
        {
            Log.Echo(logger, topicId, message.Source);
            return; // the app's own stage (its echo), or another field was edited
        }

        var target = map.ToHh(stage);
        if (target is null || map.InStep(topic.HhStage, stage))
        {
            // A stage with no hh.ru state, or already hh.ru's: accept it as the record's stage.
            await AcceptAsync(topicId, stage, null, ct);
            return;
        }

        await MoveAsync(topic, message, stage, target, ct);
    }

    private async Task MoveAsync(TopicRecord topic, CrmStageEvent message, string stage, string target, CancellationToken ct)
    {
        var map = maps.Current;
        var claim = topic.HhActions.FirstOrDefault(c => c.TargetState == target);
        var now = time.GetUtcNow();
        switch (claim?.Status)
        {
            case HhActionStatus.Sent:
                Log.AlreadySent(logger, topic.TopicId, target);
                await AcceptAsync(topic.TopicId, stage, null, ct);
                return;
            case HhActionStatus.Claimed when now - claim.At < HhActionClaim.InFlight:
                Log.InFlight(logger, topic.TopicId, target);
                throw new SyncBackRetryException("another instance is sending this hh.ru action");
        }

        // Re-read hh.ru before anything is sent: its current state and the actions it offers in it.
        HhTopicWithActions negotiation;
        try
        {
            negotiation = await ReadAsync(topic.TopicId, ct);
        }
        catch (HhApiException ex) when (HhRefusals.IsGone(ex.Error))
        {
            await RefuseAsync(topic, message, stage, target, null, "the response no longer exists on hh.ru", claim, ct);
            return;
        }
        catch (HhApiException ex)
        {
            await TellHhTroubleAsync(ex.Error, ct);
            throw new SyncBackRetryException("the negotiation could not be re-read: " + ex.Error.Message);
        }
        catch (TokenUnavailableException ex)
        {
            throw new SyncBackRetryException(ex.Message);
        }

        var current = negotiation.EmployerState?.Id;
        if (string.Equals(current, target, StringComparison.Ordinal) || map.InStep(current, stage))
        {
            // Already there: a lost answer that was in fact done, or a recruiter who moved both sides.
            await store.UpdateTopicAsync(topic.TopicId, t => t is null ? null : t with
            {
                HhStage = current,
                SyncedHhStage = current,
                CrmStage = stage,
                StageDue = false,
                SyncBackRefusal = null,
                HhActions = claim is null ? t.HhActions : Replace(t.HhActions, claim with { Status = HhActionStatus.Sent, At = now }),
            }, ct);
            Log.AlreadyThere(logger, topic.TopicId, target);
            return;
        }

        var action = (negotiation.Actions ?? []).FirstOrDefault(a => a.Enabled != false && a.Url is not null
            && (string.Equals(a.ResultingEmployerState?.Id, target, StringComparison.Ordinal) || (a.ResultingEmployerState is null && a.Id == target)));
        if (action is null)
        {
            await RefuseAsync(topic, message, stage, target, current, $"hh.ru offers no move to '{target}' from '{current ?? "?"}'", claim, ct);
            return;
        }

        var form = new List<KeyValuePair<string, string>>();
        foreach (var argument in action.Arguments ?? [])
        {
            if (argument.Id == "message" && options.Value.SyncBackMessage is { Length: > 0 } text)
            {
                form.Add(new("message", text));
            }
            else if (argument.Required == true)
            {
                await RefuseAsync(topic, message, stage, target, current, argument.Id == "message"
                    ? $"hh.ru's action '{action.Id}' needs a message to the candidate; set Recruiting__SyncBackMessage"
                    : $"hh.ru's action '{action.Id}' needs '{argument.Id}', which the app does not choose; make this move on hh.ru", claim, ct);
                return;
            }
        }

        if (!Uri.TryCreate(action.Url, UriKind.Absolute, out var url))
        {
            await RefuseAsync(topic, message, stage, target, current, "hh.ru gave the action no usable address", claim, ct);
            return;
        }

        // Claim it (only if the claim is still what was read: another instance that claimed meanwhile wins).
        var seen = claim?.Attempts ?? 0;
        var (claimed, won) = await store.UpdateTopicAsync(topic.TopicId, t =>
        {
            if (t is null)
            {
                return null;
            }

            var mine = t.HhActions.FirstOrDefault(c => c.TargetState == target);
            if ((mine?.Attempts ?? 0) != seen || mine?.Status == HhActionStatus.Sent)
            {
                return null;
            }

            var next = new HhActionClaim(target, HhActionStatus.Claimed, time.GetUtcNow()) { ActionId = action.Id, Attempts = seen + 1 };
            return t with { HhActions = mine is null ? [.. t.HhActions, next] : Replace(t.HhActions, next) };
        }, ct);
        if (!won)
        {
            Log.LostClaim(logger, topic.TopicId, target);
            return;
        }

        HhActionResult result;
        try
        {
            await pacer.WaitTurnAsync(ct);
            result = await tokens.WithAccessTokenAsync((t, c) => actions.SendAsync(t, url, action.Method ?? "PUT", form, c), ct);
        }
        catch (Exception ex) when (ex is HhApiException or TokenUnavailableException)
        {
            // oauth refused before anything was done (the token manager refreshed once already).
            await SetClaimAsync(topic.TopicId, target, HhActionStatus.Unknown, "not sent: hh.ru refused the token", ct);
            throw new SyncBackRetryException("hh.ru refused the token: " + ex.Message);
        }
        catch (OperationCanceledException)
        {
            await SetClaimAsync(topic.TopicId, target, HhActionStatus.Unknown, "cancelled while sending", CancellationToken.None);
            throw;
        }

        switch (result.Outcome)
        {
            case HhActionOutcome.Done:
                var reached = action.ResultingEmployerState?.Id ?? target;
                await store.UpdateTopicAsync(topic.TopicId, t => t is null ? null : t with
                {
                    HhStage = reached,
                    HhStageSeenAt = time.GetUtcNow(),
                    SyncedHhStage = reached,
                    CrmStage = stage,
                    StageDue = false,
                    SyncBackRefusal = null,
                    HhActions = Replace(t.HhActions, claimed!.HhActions.First(c => c.TargetState == target) with { Status = HhActionStatus.Sent, At = time.GetUtcNow() }),
                }, ct);
                await store.UpdateStateAsync(s => s with { HhActionsSent = s.HhActionsSent + 1 }, ct);
                await mirror.RecordAsync([new ResponseMirrorRecord(topic.TopicId, null, null, null, reached, topic.Source, topic.FirstSeenAt, time.GetUtcNow(), topic.CrmKind, topic.CrmId)], ct);
                Log.Sent(logger, topic.TopicId, action.Id ?? target, message.Source);
                return;
            case HhActionOutcome.Refused:
                await RefuseAsync(topic, message, stage, target, current, result.Detail, claimed!.HhActions.First(c => c.TargetState == target), ct);
                return;
            case HhActionOutcome.Throttled:
                // Stopped before the action: release the claim and try later.
                await SetClaimAsync(topic.TopicId, target, HhActionStatus.Unknown, "not sent: " + result.Detail, ct);
                pacer.SlowDown();
                await TellHhTroubleAsync(result.Error!, ct);
                throw new SyncBackRetryException(result.Detail);
            default:
                await SetClaimAsync(topic.TopicId, target, HhActionStatus.Unknown, result.Detail, ct);
                Log.AnswerLost(logger, topic.TopicId, target, result.Detail);
                throw new SyncBackRetryException("hh.ru's answer was lost (" + result.Detail + "); the negotiation is re-read before anything is sent again");
        }
    }

    /// <summary>hh.ru refused the move (or it cannot be made): a timeline comment on the record, a line for the desk; hh.ru's state stays.</summary>
    private async Task RefuseAsync(TopicRecord topic, CrmStageEvent message, string stage, string target, string? current, string reason, HhActionClaim? claim, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Log.Refused(logger, topic.TopicId, target, reason);
        await store.UpdateTopicAsync(topic.TopicId, t => t is null ? null : t with
        {
            CrmStage = stage,
            HhStage = current ?? t.HhStage,
            SyncBackRefusal = reason,
            HhActions = claim is null ? t.HhActions : Replace(t.HhActions, claim with { Status = HhActionStatus.Refused, At = now, Problem = reason }),
        }, ct);
        await store.UpdateStateAsync(s => s with
        {
            RefusedMoves = [.. s.RefusedMoves.TakeLast(MaxRefusedKept - 1), new RefusedStageMove(topic.TopicId, message.Entity, message.Id, stage, target, current, reason, now)],
        }, ct);
        try
        {
            await crm.CallAsync("crm.timeline.comment.add", new JsonObject
            {
                ["fields"] = new JsonObject
                {
                    ["ENTITY_ID"] = message.Id,
                    ["ENTITY_TYPE"] = message.Entity,
                    ["COMMENT"] = $"hh.ru did not take this move to '{stage}' (hh.ru state '{target}'): {reason}. The response stays '{current ?? topic.HhStage ?? "?"}' on hh.ru. {StageWriter.Marker(topic.TopicId)}",
                },
            }, ct);
        }
        catch (Bitrix24Exception ex)
        {
            Log.CommentFailed(logger, topic.TopicId, ex.Kind.ToString());
        }
    }

    private async Task AcceptAsync(string topicId, string stage, string? hhStage, CancellationToken ct) =>
        await store.UpdateTopicAsync(topicId, t => t is null ? null : t with { CrmStage = stage, SyncedHhStage = hhStage ?? t.SyncedHhStage }, ct);

    /// <summary>
    /// Ends this attempt's claim on <paramref name="target"/> as <paramref name="status"/>: Unknown when the answer was
    /// lost, or when hh.ru stopped the request before the action (throttling, the token): either way the next attempt
    /// re-reads the negotiation before it sends anything.
    /// </summary>
    private async Task SetClaimAsync(string topicId, string target, HhActionStatus status, string? problem, CancellationToken ct) =>
        await store.UpdateTopicAsync(topicId, t => t?.HhActions.FirstOrDefault(c => c.TargetState == target) is { Status: HhActionStatus.Claimed } mine
            ? t with { HhActions = Replace(t.HhActions, mine with { Status = status, Problem = problem, At = time.GetUtcNow() }) }
            : null, ct);

    private static IReadOnlyList<HhActionClaim> Replace(IReadOnlyList<HhActionClaim> claims, HhActionClaim claim) =>
        [.. claims.Select(c => c.TargetState == claim.TargetState ? claim : c)];

    private async Task TellHhTroubleAsync(HhError error, CancellationToken ct)
    {
        if (HhRefusals.IsThrottle(error) || error.StatusCode == 403)
        {
            await notices.TellOnceAsync("hh-refused-" + error.StatusCode, $"hh.ru refused an employer call ({error.Message}). Recruiting slows down and tries again; nothing is lost.", ct);
        }
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

    /// <summary>Runs <paramref name="work"/> holding the CRM writer's lock, with the portal's bucket handed on as the writer does.</summary>
    private async Task<T> WithCrmAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await using var lease = await locks.TryAcquireAsync(CrmWriter.LockName, LeaseTime, LockWait, ct)
            ?? throw new SyncBackRetryException("the CRM writer is busy; tried again shortly");
        var state = await store.GetStateAsync(ct);
        gate.Restore(new Bitrix24BucketState(state.BucketLevel, state.BucketAt ?? time.GetUtcNow()));
        try
        {
            return await work();
        }
        catch (Bitrix24Exception ex)
        {
            Log.CrmTrouble(logger, ex.Kind.ToString(), ex.Message);
            throw new SyncBackRetryException("Bitrix24: " + ex.Message, ex);
        }
        finally
        {
            var bucket = gate.Save();
            await store.UpdateStateAsync(s => s with { BucketLevel = bucket.Level, BucketAt = bucket.At }, CancellationToken.None);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(9721, LogLevel.Debug, "Sync back: topic {TopicId}: the CRM stage is the one the app set or accepted ({Source}); nothing to do.")]
        public static partial void Echo(ILogger logger, string topicId, string source);

        [LoggerMessage(9722, LogLevel.Information, "Sync back: topic {TopicId}: the hh.ru action to {Target} was sent before; not sent again.")]
        public static partial void AlreadySent(ILogger logger, string topicId, string target);

        [LoggerMessage(9723, LogLevel.Information, "Sync back: topic {TopicId}: another instance is sending the action to {Target}; tried again later.")]
        public static partial void InFlight(ILogger logger, string topicId, string target);

        [LoggerMessage(9724, LogLevel.Information, "Sync back: topic {TopicId} is already {Target} on hh.ru; nothing sent.")]
        public static partial void AlreadyThere(ILogger logger, string topicId, string target);

        [LoggerMessage(9725, LogLevel.Information, "Sync back: topic {TopicId}: another instance claimed the action to {Target}; this one sends nothing.")]
        public static partial void LostClaim(ILogger logger, string topicId, string target);

        [LoggerMessage(9726, LogLevel.Information, "Sync back: topic {TopicId}: hh.ru action {Action} done ({Source}).")]
        public static partial void Sent(ILogger logger, string topicId, string action, string source);

        [LoggerMessage(9727, LogLevel.Warning, "Sync back: topic {TopicId}: the move to {Target} was not made on hh.ru: {Reason}.")]
        public static partial void Refused(ILogger logger, string topicId, string target, string reason);

        [LoggerMessage(9728, LogLevel.Warning, "Sync back: topic {TopicId}: hh.ru's answer to the action to {Target} was lost ({Detail}); re-read before any re-send.")]
        public static partial void AnswerLost(ILogger logger, string topicId, string target, string detail);

        [LoggerMessage(9729, LogLevel.Warning, "Sync back: the refusal comment on topic {TopicId}'s record was not written ({Kind}).")]
        public static partial void CommentFailed(ILogger logger, string topicId, string kind);

        [LoggerMessage(9730, LogLevel.Warning, "Sync back: Bitrix24 trouble ({Kind}: {Reason}); tried again later.")]
        public static partial void CrmTrouble(ILogger logger, string kind, string reason);

        [LoggerMessage(9731, LogLevel.Debug, "Sync back: {Entity} {Id} is not in Bitrix24 (deleted?); nothing to do.")]
        public static partial void NotInCrm(ILogger logger, string entity, long id);

        [LoggerMessage(9732, LogLevel.Information, "Sync back: {Summary}.")]
        public static partial void Fallback(ILogger logger, string summary);
    }
}
