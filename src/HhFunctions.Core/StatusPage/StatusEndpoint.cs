using HhFunctions.Applying;
using HhFunctions.Vacancies;
using System.Globalization;
using System.Text;
using HhFunctions.HeadHunter;
using HhFunctions.OAuth;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.Telegram;
using Microsoft.Extensions.Options;

using HhFunctions.Bumping;
using Microsoft.AspNetCore.Http;
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

    /// <summary>What became of HeadHunter__AccessToken / HeadHunter__RefreshToken, while they are set.</summary>
    public string? ImportSettingsNotice { get; init; }

    /// <summary>The embedded stores' folder, as an absolute path (Data__Path resolved once, see <see cref="Configuration.DataFolder"/>).</summary>
    public string? DataFolder { get; init; }
}

/// <summary>Builds what the status page and the /status bot command show.</summary>
public sealed class StatusService(IStateStore state, SetupLinks links, FormTokens forms, IOptions<HhOptions> hh, IOptions<TelegramOptions> telegram, Configuration.DataFolder data, TimeProvider time)
{
    public const int RunsShown = 20;

    public Task<StatusModel> GetAsync(CancellationToken ct) => GetAsync(withConnectLink: true, ct);

    /// <summary>The status; <paramref name="withConnectLink"/> false mints no one-time setup link (the bot's /status).</summary>
    public async Task<StatusModel> GetAsync(bool withConnectLink, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var account = await state.GetAccountAsync(ct);
        var resumes = (await state.GetResumesAsync(ct)).OrderBy(r => r.Title, StringComparer.CurrentCulture).ToList();
        var runs = await state.GetRecentRunsAsync(RunsShown, ct);
        var tokenState = account.Status switch
        {
            AccountStatus.NotConnected => "not connected",
            AccountStatus.NeedsReconnect => "needs reconnect",
            _ when account.TokenExpiresAt is { } until && until <= now => "expired, refreshed on the next run",
            _ when account.TokenExpiresAt is null => "valid, expiry unknown (used until hh.ru says it has expired, then refreshed)",
            _ => "valid",
        };

        // The page's setup link and its forms' antiforgery value, stored in one write before they are shown.
        var (linkToken, link) = withConnectLink ? links.New() : default;
        var form = withConnectLink ? forms.New() : null;
        if (linkToken is not null && form is not null)
        {
            await state.SaveOneTimeTokensAsync([linkToken, form], ct);
        }

        return new StatusModel(now, hh.Value.HasCredentials, account.Status, account.DisplayName, tokenState, account.TokenExpiresAt, account.Problem, account.Paused, resumes, runs, link)
        {
            TelegramConfigured = telegram.Value.IsConfigured,
            FormToken = form?.Value,
            ImportSettingsNotice = SettingsImport.Notice(hh.Value, account),
            DataFolder = data.Path,
        };
    }
}

/// <summary>GET /api/status (function key in Azure): HTML page, or JSON with Accept: application/json.</summary>
public sealed class StatusEndpoint(StatusService status, IServiceProvider services)
{
    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = await status.GetAsync(ct);
        return request.WantsJson() ? HttpEndpoints.Json(200, model) : HttpEndpoints.Html(200, Render(model, request.QueryValue("code")));
    }

    /// <summary>
    /// POST /api/status (function key in Azure): the page's forms (paste a code, import a pair, raise now), each
    /// with the page's single-use antiforgery value; a cross-site POST is refused. See <see cref="AccessPages"/>.
    /// </summary>
    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await HttpEndpoints.ReadBodyAsync(request, ct);
        var forms = services.GetRequiredService<AccessPages>(); // resolved only here: it brings the hh.ru clients, which a page view does not need
        var answer = await forms.HandlePostAsync(body, request.Headers["Sec-Fetch-Site"].ToString(), ct);
        if (request.WantsJson())
        {
            return answer.Status is >= 200 and < 300
                ? HttpEndpoints.Json(answer.Status, new { answer.Title, answer.Message })
                : HttpEndpoints.Problem(request, answer.Status, answer.Title, answer.Message);
        }

        return HttpEndpoints.Html(answer.Status, answer.Html);
    }

    /// <summary>The page; <paramref name="functionKey"/> (Azure's "code") is carried into the links to the other pages.</summary>
    public static string Render(StatusModel m, string? functionKey = null)
    {
        ArgumentNullException.ThrowIfNull(m);
        var sb = new StringBuilder();
        var (cls, headline) = m.AccountStatus switch
        {
            AccountStatus.Connected => ("ok", "Connected" + (m.Account is null ? string.Empty : " as " + m.Account)),
            AccountStatus.NeedsReconnect => ("bad", "Needs reconnect" + (m.Account is null ? string.Empty : " (" + m.Account + ")")),
            AccountStatus.NoApplicantAccess => ("bad", "No applicant access" + (m.Account is null ? string.Empty : " (" + m.Account + ")")),
            _ => ("warn", "Not connected"),
        };
        var button = m.AccountStatus == AccountStatus.NotConnected ? "Connect hh.ru" : "Reconnect hh.ru";
        sb.Append(CultureInfo.InvariantCulture, $"""
            <h1>HhFunctions</h1>
            <p class="muted">Keeps your hh.ru resumes at the top of recruiters' searches.</p>
            <p id="pages"><a href="{PageLink(VacancyRoutes.Page, functionKey)}">Vacancies</a> · <a href="{PageLink(ApplicationRoutes.Page, functionKey)}">Applications funnel</a></p>
            <div class="card" id="account">
              <p><strong class="{cls}" id="account-status">{HtmlPage.E(headline)}</strong></p>
              <p>Token: <span id="token-state">{HtmlPage.E(m.TokenState)}</span>{(m.TokenState == "valid" && m.TokenValidUntil is { } until ? $" until <span class=\"nowrap\">{Time(until)}</span>" : string.Empty)}</p>
              {(m.Paused ? "<p class=\"warn\" id=\"paused\">Raising is paused: runs do nothing until you send /resume to the Telegram bot.</p>" : string.Empty)}
              {(m.Problem is null ? string.Empty : $"<p class=\"bad\" id=\"problem\">{HtmlPage.E(m.Problem)}</p>")}
              {(m.Configured ? string.Empty : "<p class=\"warn\">HeadHunter__ClientId / HeadHunter__ClientSecret are not set: connecting will fail until they are.</p>")}
              {(m.ConnectUrl is null ? string.Empty : $"<p><a class=\"button\" id=\"connect\" href=\"{HtmlPage.E(m.ConnectUrl.AbsoluteUri)}\">{button}</a></p>")}
              {(m.FormToken is null || m.AccountStatus != AccountStatus.Connected ? string.Empty : AccessPages.RenderRaiseNow(m.FormToken))}
              {(m.ImportSettingsNotice is null ? string.Empty : $"<p class=\"warn\" id=\"import-settings\">{HtmlPage.E(m.ImportSettingsNotice)}</p>")}
            </div>
            {(m.FormToken is null ? string.Empty : AccessPages.RenderForms(m.FormToken))}
            <p class="muted" id="telegram">{(m.TelegramConfigured
                ? "Reports go to Telegram; send /help to the bot for its commands (/status, /bump, /pause, /resume, /watch, /apply, /connect, /code, /tokens)."
                : "Telegram is not configured (Telegram__BotToken, Telegram__ChatId): reports are only logged.")}</p>
            <h2>Resumes</h2>
            """);
        if (m.Resumes.Count == 0)
        {
            sb.Append("<p class=\"muted\">No resumes seen yet.</p>");
        }
        else
        {
            sb.Append("<table id=\"resumes\" class=\"stack\"><thead><tr><th>Resume</th><th>Last raise</th><th>Next allowed</th><th>Next planned raise</th><th>Last outcome</th></tr></thead><tbody>");
            foreach (var r in m.Resumes)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"title\">{HtmlPage.E(r.Title)}</td><td class=\"nowrap\" data-label=\"Last raise\">{Time(r.LastRaisedAt)}</td><td class=\"nowrap\" data-label=\"Next allowed\">{Time(r.NextAllowedAt)}</td><td class=\"nowrap\" data-label=\"Next planned raise\">{HtmlPage.E(PlannedText.Of(r))}</td><td class=\"{OutcomeClass(r.LastOutcome)}\" data-label=\"Last outcome\">{HtmlPage.E(Outcome(r.LastOutcome, r.LastMessage))}</td></tr>");
            }

            sb.Append("</tbody></table>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<h2>Last {StatusService.RunsShown} runs</h2>");
        if (m.Runs.Count == 0)
        {
            sb.Append("<p class=\"muted\">No runs yet.</p>");
        }
        else
        {
            sb.Append("<table id=\"runs\" class=\"stack\"><thead><tr><th>Started</th><th>Trigger</th><th>Result</th></tr></thead><tbody>");
            foreach (var run in m.Runs)
            {
                var c = run.Status switch { RunStatus.Succeeded => "ok", RunStatus.Skipped => "muted", RunStatus.PartiallyFailed => "warn", _ => "bad" };
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"title nowrap\">{Time(run.StartedAt)}</td><td data-label=\"Trigger\">{HtmlPage.E(run.Trigger)}</td><td class=\"{c}\" data-label=\"Result\">{HtmlPage.E(run.Summary)}</td></tr>");
            }

            sb.Append("</tbody></table>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Generated {Time(m.GeneratedAt)}. Times are UTC.</p>");
        return HtmlPage.Render("Status", sb.ToString());
    }

    /// <summary>A sibling page's address relative to /api/status, with the function key when the page was opened with one.</summary>
    private static string PageLink(string route, string? functionKey) =>
        HtmlPage.E(string.IsNullOrEmpty(functionKey) ? route : route + "?code=" + Uri.EscapeDataString(functionKey));

    private static string Time(DateTimeOffset? t) =>
        t is { } v ? HtmlPage.E(v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)) : "—";

    private static string Outcome(ResumeOutcome outcome, string? message) => outcome switch
    {
        ResumeOutcome.Raised => "raised",
        ResumeOutcome.NotYet => "not yet",
        ResumeOutcome.Skipped => "skipped: " + message,
        ResumeOutcome.Failed => "failed: " + message,
        _ => "—",
    };

    private static string OutcomeClass(ResumeOutcome outcome) => outcome switch
    {
        ResumeOutcome.Raised => "ok",
        ResumeOutcome.Failed => "bad",
        ResumeOutcome.NotYet or ResumeOutcome.Skipped => "muted",
        _ => string.Empty,
    };
}
