namespace HhFunctions.Recruiting;

/// <summary>
/// Keeps the employer's active vacancies (id and title, nothing personal) in the recruiting store from what the
/// reconcile run lists anyway, so the desk never calls hh.ru. A vacancy is written only when it is new, renamed,
/// or changes between active and not, so a run over 200 unchanged vacancies writes nothing.
/// </summary>
public sealed class VacancyRoster(IRecruitingStore store, TimeProvider time)
{
    /// <summary>
    /// Records the vacancies a run listed. <paramref name="complete"/>: the run listed every page, so a known vacancy
    /// missing from it is no longer active (an interrupted run only adds).
    /// </summary>
    public async Task<int> RecordAsync(IReadOnlyList<(string Id, string? Name)> listed, bool complete, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(listed);
        var now = time.GetUtcNow();
        var changed = 0;
        var known = (await store.ListVacanciesAsync(ct)).ToDictionary(v => v.VacancyId, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, name) in listed)
        {
            if (!seen.Add(id))
            {
                continue;
            }

            var title = name is { Length: > 300 } ? name[..300] : name;
            if (known.TryGetValue(id, out var was) && was.Active && was.Name == title && was.LastListedAt is { } at && now - at < TimeSpan.FromDays(1))
            {
                continue; // unchanged (its listing time is refreshed once a day, not on every run)
            }

            var (_, wrote) = await store.UpdateVacancyAsync(id, v => v is null
                ? new RecruitingVacancy(id, title, true, now, now) { LastListedAt = now }
                : v with { Name = title ?? v.Name, Active = true, UpdatedAt = now, LastListedAt = now }, ct);
            changed += wrote ? 1 : 0;
        }

        if (complete)
        {
            foreach (var gone in known.Values.Where(v => v.Active && !seen.Contains(v.VacancyId)))
            {
                var (_, wrote) = await store.UpdateVacancyAsync(gone.VacancyId, v => v is { Active: true } ? v with { Active = false, UpdatedAt = now } : null, ct);
                changed += wrote ? 1 : 0;
            }
        }

        return changed;
    }
}
