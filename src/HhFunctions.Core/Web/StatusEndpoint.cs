using System.Globalization;
using System.Text;
using HhFunctions.HeadHunter;
using HhFunctions.OAuth;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.Telegram;
using Microsoft.Extensions.Options;

using HhFunctions.Jobs;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace HhFunctions.Web;

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
}

/// <summary>Builds what the status page and the /status bot command show.</summary>
public sealed class StatusService(IStateStore state, SetupLinks links, IOptions<HhOptions> hh, IOptions<TelegramOptions> telegram, TimeProvider time)
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
            _ => "valid",
        };
        return new StatusModel(now, hh.Value.HasCredentials, account.Status, account.DisplayName, tokenState, account.TokenExpiresAt, account.Problem, account.Paused, resumes, runs, withConnectLink ? await links.CreateAsync(ct) : null)
        {
            TelegramConfigured = telegram.Value.IsConfigured,
        };
    }
}

/// <summary>GET /api/status (function key in Azure): HTML page, or JSON with Accept: application/json.</summary>
public sealed class StatusEndpoint(StatusService status, IAntiforgery antiforgery, IBumpRequests bumps, TimeProvider time)
{
    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = await status.GetAsync(ct);
        if (request.WantsJson())
        {
            return HttpEndpoints.Json(200, model);
        }

        var form = antiforgery.GetAndStoreTokens(request.HttpContext);
        request.HttpContext.Response.Headers.CacheControl = "no-store"; // antiforgery adds "no-cache"; "no-store" alone says it all
        return HttpEndpoints.Html(200, Render(model, form.RequestToken));
    }

    /// <summary>
    /// POST /api/status (function key in Azure): the page's forms, antiforgery-checked. "action=bump" queues an
    /// on-demand run (the BumpOnDemand function runs it), then the browser is sent back to the page.
    /// </summary>
    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasFormContentType)
        {
            return HttpEndpoints.Problem(request, 415, "Form expected", "Send the status page's form (application/x-www-form-urlencoded).");
        }

        try
        {
            await antiforgery.ValidateRequestAsync(request.HttpContext);
        }
        catch (AntiforgeryValidationException)
        {
            return HttpEndpoints.Problem(request, 400, "Form expired", "The form was not sent from this app's status page, or it is too old. Reload the status page and try again.");
        }

        var form = await request.ReadFormAsync(ct);
        var action = form["action"].ToString();
        switch (action)
        {
            case "bump":
                await bumps.EnqueueAsync(new BumpRequest(BumpRequestHandler.StatusPageTrigger, time.GetUtcNow()), ct);
                return HttpEndpoints.Html(202, HtmlPage.Render("Raise queued", $"""
                    <h1>Raise queued</h1>
                    <p>The run starts in a moment and raises every resume hh.ru allows now.</p>
                    <p><a class="button" id="back" href="{HtmlPage.E(BackLink(request))}">Back to the status page</a></p>
                    """));
            default:
                return HttpEndpoints.Problem(request, 400, "Unknown action", "The form's action is not one this page knows.");
        }
    }

    /// <summary>The status page's own address, keeping the function key the browser came with.</summary>
    private static string BackLink(HttpRequest request) => request.PathBase + request.Path + request.QueryString;

    public static string Render(StatusModel m, string? formToken = null)
    {
        ArgumentNullException.ThrowIfNull(m);
        var sb = new StringBuilder();
        var (cls, headline) = m.AccountStatus switch
        {
            AccountStatus.Connected => ("ok", "Connected" + (m.Account is null ? string.Empty : " as " + m.Account)),
            AccountStatus.NeedsReconnect => ("bad", "Needs reconnect" + (m.Account is null ? string.Empty : " (" + m.Account + ")")),
            _ => ("warn", "Not connected"),
        };
        var button = m.AccountStatus == AccountStatus.NotConnected ? "Connect hh.ru" : "Reconnect hh.ru";
        sb.Append(CultureInfo.InvariantCulture, $"""
            <h1>HhFunctions</h1>
            <p class="muted">Keeps your hh.ru resumes at the top of recruiters' searches.</p>
            <div class="card" id="account">
              <p><strong class="{cls}" id="account-status">{HtmlPage.E(headline)}</strong></p>
              <p>Token: <span id="token-state">{HtmlPage.E(m.TokenState)}</span>{(m.TokenState == "valid" && m.TokenValidUntil is { } until ? $" until <span class=\"nowrap\">{Time(until)}</span>" : string.Empty)}</p>
              {(m.Paused ? "<p class=\"warn\" id=\"paused\">Raising is paused: runs do nothing until you send /resume to the Telegram bot.</p>" : string.Empty)}
              {(m.Problem is null ? string.Empty : $"<p class=\"bad\" id=\"problem\">{HtmlPage.E(m.Problem)}</p>")}
              {(m.Configured ? string.Empty : "<p class=\"warn\">HeadHunter__ClientId / HeadHunter__ClientSecret are not set: connecting will fail until they are.</p>")}
              {(m.ConnectUrl is null ? string.Empty : $"<p><a class=\"button\" id=\"connect\" href=\"{HtmlPage.E(m.ConnectUrl.AbsoluteUri)}\">{button}</a></p>")}
              {(formToken is null || m.AccountStatus != AccountStatus.Connected ? string.Empty : $"<form method=\"post\" id=\"raise-now\"><input type=\"hidden\" name=\"__hh_form\" value=\"{HtmlPage.E(formToken)}\"><button class=\"button\" type=\"submit\" name=\"action\" value=\"bump\">Raise now</button></form>")}
            </div>
            <p class="muted" id="telegram">{(m.TelegramConfigured
                ? "Reports go to Telegram; send /help to the bot for its commands (/status, /bump, /pause, /resume, /connect)."
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
