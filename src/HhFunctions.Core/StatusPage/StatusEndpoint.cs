using HhFunctions.Applying;
using HhFunctions.Composition;
using HhFunctions.HeadHunter;
using HhFunctions.OAuth;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Vacancies;
using Microsoft.Extensions.Options;
using HhFunctions.Web;

namespace HhFunctions.StatusPage;

public sealed record StatusModel(
    DateTimeOffset GeneratedAt,
    bool Configured,
    AccountStatus AccountStatus,
    string? Account,
    string TokenState,
    DateTimeOffset? TokenValidUntil,
    string? Problem,
    bool Paused,
    IReadOnlyList<ResumeState> Resumes,
    IReadOnlyList<RunRecord> Runs,
    Uri? ConnectUrl)
{
    /// <summary>Telegram__BotToken and Telegram__ChatId are set: reports and bot commands work.</summary>
    public bool TelegramConfigured { get; init; }

    /// <summary>The single-use antiforgery value of the page's forms (paste a code, import a pair); null: no forms.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? FormToken { get; init; }

    /// <summary>The vacancy watch has something to look for (Search__Queries, saved searches or similar vacancies).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool WatchConfigured { get; init; }

    /// <summary>HeadHunter__ClientId/ClientSecret, Telegram__BotToken/ChatId and something to watch are all set.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool FirstStepsDone => Configured && TelegramConfigured && WatchConfigured;

    /// <summary>What became of HeadHunter__AccessToken / HeadHunter__RefreshToken, while they are set.</summary>
    public string? ImportSettingsNotice { get; init; }

    /// <summary>The embedded stores' folder, as an absolute path (Data__Path resolved once, see <see cref="Configuration.DataFolder"/>).</summary>
    public string? DataFolder { get; init; }

    /// <summary>A job seeker's or an employer's account (GET /me's is_employer when it was connected).</summary>
    public AccountKind AccountKind { get; init; }

    /// <summary>For an employer's account: the company's name.</summary>
    public string? EmployerName { get; init; }

    /// <summary>The features' own sections (<see cref="IStatusSection"/>), in registration order.</summary>
    public IReadOnlyList<StatusSection> Sections { get; init; } = [];

    /// <summary>The last <see cref="StatusService.ChartDays"/> days per day: raises, hh.ru errors, then the features' charts (<see cref="IStatusChart"/>). Empty for the bot's /status.</summary>
    public IReadOnlyList<StatusChart> Charts { get; init; } = [];
}

/// <summary>Builds what the status page and the /status bot command show.</summary>
public sealed class StatusService(IStateStore state, SetupLinks links, FormTokens forms, IOptions<HhOptions> hh, IOptions<TelegramOptions> telegram, IOptions<SearchOptions> search, Configuration.DataFolder data, IEnumerable<IStatusSection> sections, IEnumerable<IStatusChart> charts, TimeProvider time)
{
    public const int RunsShown = 20;

    /// <summary>The charts' days, today included.</summary>
    public const int ChartDays = 7;

    /// <summary>Runs read for the charts: seven days of a four-hourly schedule, on-demand runs and a due-time run per raise, with room to spare.</summary>
    public const int ChartRuns = 400;

    public Task<StatusModel> GetAsync(CancellationToken ct) => GetAsync(withConnectLink: true, ct);

    /// <summary>The status; <paramref name="withConnectLink"/> false mints no one-time setup link (the bot's /status).</summary>
    public async Task<StatusModel> GetAsync(bool withConnectLink, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var account = await state.GetAccountAsync(ct);
        var resumes = (await state.GetResumesAsync(ct)).OrderBy(r => r.Title, StringComparer.CurrentCulture).ToList();
        var recent = await state.GetRecentRunsAsync(withConnectLink ? ChartRuns : RunsShown, ct);
        var runs = recent.Take(RunsShown).ToList();
        var tokenState = account.Status switch
        {
            AccountStatus.NotConnected => "not connected",
            AccountStatus.NeedsReconnect => "needs reconnect",
            _ when account.TokenExpiresAt is { } until && until <= now => "expired, refreshed on the next run",
            _ when account.TokenExpiresAt is null => "valid, expiry unknown (used until hh.ru says it has expired, then refreshed)",
            _ => "valid",
        };

        // The page's setup link (only when hh.ru access is set up: without it the page offers no Connect link) and its
        // forms' antiforgery value, stored in one write before they are shown.
        var (linkToken, link) = withConnectLink && hh.Value.HasCredentials ? links.New() : default;
        var form = withConnectLink ? forms.New() : null;
        if (form is not null)
        {
            await state.SaveOneTimeTokensAsync(linkToken is null ? [form] : [linkToken, form], ct);
        }

        return new StatusModel(now, hh.Value.HasCredentials, account.Status, account.DisplayName, tokenState, account.TokenExpiresAt, account.Problem, account.Paused, resumes, runs, link)
        {
            TelegramConfigured = telegram.Value.IsConfigured,
            WatchConfigured = search.Value.HasSources,
            FormToken = form?.Value,
            ImportSettingsNotice = SettingsImport.Notice(hh.Value, account),
            DataFolder = data.Path,
            AccountKind = account.Kind,
            EmployerName = account.EmployerName,
            Sections = await SectionsAsync(ct),
            Charts = withConnectLink ? await ChartsAsync(recent, now, ct) : [],
        };
    }

    /// <summary>Raises and hh.ru errors per day from the run history, then each feature's chart.</summary>
    private async Task<IReadOnlyList<StatusChart>> ChartsAsync(IReadOnlyList<RunRecord> runs, DateTimeOffset now, CancellationToken ct)
    {
        var shown = new List<StatusChart>
        {
            new("raises-7d", "Resumes raised", DayCount.PerDay(runs.SelectMany(r => r.Results.Where(x => x.Outcome == ResumeOutcome.Raised).Select(x => (DateTimeOffset?)(x.RaisedAt ?? r.FinishedAt))), now, ChartDays)),
            new("errors-7d", "hh.ru errors (failed raises and failed runs)", DayCount.PerDay(runs.SelectMany(r => r.Results.Count == 0
                ? (r.Status == RunStatus.Failed ? [(DateTimeOffset?)r.StartedAt] : [])
                : r.Results.Where(x => x.Outcome == ResumeOutcome.Failed).Select(_ => (DateTimeOffset?)r.StartedAt)), now, ChartDays)),
        };
        foreach (var chart in charts)
        {
            if (await chart.GetAsync(now, ChartDays, ct) is { } c)
            {
                shown.Add(c);
            }
        }

        return shown;
    }

    private async Task<IReadOnlyList<StatusSection>> SectionsAsync(CancellationToken ct)
    {
        var shown = new List<StatusSection>();
        foreach (var section in sections)
        {
            if (await section.GetAsync(ct) is { } s)
            {
                shown.Add(s);
            }
        }

        return shown;
    }
}

/// <summary>GET /api/status (function key in Azure): HTML page, or JSON with Accept: application/json.</summary>
public sealed class StatusEndpoint(StatusService status, Deferred<AccessPages> forms)
{
    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = await status.GetAsync(ct);
        return request.WantsJson()
            ? HttpEndpoints.Json(200, model)
            : PageRenderer.Result<StatusView>(200, StatusView.With(model, request.QueryValue("code")));
    }

    /// <summary>
    /// POST /api/status (function key in Azure): the page's forms (paste a code, import a pair, raise now), each
    /// with the page's single-use antiforgery value; a cross-site POST is refused. See <see cref="AccessPages"/>.
    /// </summary>
    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await HttpEndpoints.ReadBodyAsync(request, ct);
        // Deferred: AccessPages brings the hh.ru clients, which a page view does not need.
        var answer = await forms.Value.HandlePostAsync(body, request.Headers["Sec-Fetch-Site"].ToString(), ct);
        if (request.WantsJson())
        {
            return answer.Status is >= 200 and < 300
                ? HttpEndpoints.Json(answer.Status, new { answer.Title, answer.Message })
                : HttpEndpoints.Problem(request, answer.Status, answer.Title, answer.Message);
        }

        return HttpEndpoints.Html(answer.Status, answer.Html);
    }
}
