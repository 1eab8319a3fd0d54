using System.Globalization;
using HhFunctions.Queues;
using HhFunctions.Bumping;
using HhFunctions.OAuth;
using HhFunctions.Tokens;
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
public sealed class AccessPages(FormTokens forms, AccountConnector connector, IQueue<BumpRequest> bumps, TimeProvider time)
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
        var form = await forms.ReadAsync(body, fetchSite, AntiforgeryField, OAuthFlow.MaxParameterLength, ct);
        if (form.Refusal != FormRefusal.None)
        {
            var (status, title, message) = FormRefusals.Answer(form.Refusal, "status page");
            return await RefusedAsync(status, title, message);
        }

        CallbackResult result;
        switch (form.Field(FormField))
        {
            case "bump":
                await bumps.SendAsync(new BumpRequest(BumpRequestHandler.StatusPageTrigger, time.GetUtcNow()), ct);
                return await AnswerAsync(202, "Raise queued", "The run starts in a moment and raises every resume hh.ru allows now; reload the status page to see its result.", "The run starts in a moment and raises every resume hh.ru allows now.", refused: false);
            case "code":
                result = await connector.ConnectWithPastedAsync(form.Field("pasted"), ct);
                break;
            case "tokens":
                var expires = form.Field("expires");
                DateTimeOffset? expiresAt = null;
                if (!string.IsNullOrWhiteSpace(expires))
                {
                    if (expires.Length > 64 || !DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                    {
                        return await RefusedAsync(400, "Not imported", "The expiry is not a date and time like 2026-03-10T08:00:00Z; leave it empty if you do not know it. Nothing was stored.");
                    }

                    expiresAt = parsed;
                }

                result = await connector.ImportAsync(form.Field("access"), form.Field("refresh"), expiresAt, ImportSource.StatusPage, ct);
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

    private static Task<AccessFormAnswer> RefusedAsync(int status, string title, string message) =>
        AnswerAsync(status, title, message, message, refused: true);

    private static async Task<AccessFormAnswer> AnswerAsync(int status, string title, string message, string pageMessage, bool refused) =>
        new(status, title, message, await PageRenderer.RenderAsync<FormAnswerView>(FormAnswerView.With(title, pageMessage, refused)));
}
