using HhFunctions.Composition;
using HhFunctions.State;
using HhFunctions.StatusPage;
using HhFunctions.Tokens;
using Microsoft.Extensions.Options;

namespace HhFunctions.Vacancies;

/// <summary>
/// The vacancy watch's section of the status page and /status: which token its searches use (the connected
/// account's or the application's, and why), and whether the account-bound sources are left out. Never a token.
/// Its services are built only when the watch is configured: not for every first status page.
/// </summary>
public sealed class VacancyWatchSection(Deferred<IVacancyStore> store, IStateStore state, Deferred<TokenManager> tokens, Deferred<AppTokenManager> app, IOptions<SearchOptions> options, TimeProvider time) : IStatusSection
{
    public const string SectionId = "vacancy-watch";

    public async Task<StatusSection?> GetAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (!o.HasSources)
        {
            return null;
        }

        var now = await WatchTokens.ChooseAsync(tokens.Value, app.Value, state, time, ct);
        var last = (await store.Value.GetWatchStateAsync(ct)).Token;
        var connectedAt = (await state.GetAccountAsync(ct)).ConnectedAt;

        // What the next run starts with; but when the last run moved to the application token because hh.ru refused
        // the account (and the account was not connected again since), that is what the searches use.
        var use = now.Kind == WatchTokenKind.User && last is { Kind: WatchTokenKind.Application } && (connectedAt is null || connectedAt <= last.At) ? last : now;
        var lines = new List<StatusLine> { new(use.Describe(), use.Kind == WatchTokenKind.User ? "ok" : "muted") };
        if (use.Kind == WatchTokenKind.Application && (o.UseSavedSearches || o.SimilarToResumes))
        {
            lines.Add(new("Saved searches and similar vacancies need a connected job seeker's account; they are left out until one is connected (/connect).", "warn"));
        }

        return new StatusSection(SectionId, "Vacancy watch", lines);
    }
}
