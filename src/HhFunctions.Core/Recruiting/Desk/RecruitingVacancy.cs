namespace HhFunctions.Recruiting;

/// <summary>
/// One of the employer's hh.ru vacancies as the app keeps it (ids and the vacancy's public title only, no personal
/// data): listed by the reconcile run, and the Bitrix24 user the desk assigned to it.
/// </summary>
public sealed record RecruitingVacancy(string VacancyId, string? Name, bool Active, DateTimeOffset FirstSeenAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The Bitrix24 user (ASSIGNED_BY_ID) every new record of this vacancy gets; null: Bitrix24__DefaultAssigneeId.</summary>
    public long? AssigneeId { get; init; }

    /// <summary>When the desk's form last set <see cref="AssigneeId"/>.</summary>
    public DateTimeOffset? AssignedAt { get; init; }

    /// <summary>When the reconcile run last listed it as active.</summary>
    public DateTimeOffset? LastListedAt { get; init; }
}
