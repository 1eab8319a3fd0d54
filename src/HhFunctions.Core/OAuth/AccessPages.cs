using System.Globalization;
using HhFunctions.Queues;
using HhFunctions.Bumping;
using HhFunctions.OAuth;
using HhFunctions.State;
using HhFunctions.Tokens;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using HhFunctions.Pages;

namespace HhFunctions.OAuth;

/// <summary>An answer to a status-page form: the HTML page, and the same as status/title/message for JSON callers.</summary>
public sealed record AccessFormAnswer(int Status, string Title, string Message, string Html);

/// <summary>
/// The status page's forms: paste a code (or the redirected address), import an existing pair, raise now.
/// All are POST forms to the status page's own address (so the function key travels with them) carrying a
/// single-use antiforgery value minted with the page; a cross-site POST is refused. Nothing posted is echoed.
/// </summary>
public sealed class AccessPages(IStateStore state, AccountConnector connector, IQueue<BumpRequest> bumps, TimeProvider time)
{
    /// <summary>How long a rendered form can be sent.</summary>
    public static readonly TimeSpan FormLifetime = TimeSpan.FromHours(1);

    public const string FormField = "form";
    public const string AntiforgeryField = "af";

    /// <summary>The "Raise now" button: queues an on-demand run (the BumpOnDemand function runs it).</summary>
    public static string RenderRaiseNow(string formToken) =>
        $"""<form method="post" id="raise-now"><input type="hidden" name="{FormField}" value="bump"><input type="hidden" name="{AntiforgeryField}" value="{HtmlPage.E(formToken)}"><button class="button" type="submit">Raise now</button></form>""";

    /// <summary>The two forms, folded (plain HTML details, no script).</summary>
    public static string RenderForms(string formToken) =>
        $"""
        <details class="card" id="paste-code">
          <summary><strong>Paste a code from hh.ru</strong></summary>
          <p class="muted">When the redirect URI registered for your application at dev.hh.ru is not this app's callback (for example <code>https://hh.ru</code> or <code>http://localhost:8080</code>), hh.ru sends the code there. Set <code>HeadHunter__RedirectUri</code> to that registered address, allow access on hh.ru, then paste the code or the whole address you landed on.</p>
          <form method="post" autocomplete="off">
            <input type="hidden" name="{FormField}" value="code"><input type="hidden" name="{AntiforgeryField}" value="{HtmlPage.E(formToken)}">
            <p><label for="pasted">Code or redirected address</label><br><textarea id="pasted" name="pasted" rows="2" spellcheck="false" required></textarea></p>
            <p><button class="button" type="submit">Connect with this code</button></p>
          </form>
        </details>
        <details class="card" id="import-tokens">
          <summary><strong>Import a token pair you already have</strong></summary>
          <p class="muted">An access token and its refresh token, e.g. from a script's <code>ACCESS_TOKEN</code> / <code>REFRESH_TOKEN</code>. The pair is checked with hh.ru before it is stored; a refresh needs no client credentials.</p>
          <form method="post" autocomplete="off">
            <input type="hidden" name="{FormField}" value="tokens"><input type="hidden" name="{AntiforgeryField}" value="{HtmlPage.E(formToken)}">
            <p><label for="access">Access token</label><br><input id="access" name="access" type="password" spellcheck="false" required></p>
            <p><label for="refresh">Refresh token</label><br><input id="refresh" name="refresh" type="password" spellcheck="false" required></p>
            <p><label for="expires">Access token expires at (optional, UTC, e.g. 2026-03-10T08:00:00Z)</label><br><input id="expires" name="expires" type="text" spellcheck="false"></p>
            <p><button class="button" type="submit">Import the pair</button></p>
          </form>
        </details>
        """;

    /// <summary>Handles a POSTed form: antiforgery first, then the code or the pair. Nothing posted is echoed.</summary>
    public async Task<AccessFormAnswer> HandlePostAsync(string? body, string? fetchSite, CancellationToken ct)
    {
        if (string.Equals(fetchSite, "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return Refused(403, "Form refused", "This form was sent from another site; only the status page itself can send it.");
        }

        Dictionary<string, StringValues> form;
        try
        {
            form = QueryHelpers.ParseQuery(body ?? string.Empty);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            return Refused(400, "Form unreadable", "The form could not be read. Reload the status page and try again.");
        }

        if (form.Values.Any(v => v.Count > 1))
        {
            return Refused(400, "Form unreadable", "The form repeats a field. Reload the status page and try again.");
        }

        var token = Field(form, AntiforgeryField);
        var consumed = string.IsNullOrEmpty(token) || token.Length > OAuthFlow.MaxParameterLength
            ? ConsumeResult.Unknown
            : await state.ConsumeOneTimeTokenAsync(OneTimePurpose.FormToken, token, time.GetUtcNow(), ct);
        switch (consumed)
        {
            case ConsumeResult.Expired:
                return Refused(403, "Form expired", $"The form is older than {FormLifetime.TotalMinutes:0} minutes. Reload the status page and send it again.");
            case ConsumeResult.AlreadyUsed:
                return Refused(403, "Form already sent", "This form was already sent once. Reload the status page to send it again.");
            case ConsumeResult.Unknown:
                return Refused(403, "Form refused", "The form does not come from this app's status page (its antiforgery value is missing or unknown). Reload the status page and send it from there.");
        }

        CallbackResult result;
        switch (Field(form, FormField))
        {
            case "bump":
                await bumps.SendAsync(new BumpRequest(BumpRequestHandler.StatusPageTrigger, time.GetUtcNow()), ct);
                return new AccessFormAnswer(202, "Raise queued", "The run starts in a moment and raises every resume hh.ru allows now; reload the status page to see its result.", HtmlPage.Render("Raise queued", """
                    <h1>Raise queued</h1>
                    <p id="message">The run starts in a moment and raises every resume hh.ru allows now.</p>
                    <p><a class="button" id="back" href="">Back to the status page</a></p>
                    """));
            case "code":
                result = await connector.ConnectWithPastedAsync(Field(form, "pasted"), ct);
                break;
            case "tokens":
                var expires = Field(form, "expires");
                DateTimeOffset? expiresAt = null;
                if (!string.IsNullOrWhiteSpace(expires))
                {
                    if (expires.Length > 64 || !DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                    {
                        return Refused(400, "Not imported", "The expiry is not a date and time like 2026-03-10T08:00:00Z; leave it empty if you do not know it. Nothing was stored.");
                    }

                    expiresAt = parsed;
                }

                result = await connector.ImportAsync(Field(form, "access"), Field(form, "refresh"), expiresAt, ImportSource.StatusPage, ct);
                break;
            default:
                return Refused(400, "Unknown form", "The form does not say what to do. Reload the status page and try again.");
        }

        return result.Succeeded
            ? new AccessFormAnswer(200, result.AccessRefused is null ? "Connected" : "No applicant access", result.AccessRefused ?? result.Message, ConnectedPage(result))
            : Refused(StatusOf(result.Error), TitleOf(result.Error), result.Message);
    }

    /// <summary>The page after a successful connect or import (the OAuth callback shows the same).</summary>
    public static string ConnectedPage(CallbackResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var resumes = result.Resumes.Count == 0
            ? "<p class=\"muted\">No resumes found on this account yet. Create and publish one on hh.ru; it will be raised automatically.</p>"
            : "<ul>" + string.Concat(result.Resumes.Select(r => $"<li>{HtmlPage.E(r.DisplayTitle)} <span class=\"muted\">({HtmlPage.E(r.Status?.Name ?? r.Status?.Id ?? "status unknown")})</span></li>")) + "</ul>";
        if (result.AccessRefused is { } refused)
        {
            return HtmlPage.Render("No applicant access", $"""
                <h1 class="bad">hh.ru refuses applicant access</h1>
                <p>{HtmlPage.E(result.Message)}</p>
                <p class="bad" id="access-refused">{HtmlPage.E(refused)}</p>
                <p>Details and the other ways in: docs/getting-access.md in the project. You can close this page.</p>
                """);
        }

        return HtmlPage.Render("Connected", $"""
            <h1 class="ok">Connected to hh.ru</h1>
            <p>{HtmlPage.E(result.Message)}</p>
            <h2>Resumes</h2>
            {resumes}
            <p>They will be raised as soon as hh.ru allows. You can close this page.</p>
            """);
    }

    public static int StatusOf(CallbackError error) => error switch
    {
        CallbackError.Busy or CallbackError.AlreadyStored => 409,
        CallbackError.HhUnavailable => 502,
        CallbackError.Configuration => 503,
        _ => 400,
    };

    public static string TitleOf(CallbackError error) => error switch
    {
        CallbackError.InvalidInput => "Not accepted",
        CallbackError.UnknownState => "State does not match",
        CallbackError.ExpiredState => "Setup attempt expired",
        CallbackError.ReplayedState => "Address already used",
        CallbackError.CodeRejected => "hh.ru rejected the code",
        CallbackError.PairRejected => "hh.ru rejected the pair",
        CallbackError.Busy => "Busy",
        CallbackError.AlreadyStored => "Already stored",
        CallbackError.HhUnavailable => "hh.ru unavailable",
        CallbackError.Configuration => "Not configured",
        _ => "Not connected",
    };

    private static string Field(Dictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var v) ? v.ToString() : string.Empty;

    private static AccessFormAnswer Refused(int status, string title, string message) =>
        new(status, title, message, HtmlPage.Render(title, $"""
            <h1 class="bad">{HtmlPage.E(title)}</h1>
            <p id="message">{HtmlPage.E(message)}</p>
            <p><a class="button" href="">Back to the status page</a></p>
            """));
}
