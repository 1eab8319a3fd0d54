using System.Globalization;
using System.Text.Json.Serialization;
using HhFunctions.Bitrix24;
using HhFunctions.StatusPage;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>One active vacancy on the desk: its responses, its funnel and who is responsible for it in Bitrix24.</summary>
public sealed record DeskVacancy(string VacancyId, string Name, DeskCounts Counts, long? AssigneeId, string Assignee, string AssigneeSource);

/// <summary>Responses that arrived in one week (from Monday, UTC), and how far they got.</summary>
public sealed record DeskWeek(string Week, DeskCounts Counts);

/// <summary>One of the latest changes: a response's record as the app keeps it (ids, stages, times; nothing personal).</summary>
public sealed record DeskEvent(
    string TopicId, string? VacancyId, string? Vacancy, string Status, string? HhStage, string Step, DateTimeOffset At,
    string? CrmKind, long? CrmId, string? CrmUrl, string? Problem);

/// <summary>What the desk shows (and its JSON): built from the recruiting store only, no hh.ru call.</summary>
public sealed record DeskReport(
    DateTimeOffset GeneratedAt,
    DeskCounts Totals,
    IReadOnlyList<DeskVacancy> Vacancies,
    DeskCounts Elsewhere,
    IReadOnlyList<DeskWeek> Weeks,
    IReadOnlyList<DeskEvent> Events,
    IReadOnlyList<StatusLine> State)
{
    /// <summary>Bitrix24__WebhookUrl is set.</summary>
    public bool CrmConfigured { get; init; }

    /// <summary>lead or deal.</summary>
    public string Entity { get; init; } = "lead";

    public long? DefaultAssigneeId { get; init; }

    /// <summary>The portal's users for the assignee form (empty when they could not be read; see <see cref="UsersProblem"/>).</summary>
    public IReadOnlyList<PortalUser> Users { get; init; } = [];

    public string? UsersProblem { get; init; }

    /// <summary>The single-use antiforgery value of the page's forms; null: no forms.</summary>
    [JsonIgnore]
    public string? FormToken { get; init; }
}

/// <summary>
/// Builds the desk from the recruiting store (<see cref="IRecruitingStore.ListTopicsAsync"/>, the vacancies the
/// reconcile run keeps), the recruiting status section (subscription, pauses, failures: <see cref="RecruitingStatus"/>)
/// and the cached portal users; it never calls hh.ru.
/// </summary>
public sealed class DeskService(
    IRecruitingStore store,
    RecruitingStatus status,
    PortalUsers users,
    EmployerPacer pacer,
    IBitrix24Client crm,
    IOptions<Bitrix24Options> crmOptions,
    IOptions<RecruitingOptions> options,
    TimeProvider time)
{
    public const int EventsShown = 50;
    public const int WeeksShown = 12;

    /// <summary>Refused sync-back moves shown with the pipeline's state.</summary>
    public const int RefusedShown = 10;

    public async Task<DeskReport> GetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var topics = await store.ListTopicsAsync(ct);
        var vacancies = await store.ListVacanciesAsync(ct);
        var portal = await users.GetAsync(ct);
        var section = await status.GetAsync(topics, ct);

        var names = vacancies.Where(v => v.Name is not null).ToDictionary(v => v.VacancyId, v => v.Name!, StringComparer.Ordinal);
        var active = vacancies.Where(v => v.Active).ToDictionary(v => v.VacancyId, StringComparer.Ordinal);
        var perVacancy = active.Keys.ToDictionary(id => id, _ => new DeskTally(), StringComparer.Ordinal);
        var elsewhere = new DeskTally();
        var all = new DeskTally();
        var thisWeek = WeekStart(now);
        var firstWeek = thisWeek.AddDays(-7 * (WeeksShown - 1));
        var weeks = new DeskTally[WeeksShown];
        for (var i = 0; i < weeks.Length; i++)
        {
            weeks[i] = new DeskTally();
        }

        foreach (var t in topics)
        {
            if (t.Status == TopicStatus.Gone)
            {
                continue;
            }

            all.Add(t, now);
            (t.VacancyId is { } v && perVacancy.TryGetValue(v, out var tally) ? tally : elsewhere).Add(t, now);
            var week = (int)((t.FirstSeenAt.UtcDateTime - firstWeek.UtcDateTime).TotalDays / 7);
            if (t.FirstSeenAt >= firstWeek && week is >= 0 and < WeeksShown)
            {
                weeks[week].Add(t, now);
            }
        }

        var fallback = crmOptions.Value.DefaultAssigneeId;
        var rows = active.Values
            .Select(v =>
            {
                var (id, name, source) = v.AssigneeId is { } chosen
                    ? (chosen, portal.NameOf(chosen) ?? "user " + chosen.ToString(CultureInfo.InvariantCulture), "desk")
                    : fallback is { } d
                        ? ((long?)d, portal.NameOf(d) ?? "user " + d.ToString(CultureInfo.InvariantCulture), "default")
                        : ((long?)null, "the webhook's user", "portal");
                return new DeskVacancy(v.VacancyId, v.Name ?? "vacancy " + v.VacancyId, perVacancy[v.VacancyId].ToCounts(), id, name, source);
            })
            .OrderByDescending(r => r.Counts.Total).ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(r => r.VacancyId, StringComparer.Ordinal)
            .ToList();

        var weekRows = Enumerable.Range(0, WeeksShown).Reverse()
            .Select(i => new DeskWeek(firstWeek.AddDays(7 * i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), weeks[i].ToCounts()))
            .ToList();

        var portalBase = PortalBase(crmOptions.Value.WebhookUrl);
        var events = topics
            .OrderByDescending(t => t.UpdatedAt).ThenBy(t => t.TopicId, StringComparer.Ordinal)
            .Take(EventsShown)
            .Select(t => new DeskEvent(
                t.TopicId, t.VacancyId, t.VacancyId is { } v && names.TryGetValue(v, out var n) ? n : null, t.Status.ToString(), t.HhStage,
                t.Status == TopicStatus.Gone ? "gone" : DeskFunnel.StepOf(t.HhStage, t.FirstSeenAt, now), t.UpdatedAt,
                t.CrmKind, t.CrmId, RecordUrl(portalBase, t), t.Problem))
            .ToList();

        var state = new List<StatusLine>(section?.Lines ?? []);
        if (pacer.CurrentRate < options.Value.HhCallsPerSecond)
        {
            state.Add(new StatusLine(string.Create(CultureInfo.InvariantCulture, $"hh.ru calls are slowed to {pacer.CurrentRate:0.##} a second after a 429 or a captcha (for {EmployerPacer.SlowFor.TotalMinutes:0} minutes)."), "warn"));
        }

        // Sync back: the last moves made in Bitrix24 that hh.ru refused (the stage on hh.ru stayed as it was).
        foreach (var refused in (await store.GetStateAsync(ct)).RefusedMoves.OrderByDescending(m => m.At).Take(RefusedShown))
        {
            state.Add(new StatusLine(string.Create(CultureInfo.InvariantCulture, $"hh.ru refused a move made in Bitrix24 ({refused.At.ToUniversalTime():yyyy-MM-dd HH:mm} UTC): response {refused.TopicId}, {refused.CrmKind} {refused.CrmId} to \"{refused.TargetState}\" while hh.ru has it at \"{refused.HhState ?? "unknown"}\": {refused.Reason}. The stage on hh.ru is unchanged."), "warn"));
        }

        return new DeskReport(now, all.ToCounts(), rows, elsewhere.ToCounts(), weekRows, events, state)
        {
            CrmConfigured = crm.IsConfigured,
            Entity = string.Equals(crmOptions.Value.Entity, "deal", StringComparison.OrdinalIgnoreCase) ? "deal" : "lead",
            DefaultAssigneeId = fallback,
            Users = portal.Users,
            UsersProblem = portal.Problem,
        };
    }

    /// <summary>Monday 00:00 UTC of the week holding <paramref name="at"/>.</summary>
    public static DateTimeOffset WeekStart(DateTimeOffset at)
    {
        var day = at.UtcDateTime.Date;
        return new DateTimeOffset(day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), TimeSpan.Zero);
    }

    /// <summary>"https://{portal}" from Bitrix24__WebhookUrl: scheme, host and port only, never its path (which holds the secret).</summary>
    public static string? PortalBase(string? webhookUrl) =>
        Uri.TryCreate(webhookUrl?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.Scheme + "://" + uri.Authority
            : null;

    /// <summary>The Bitrix24 record's page: /crm/lead/details/{id}/ (a lead, or the lead a repeat response was noted on) or /crm/deal/details/{id}/.</summary>
    public static string? RecordUrl(string? portalBase, TopicRecord topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (portalBase is null || topic.CrmId is not { } id || topic.Status != TopicStatus.Written)
        {
            return null;
        }

        var kind = topic.CrmKind == "deal" ? "deal" : "lead";
        return portalBase + "/crm/" + kind + "/details/" + id.ToString(CultureInfo.InvariantCulture) + "/";
    }
}
