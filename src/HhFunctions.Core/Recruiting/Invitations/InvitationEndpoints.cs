using HhFunctions.Pages;
using HhFunctions.Web;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting.Invitations;

/// <summary>
/// GET /api/recruiting/invite shows the invite form (<see cref="InviteForm"/>, which the desk also shows); POST sends
/// it. Function key in Azure. Like the status page's forms, each rendered form carries a single-use antiforgery value
/// kept in the state store, and a cross-site POST is refused, so only a recruiter's own click on the app's page can
/// make an invitation, and a reused or double-clicked form cannot send a second one.
/// </summary>
public sealed class InvitationEndpoints(FormTokens tokens, InvitationService invitations, IOptions<RecruitingOptions> options)
{
    public const string AntiforgeryField = "af";

    private const int MaxField = 4096;

    /// <summary>The longest antiforgery value looked up.</summary>
    private const int MaxToken = 256;

    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await tokens.MintAsync(ct);
        return PageRenderer.Result<InvitePage>(200, InvitePage.With(token, Self(request), options.Value.InviteMessage, StatusLink.For(request)));
    }

    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        var form = FormTokens.IsCrossSite(fetchSite) // refused before the body is read
            ? PostedForm.Refused(FormRefusal.CrossSite)
            : await tokens.ReadAsync(await HttpEndpoints.ReadBodyAsync(request, ct), fetchSite, AntiforgeryField, MaxToken, ct, MaxField);
        switch (form.Refusal)
        {
            case FormRefusal.CrossSite:
                return Answer(request, 403, "Form refused", "This form was sent from another site; only the app's own page can send it. Nothing was sent to hh.ru.", refused: true);
            case FormRefusal.Unreadable:
                return Answer(request, 400, "Form unreadable", "The form could not be read. Reload the page and try again. Nothing was sent to hh.ru.", refused: true);
            case FormRefusal.RepeatedOrTooLong:
                return Answer(request, 400, "Form unreadable", "The form repeats a field or has one that is far too long. Reload the page and try again. Nothing was sent to hh.ru.", refused: true);
            case FormRefusal.Expired:
                return Answer(request, 403, "Form expired", "The form is too old. Reload the page and send it again. Nothing was sent to hh.ru.", refused: true);
            case FormRefusal.AlreadyUsed:
                return Answer(request, 403, "Form already sent", "This form was already sent once (a second click or a reload). Nothing more was sent to hh.ru; reload the page to send another.", refused: true);
            case FormRefusal.UnknownToken:
                return Answer(request, 403, "Form refused", "The form does not come from this app's page (its antiforgery value is missing or unknown). Nothing was sent to hh.ru; reload the page and send it from there.", refused: true);
        }

        var result = await invitations.InviteAsync(form.Field("resume"), form.Field("vacancy"), form.Field("message"), "desk", ct);
        var (status, title) = result.Outcome switch
        {
            InviteOutcome.Invited => (200, "Invited"),
            InviteOutcome.BadInput => (400, "Not sent"),
            InviteOutcome.Unknown => (502, "Answer lost"),
            InviteOutcome.Busy => (409, "Already on its way"),
            InviteOutcome.NotEmployer => (409, "Not an employer's account"),
            _ => (409, "Not invited"),
        };
        return Answer(request, status, title, result.Message, refused: status >= 400, result.TopicIds);
    }

    private static IResult Answer(HttpRequest request, int status, string title, string message, bool refused, IReadOnlyList<string>? topics = null)
    {
        if (request.WantsJson())
        {
            return status is >= 200 and < 300
                ? HttpEndpoints.Json(status, new { title, message, topics = topics ?? [] })
                : HttpEndpoints.Problem(request, status, title, message);
        }

        return PageRenderer.Result<InviteAnswerView>(status, InviteAnswerView.With(title, message, refused, Self(request), StatusLink.For(request)));
    }

    /// <summary>The page's own address, relative ("invite"), keeping the function key it was opened with.</summary>
    private static string Self(HttpRequest request) =>
        "invite" + (request.Query.TryGetValue("code", out var code) && code.Count == 1 ? "?code=" + Uri.EscapeDataString(code[0]!) : string.Empty);

}
