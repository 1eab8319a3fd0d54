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
/// What the status page's forms (<see cref="AccessForms"/>, <see cref="RaiseNowForm"/>) do: paste a code (or the
/// redirected address), import an existing pair, raise now. All are POST forms to the status page's own address (so
/// the function key travels with them) carrying a single-use antiforgery value minted with the page; a cross-site
/// POST is refused. Nothing posted is echoed. The answers are <see cref="FormAnswerView"/> and <see cref="ConnectedView"/>.
/// </summary>
public sealed class AccessPages(IStateStore state, AccountConnector connector, IQueue<BumpRequest> bumps, TimeProvider time)
{
    /// <summary>How long a rendered form can be sent.</summary>
    public static readonly TimeSpan FormLifetime = TimeSpan.FromHours(1);

    /// <summary>The answers are shown at the status page's own address (the forms post to it): "" links back to it.</summary>
    private const string StatusHere = "";

    public const string FormField = "form";
    public const string AntiforgeryField = "af";

    /// <summary>Handles a POSTed form: antiforgery first, then the code or the pair. Nothing posted is echoed.</summary>
    public async Task<AccessFormAnswer> HandlePostAsync(string? body, string? fetchSite, CancellationToken ct)
    {
        if (string.Equals(fetchSite, "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return await RefusedAsync(403, "Form refused", "This form was sent from another site; only the status page itself can send it.");
        }

        Dictionary<string, StringValues> form;
        try
        {
            form = QueryHelpers.ParseQuery(body ?? string.Empty);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            return await RefusedAsync(400, "Form unreadable", "The form could not be read. Reload the status page and try again.");
        }

        if (form.Values.Any(v => v.Count > 1))
        {
            return await RefusedAsync(400, "Form unreadable", "The form repeats a field. Reload the status page and try again.");
        }

        var token = Field(form, AntiforgeryField);
        var consumed = string.IsNullOrEmpty(token) || token.Length > OAuthFlow.MaxParameterLength
            ? ConsumeResult.Unknown
            : await state.ConsumeOneTimeTokenAsync(OneTimePurpose.FormToken, token, time.GetUtcNow(), ct);
        switch (consumed)
        {
            case ConsumeResult.Expired:
                return await RefusedAsync(403, "Form expired", $"The form is older than {FormLifetime.TotalMinutes:0} minutes. Reload the status page and send it again.");
            case ConsumeResult.AlreadyUsed:
                return await RefusedAsync(403, "Form already sent", "This form was already sent once. Reload the status page to send it again.");
            case ConsumeResult.Unknown:
                return await RefusedAsync(403, "Form refused", "The form does not come from this app's status page (its antiforgery value is missing or unknown). Reload the status page and send it from there.");
        }

        CallbackResult result;
        switch (Field(form, FormField))
        {
            case "bump":
                await bumps.SendAsync(new BumpRequest(BumpRequestHandler.StatusPageTrigger, time.GetUtcNow()), ct);
                return await AnswerAsync(202, "Raise queued", "The run starts in a moment and raises every resume hh.ru allows now; reload the status page to see its result.", "The run starts in a moment and raises every resume hh.ru allows now.", refused: false);
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
                        return await RefusedAsync(400, "Not imported", "The expiry is not a date and time like 2026-03-10T08:00:00Z; leave it empty if you do not know it. Nothing was stored.");
                    }

                    expiresAt = parsed;
                }

                result = await connector.ImportAsync(Field(form, "access"), Field(form, "refresh"), expiresAt, ImportSource.StatusPage, ct);
                break;
            default:
                return await RefusedAsync(400, "Unknown form", "The form does not say what to do. Reload the status page and try again.");
        }

        return result.Succeeded
            ? new AccessFormAnswer(200, result.AccessRefused is null ? "Connected" : "No applicant access", result.AccessRefused ?? result.Message, await PageRenderer.RenderAsync<ConnectedView>(ConnectedView.With(result, StatusHere)))
            : await RefusedAsync(StatusOf(result.Error), TitleOf(result.Error), result.Message);
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

    private static Task<AccessFormAnswer> RefusedAsync(int status, string title, string message) =>
        AnswerAsync(status, title, message, message, refused: true);

    private static async Task<AccessFormAnswer> AnswerAsync(int status, string title, string message, string pageMessage, bool refused) =>
        new(status, title, message, await PageRenderer.RenderAsync<FormAnswerView>(FormAnswerView.With(title, pageMessage, refused)));
}
