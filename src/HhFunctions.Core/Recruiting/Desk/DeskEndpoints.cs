using System.Globalization;
using HhFunctions.OAuth;
using HhFunctions.Pages;
using HhFunctions.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>
/// The recruiter's desk (function key in Azure): GET /api/recruiting (HTML, or JSON with Accept: application/json),
/// POST /api/recruiting (the assignee form, with the page's single-use antiforgery value as the status page's forms
/// have it; a cross-site POST is refused; nothing posted is echoed), and the exports of every written response,
/// /api/recruiting/responses.csv and .json.
/// </summary>
public sealed partial class DeskEndpoints(
    DeskService desk,
    DeskExport export,
    IRecruitingStore store,
    PortalUsers users,
    FormTokens forms,
    IOptions<RecruitingOptions> recruiting,
    TimeProvider time,
    ILogger<DeskEndpoints> logger)
{
    public const string FormField = AccessPages.FormField;
    public const string AntiforgeryField = AccessPages.AntiforgeryField;
    public const string AssigneeForm = "assignee";
    public const string VacancyField = "vacancy";
    public const string UserField = "user";

    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WantsJson())
        {
            return HttpEndpoints.Json(200, await desk.GetAsync(ct));
        }

        var report = await desk.GetAsync(ct);
        var token = report.Vacancies.Count > 0 ? await forms.MintAsync(ct) : null;
        var key = request.QueryValue("code");

        // Invite by link: the same single-use value serves the page's two forms (one of them is sent).
        RenderFragment? invite = token is null ? null : b =>
        {
            b.OpenComponent<Invitations.InviteForm>(0);
            b.AddAttribute(1, nameof(Invitations.InviteForm.FormToken), token);
            b.AddAttribute(2, nameof(Invitations.InviteForm.Action), "recruiting/invite" + (string.IsNullOrEmpty(key) ? string.Empty : "?code=" + Uri.EscapeDataString(key)));
            b.AddAttribute(3, nameof(Invitations.InviteForm.DefaultMessage), recruiting.Value.InviteMessage);
            b.CloseComponent();
        };
        return PageRenderer.Result<DeskView>(200, DeskView.With(report with { FormToken = token }, key, invite));
    }

    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await HttpEndpoints.ReadBodyAsync(request, ct);
        var (status, title, message) = await HandleAsync(body, request.Headers["Sec-Fetch-Site"].ToString(), ct);
        if (request.WantsJson())
        {
            return status is >= 200 and < 300
                ? HttpEndpoints.Json(status, new { Title = title, Message = message })
                : HttpEndpoints.Problem(request, status, title, message);
        }

        return PageRenderer.Result<DeskAnswerView>(status, DeskAnswerView.With(title, message, refused: status >= 400));
    }

    public async Task<IResult> CsvAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Results.File(await export.CsvAsync(ct), "text/csv; charset=utf-8", "recruiting-responses.csv");
    }

    public async Task<IResult> JsonAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.ContentDisposition = "attachment; filename=\"recruiting-responses.json\"";
        return Results.Text(await export.JsonAsync(ct), "application/json; charset=utf-8", new System.Text.UTF8Encoding(false), 200);
    }

    /// <summary>The assignee form: antiforgery first, then the vacancy and the user. Returns the answer's status, title and message.</summary>
    public async Task<(int Status, string Title, string Message)> HandleAsync(string? body, string? fetchSite, CancellationToken ct)
    {
        var form = await forms.ReadAsync(body, fetchSite, AntiforgeryField, OAuthFlow.MaxParameterLength, ct);
        if (form.Refusal != FormRefusal.None)
        {
            return FormRefusals.Answer(form.Refusal, "desk");
        }

        if (form.Field(FormField) != AssigneeForm)
        {
            return (400, "Unknown form", "The form does not say what to do. Reload the desk and try again.");
        }

        var vacancyId = form.Field(VacancyField).Trim();
        if (vacancyId.Length is 0 or > 32 || !vacancyId.All(char.IsAsciiLetterOrDigit))
        {
            return (400, "Not saved", "Choose a vacancy from the list (an hh.ru vacancy id is letters and digits, at most 32). Nothing was changed.");
        }

        var user = form.Field(UserField).Trim();
        long? assignee = null;
        if (user.Length > 0)
        {
            if (user.Length > 18 || !user.All(char.IsAsciiDigit) || !long.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                return (400, "Not saved", "A Bitrix24 user id is a whole number above 0 (the ID in the user's profile address). Nothing was changed.");
            }

            assignee = id;
        }

        var vacancy = await store.GetVacancyAsync(vacancyId, ct);
        if (vacancy is null)
        {
            return (400, "Not saved", "The app does not know this vacancy (the reconcile run lists the active ones). Reload the desk and choose one from the list. Nothing was changed.");
        }

        var notChecked = false;
        if (assignee is { } chosen)
        {
            var portal = await users.GetAsync(ct);
            if (portal.Problem is null && !portal.Contains(chosen))
            {
                return (400, "Not saved", $"Bitrix24 has no active user {chosen.ToString(CultureInfo.InvariantCulture)}. Choose one from the list (it is read again every {PortalUsers.Lifetime.TotalMinutes:0} minutes). Nothing was changed.");
            }

            notChecked = portal.Problem is not null;
        }

        var now = time.GetUtcNow();
        await store.UpdateVacancyAsync(vacancyId, v => v is null ? null : v with { AssigneeId = assignee, AssignedAt = now, UpdatedAt = now }, ct);
        Log.Assigned(logger, vacancyId, assignee?.ToString(CultureInfo.InvariantCulture) ?? "default");
        var name = vacancy.Name ?? "vacancy " + vacancyId;
        var message = assignee is { } who
            ? $"New records of \"{name}\" go to Bitrix24 user {who.ToString(CultureInfo.InvariantCulture)} from now on; records already written keep their person."
            : $"New records of \"{name}\" go to the default person from now on (Bitrix24__DefaultAssigneeId, or the webhook's user).";
        return (200, "Saved", notChecked ? message + " The user list could not be read from Bitrix24, so the id was not checked." : message);
    }

    private static partial class Log
    {
        [LoggerMessage(9663, LogLevel.Information, "Desk: vacancy {VacancyId} assigned to Bitrix24 user {User}.")]
        public static partial void Assigned(ILogger logger, string vacancyId, string user);
    }
}
