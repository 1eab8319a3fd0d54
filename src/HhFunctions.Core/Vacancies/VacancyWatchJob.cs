using System.Globalization;
using System.Net;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Vacancies;

/// <summary>
/// One vacancy watch run: every source (Search__Queries, then saved searches, then vacancies similar to each
/// published resume) is paged newest first until a vacancy the source saw before; every vacancy seen is stored;
/// the new ones go to Telegram in one digest. hh.ru calls are spaced by <see cref="HhCallPacer"/>. A captcha,
/// 403 or 429 stops the run (the owner is told once); other failures of a source are recorded and the run goes on.
/// Searches use the connected account's token, or the application token when there is none or hh.ru refuses it
/// (<see cref="WatchTokens"/>); the sources that need a job seeker's account are then left out, and that is said once.
/// </summary>
public sealed partial class VacancyWatchJob(
    TokenManager tokens,
    AppTokenManager appTokens,
    HhClient hh,
    HhCallPacer pacer,
    IVacancyStore store,
    IStateStore state,
    IDistributedLock locks,
    IVacancyMessenger messenger,
    ITelegramNotifier telegram,
    IOptions<SearchOptions> options,
    Applying.ApplyService applying,
    IVacancyMirror mirror,
    TimeProvider time,
    ILogger<VacancyWatchJob> logger)
{
    public const string RunLockName = "vacancy-watch";

    /// <summary>A source's first run lists this many of its newest matches; the rest are stored quietly.</summary>
    public const int FirstRunListed = 20;

    /// <summary>Saved searches are read 10 a page; at most this many pages.</summary>
    public const int MaxSavedSearchPages = 10;

    public static readonly TimeSpan RunLease = TimeSpan.FromMinutes(9);

    private sealed record Source(string Name, string Kind, Func<string, int, CancellationToken, Task<HhVacancyPage>> Fetch);

    /// <summary>hh.ru refused the app in a way that must stop the run: captcha, 403, 429 or no usable token.</summary>
    private sealed class StopException(string key, string message) : Exception(message)
    {
        public string Key { get; } = key;
    }

    public async Task<WatchRun> RunAsync(string trigger, CancellationToken ct)
    {
        using var span = Observability.AppTelemetry.StartRun("watch", trigger);
        var started = time.GetUtcNow();
        var runId = started.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        if (!options.Value.HasSources)
        {
            return Finish(runId, trigger, started, RunStatus.Skipped, "Nothing to watch: set Search__Queries, Search__UseSavedSearches or Search__SimilarToResumes.", 0, []);
        }

        ILease? lease;
        try
        {
            lease = await locks.TryAcquireAsync(RunLockName, RunLease, TimeSpan.Zero, ct);
        }
        catch (StateStoreException ex)
        {
            Log.StoreUnavailable(logger, ex.Message);
            return Finish(runId, trigger, started, RunStatus.Failed, "State storage is unreachable; nothing was watched: " + ex.Message, 0, []);
        }

        if (lease is null)
        {
            return Finish(runId, trigger, started, RunStatus.Skipped, "Another watch run is in progress; this one did nothing.", 0, []);
        }

        await using (lease)
        {
            try
            {
                return await RunLockedAsync(runId, trigger, started, ct);
            }
            catch (StateStoreException ex)
            {
                Log.StoreUnavailable(logger, ex.Message);
                return Finish(runId, trigger, started, RunStatus.Failed, "State storage is unreachable; the run stopped: " + ex.Message, 0, []);
            }
        }
    }

    private async Task<WatchRun> RunLockedAsync(string runId, string trigger, DateTimeOffset started, CancellationToken ct)
    {
        var watchState = await store.GetWatchStateAsync(ct);
        if ((await state.GetAccountAsync(ct)).Paused)
        {
            return await SaveAsync(watchState, Finish(runId, trigger, started, RunStatus.Skipped, "Watching is paused (/resume to continue).", 0, []), ct);
        }

        var watermarks = (await store.GetWatermarksAsync(ct)).ToDictionary(w => w.Source, StringComparer.Ordinal);
        var hidden = await store.GetHiddenAsync(ct);
        var results = new List<WatchSourceResult>();
        var sections = new List<DigestSection>();
        var newThisRun = new HashSet<string>(StringComparer.Ordinal);
        var calls = 0;
        StopException? stop = null;
        var access = await WatchTokens.BeginAsync(tokens, appTokens, state, pacer, time, ct);
        string? userSourcesLeftOut = null;
        var sourceCount = 0;
        try
        {
            var (sources, listingCalls, listingErrors, leftOut) = await SourcesAsync(access, ct);
            calls += listingCalls;
            results.AddRange(listingErrors);
            userSourcesLeftOut = leftOut;
            sourceCount = sources.Count;
            foreach (var source in sources)
            {
                var (result, section, stopped) = await RunSourceAsync(access, source, watermarks.GetValueOrDefault(source.Name), hidden, newThisRun, ct);
                calls += result.Calls;
                results.Add(result);
                if (section is not null)
                {
                    sections.Add(section);
                }

                if (stopped is not null)
                {
                    throw stopped;
                }
            }
        }
        catch (StopException ex)
        {
            stop = ex;
            Log.Stopped(logger, ex.Key);
        }

        var newCount = newThisRun.Count;
        foreach (var message in VacancyDigest.Build(sections))
        {
            await messenger.SendAsync(message, ct);
        }

        if (stop is null)
        {
            await ApplyToListedAsync(sections, ct);
        }

        var failed = results.Count(r => r.Error is not null);
        var status = stop is not null || (failed > 0 && failed == results.Count) ? RunStatus.Failed : failed > 0 ? RunStatus.PartiallyFailed : RunStatus.Succeeded;
        if (stop is null && sourceCount == 0 && results.Count == 0 && userSourcesLeftOut is not null)
        {
            status = RunStatus.Skipped; // only account-bound sources are set, and there is no account to run them
        }

        var summary = string.Create(CultureInfo.InvariantCulture, $"{newCount} new, {results.Sum(r => r.Seen)} seen in {results.Count} source(s), {calls} hh.ru call(s)")
            + (access.Kind == WatchTokenKind.Application ? " on the application token" : string.Empty)
            + (failed > 0 ? string.Create(CultureInfo.InvariantCulture, $", {failed} source(s) failed") : string.Empty)
            + (userSourcesLeftOut is null ? string.Empty : "; saved searches and similar vacancies left out: they need a connected job seeker's account")
            + (stop is null ? "." : ". Stopped: " + stop.Message);
        var run = Finish(runId, trigger, started, status, summary, calls, results, newCount);
        watchState = watchState with { Token = access.Use };
        watchState = await TellUserSourcesOnceAsync(watchState, userSourcesLeftOut, ct);

        // Tell the owner once per kind of refusal; a run without one clears it, so the next one is told again.
        var alerted = watchState.AlertedProblem;
        if (stop is not null && alerted != stop.Key)
        {
            await telegram.SendAsync("⛔ <b>Vacancy watch stopped</b>\n" + WebUtility.HtmlEncode(stop.Message) + "\nThe next scheduled run tries again; you are told again only after it has worked in between.", ct);
            alerted = stop.Key;
        }
        else if (stop is null)
        {
            alerted = null;
        }

        return await SaveAsync(watchState with { AlertedProblem = alerted }, run, ct);
    }

    private async Task<(List<Source> Sources, int Calls, List<WatchSourceResult> Errors, string? UserSourcesLeftOut)> SourcesAsync(WatchTokens access, CancellationToken ct)
    {
        var o = options.Value;
        var sources = SearchQueryParser.Parse(o.Queries).Queries
            .Select(q => new Source(q.Name, "query", (token, page, c) => hh.SearchVacanciesAsync(token, q.QueryString, page, c)))
            .ToList();
        var calls = 0;
        var errors = new List<WatchSourceResult>();
        string? leftOut = null;
        if ((o.UseSavedSearches || o.SimilarToResumes) && access.Kind == WatchTokenKind.Application)
        {
            return (sources, calls, errors, access.Reason);
        }

        if (o.UseSavedSearches)
        {
            try
            {
                for (var page = 0; page < MaxSavedSearchPages; page++)
                {
                    var p = page;
                    var result = await UserOnlyAsync(access, "saved searches", (token, c) => hh.GetSavedSearchesAsync(token, p, c), ct);
                    calls++;
                    foreach (var saved in result.Items ?? [])
                    {
                        if (saved.Items?.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
                        {
                            sources.Add(new Source("Saved: " + (saved.Name ?? saved.Id), "saved", (token, pg, c) => hh.GetVacanciesAtAsync(token, uri, pg, c)));
                        }
                    }

                    if (page + 1 >= result.Pages)
                    {
                        break;
                    }
                }
            }
            catch (UserAccountNeededException ex)
            {
                calls++;
                leftOut = ex.Message;
            }
            catch (HhApiException ex)
            {
                calls++;
                errors.Add(new WatchSourceResult("Saved searches", 1, 0, 0, "Could not list the saved searches: " + ex.Error.Message));
            }
        }

        if (o.SimilarToResumes && leftOut is null)
        {
            try
            {
                var resumes = await UserOnlyAsync(access, "resume list", (token, c) => hh.GetMyResumesAsync(token, c), ct);
                calls++;
                foreach (var resume in resumes.Where(r => r.Status?.Id == "published" && r.Blocked != true))
                {
                    sources.Add(new Source("Similar: " + resume.DisplayTitle, "similar", (token, page, c) => hh.GetSimilarVacanciesAsync(token, resume.Id, page, c)));
                }
            }
            catch (UserAccountNeededException ex)
            {
                calls++;
                leftOut = ex.Message;
            }
            catch (HhApiException ex)
            {
                calls++;
                errors.Add(new WatchSourceResult("Similar to resumes", 1, 0, 0, "Could not list the resumes: " + ex.Error.Message));
            }
        }

        if (leftOut is not null)
        {
            // The account was refused part-way: its sources found so far are left out as well.
            sources.RemoveAll(s => s.Kind != "query");
        }

        return (sources, calls, errors, leftOut);
    }

    /// <summary>
    /// Said once (and again only after the account's sources have run in between): saved searches and similar
    /// vacancies need a connected job seeker's account. A plain notice, not a failure.
    /// </summary>
    private async Task<WatchState> TellUserSourcesOnceAsync(WatchState watchState, string? leftOut, CancellationToken ct)
    {
        if (leftOut is null)
        {
            return options.Value.UseSavedSearches || options.Value.SimilarToResumes ? watchState with { UserSourcesToldAt = null } : watchState;
        }

        if (watchState.UserSourcesToldAt is not null)
        {
            return watchState;
        }

        Log.UserSourcesLeftOut(logger, leftOut);
        var sent = await telegram.SendAsync(
            "ℹ️ <b>Saved searches and similar vacancies are not watched</b>\n"
            + "They need a connected job seeker's account (Search__UseSavedSearches, Search__SimilarToResumes), and "
            + WebUtility.HtmlEncode(leftOut) + ". "
            + (string.IsNullOrWhiteSpace(options.Value.Queries) ? "Nothing else is set to watch (Search__Queries)." : "Search__Queries are watched meanwhile.")
            + " Connect a job seeker's account with /connect to add them.",
            ct);
        return sent ? watchState with { UserSourcesToldAt = time.GetUtcNow() } : watchState;
    }

    private async Task<(WatchSourceResult Result, DigestSection? Section, StopException? Stop)> RunSourceAsync(
        WatchTokens access, Source source, SourceWatermark? watermark, IReadOnlySet<string> hidden, HashSet<string> newThisRun, CancellationToken ct)
    {
        var firstRun = watermark is null || (watermark.NewestPublishedAt is null && watermark.TopIds.Count == 0);
        var topIds = watermark?.TopIds.ToHashSet(StringComparer.Ordinal) ?? [];
        var newest = watermark?.NewestPublishedAt;
        var fresh = new List<VacancyRecord>();
        var seen = 0;
        var calls = 0;
        var found = 0;
        var pageZeroIds = new List<string>();
        var latest = newest;
        string? error = null;
        StopException? stop = null;
        try
        {
            for (var page = 0; page <= HhClient.LastVacancyPage; page++)
            {
                var p = page;
                calls++;
                var result = await SearchAsync(access, (token, c) => source.Fetch(token, p, c), ct);
                var items = (result.Items ?? []).Where(i => !string.IsNullOrEmpty(i.Id)).DistinctBy(i => i.Id).ToList();
                found = result.Found;
                if (page == 0)
                {
                    pageZeroIds.AddRange(items.Select(i => i.Id));
                }

                var now = time.GetUtcNow();
                var existing = await store.FindAsync(items.Select(i => i.Id).ToList(), ct);
                var records = new List<VacancyRecord>(items.Count);
                var reachedOld = false;
                foreach (var item in items)
                {
                    var old = newest is { } n && (item.PublishedAt is { } at ? at < n || (at == n && topIds.Contains(item.Id)) : topIds.Contains(item.Id));
                    reachedOld |= old;
                    existing.TryGetValue(item.Id, out var before);
                    var record = ToRecord(item, before, source.Name, now);
                    records.Add(record);
                    if (item.PublishedAt is { } published && (latest is null || published > latest))
                    {
                        latest = published;
                    }

                    if (before is null && newThisRun.Add(item.Id) && !hidden.Contains(item.Id))
                    {
                        fresh.Add(record);
                    }
                }

                await store.SaveAsync(records, ct);
                await mirror.RecordAsync(records, items, ct);
                seen += items.Count;
                if (reachedOld || items.Count == 0 || page + 1 >= result.Pages)
                {
                    break;
                }

                if (page == HhClient.LastVacancyPage)
                {
                    Log.DepthReached(logger, source.Name, result.Found);
                }
            }
        }
        catch (HhApiException ex)
        {
            error = ex.Error.Message;
            Log.SourceFailed(logger, source.Name, ex.Error.Kind, ex.Error.StatusCode);
        }
        catch (StopException ex)
        {
            // What was stored before the refusal still goes into this run's digest.
            stop = ex;
            error = ex.Message;
        }

        if (calls > 0 && error is null)
        {
            await store.SaveWatermarkAsync(new SourceWatermark(source.Name, source.Kind, latest, pageZeroIds, time.GetUtcNow(), fresh.Count, seen, found, null), ct);
        }
        else if (error is not null)
        {
            // The position is kept as it was, so the next run picks up where this one could not.
            await store.SaveWatermarkAsync(watermark is null
                ? new SourceWatermark(source.Name, source.Kind, null, [], time.GetUtcNow(), 0, seen, found, error)
                : watermark with { LastRunAt = time.GetUtcNow(), LastNew = fresh.Count, LastSeen = seen, LastError = error }, ct);
        }

        var ordered = fresh.OrderByDescending(r => r.PublishedAt ?? r.FirstSeen).ToList();
        var listed = firstRun ? ordered.Take(FirstRunListed).ToList() : ordered;
        var section = ordered.Count == 0 ? null : new DigestSection(source.Name, listed, ordered.Count - listed.Count, firstRun);
        return (new WatchSourceResult(source.Name, calls, seen, fresh.Count, error), section, stop);
    }

    /// <summary>One paced search call (account's or application token); the refusals that end the run become a <see cref="StopException"/>.</summary>
    private static Task<T> SearchAsync<T>(WatchTokens access, Func<string, CancellationToken, Task<T>> call, CancellationToken ct) =>
        CallOrStopAsync(access, () => access.SearchAsync(call, ct));

    /// <summary>One paced call that needs the job seeker's account; <see cref="UserAccountNeededException"/> when there is none.</summary>
    private static Task<T> UserOnlyAsync<T>(WatchTokens access, string what, Func<string, CancellationToken, Task<T>> call, CancellationToken ct) =>
        CallOrStopAsync(access, () => access.UserOnlyAsync(what, call, ct));

    private static async Task<T> CallOrStopAsync<T>(WatchTokens access, Func<Task<T>> paced)
    {
        try
        {
            return await paced();
        }
        catch (TokenUnavailableException ex) when (access.Kind == WatchTokenKind.Application)
        {
            // One key for every application-token problem: the owner is told once until a run works again.
            throw new StopException("app-token", "The application token: " + ex.Message + (ex.Message.EndsWith("run.", StringComparison.Ordinal) ? string.Empty : " The watch tries again on its next run."));
        }
        catch (TokenUnavailableException ex)
        {
            throw new StopException("token", ex.Message + " Vacancies are not watched until then (/connect).");
        }
        catch (HhApiException ex) when (ex.Error.Kind == HhErrorKind.CaptchaRequired)
        {
            throw new StopException("captcha", "hh.ru asks for a captcha before it answers searches (HTTP 403 captcha_required). The watch does not try to get around it.");
        }
        catch (HhApiException ex) when (ex.Error.StatusCode == 429)
        {
            throw new StopException("too-many-requests", "hh.ru is rate-limiting the app (HTTP 429).");
        }
        catch (HhApiException ex) when (ex.Error.StatusCode == 403 && access.Kind == WatchTokenKind.Application)
        {
            throw new StopException("forbidden-app", $"hh.ru refuses the application token's vacancy requests (HTTP 403, {ex.Error.Type ?? ex.Error.Kind.ToString()}). Check the application's status at dev.hh.ru.");
        }
        catch (HhApiException ex) when (ex.Error.StatusCode == 403)
        {
            throw new StopException("forbidden", $"hh.ru refuses the app's vacancy requests (HTTP 403, {ex.Error.Type ?? ex.Error.Kind.ToString()}). Since December 2025 hh.ru restricts its applicant API for third-party apps; saved searches and similar vacancies may no longer be available (Search__UseSavedSearches, Search__SimilarToResumes). Check the app's access at dev.hh.ru.");
        }
    }

    internal static VacancyRecord ToRecord(HhVacancy item, VacancyRecord? before, string source, DateTimeOffset now)
    {
        var salary = item.SalaryRange ?? item.Salary;
        var sources = before is null ? [source] : before.Sources.Contains(source, StringComparer.Ordinal) ? before.Sources : [.. before.Sources, source];
        return new VacancyRecord(
            item.Id,
            item.Name ?? before?.Name ?? item.Id,
            item.Employer?.Name ?? before?.Employer,
            item.Area?.Name ?? before?.Area,
            salary?.From,
            salary?.To,
            salary?.Currency,
            salary?.Gross,
            item.Experience?.Name ?? before?.Experience,
            item.Schedule?.Name ?? before?.Schedule,
            item.Employment?.Name ?? before?.Employment,
            item.PublishedAt ?? before?.PublishedAt,
            item.AlternateUrl ?? before?.Url,
            item.HasTest ?? before?.HasTest ?? false,
            item.ResponseLetterRequired ?? before?.ResponseLetterRequired ?? false,
            item.Archived ?? false,
            sources,
            before?.FirstSeen ?? now,
            now);
    }

    /// <summary>
    /// Apply__Mode confirm / auto: the vacancies this run listed go to applying (which keeps to Apply__AutoSources,
    /// the daily limit and hh.ru's limits). A failure there never fails the watch run.
    /// </summary>
    private async Task ApplyToListedAsync(IReadOnlyList<DigestSection> sections, CancellationToken ct)
    {
        var matches = sections.SelectMany(s => s.Listed.Select(v => (v.Id, s.Source))).ToList();
        if (matches.Count == 0)
        {
            return;
        }

        try
        {
            await applying.ApplyToNewMatchesAsync(matches, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Applying reports its own outcomes; the watch run stays recorded whatever happens there.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ApplyFailed(logger, ex);
        }
    }

    private WatchRun Finish(string runId, string trigger, DateTimeOffset started, RunStatus status, string summary, int calls, IReadOnlyList<WatchSourceResult> results, int newCount = 0)
    {
        var run = new WatchRun(runId, trigger, started, time.GetUtcNow(), status, summary, calls, newCount, results);
        Observability.AppTelemetry.Vacancies(results.Sum(r => r.Seen), newCount);
        Log.Finished(logger, runId, status, summary);
        return run;
    }

    private async Task<WatchRun> SaveAsync(WatchState watchState, WatchRun run, CancellationToken ct)
    {
        try
        {
            await store.SaveWatchStateAsync(watchState with { LastRun = run }, ct);
        }
        catch (StateStoreException ex)
        {
            Log.StoreUnavailable(logger, ex.Message);
        }

        return run;
    }

    private static partial class Log
    {
        [LoggerMessage(8001, LogLevel.Information, "Vacancy watch {RunId} finished: {Status}. {Summary}")]
        public static partial void Finished(ILogger logger, string runId, RunStatus status, string summary);

        [LoggerMessage(8002, LogLevel.Warning, "Vacancy source {Source} failed: {Kind} (HTTP {Status}); the other sources go on.")]
        public static partial void SourceFailed(ILogger logger, string source, HhErrorKind kind, int status);

        [LoggerMessage(8003, LogLevel.Warning, "Vacancy watch stopped by hh.ru ({Problem}); it tries again on the next run.")]
        public static partial void Stopped(ILogger logger, string problem);

        [LoggerMessage(8004, LogLevel.Warning, "Vacancy source {Source}: hh.ru's 2,000-result depth reached ({Found} found); narrow the query to see older ones.")]
        public static partial void DepthReached(ILogger logger, string source, int found);

        [LoggerMessage(8005, LogLevel.Warning, "Vacancy watch: state storage unavailable: {Reason}")]
        public static partial void StoreUnavailable(ILogger logger, string reason);

        [LoggerMessage(8010, LogLevel.Information, "Vacancy watch: saved searches and similar vacancies need a connected job seeker's account ({Reason}); left out, the owner is told once.")]
        public static partial void UserSourcesLeftOut(ILogger logger, string reason);

        [LoggerMessage(8009, LogLevel.Error, "Vacancy watch: applying to the new matches failed unexpectedly; the watch run is recorded all the same.")]
        public static partial void ApplyFailed(ILogger logger, Exception exception);
    }
}
