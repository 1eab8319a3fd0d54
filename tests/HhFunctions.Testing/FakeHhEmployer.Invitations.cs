using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Text.Json;
using System.Web;

namespace HhFunctions.Testing;

/// <summary>
/// Inviting a resume found outside the responses (../shared/hh-employer-api.md §6.5; hhru/api
/// employer_vacancies_for_invitation.md and employer_negotiations.md "add-invite"): the vacancies suitable for a
/// resume (GET /employers/{id}/vacancies/active?resume_id=, with negotiations_state, can_invite and
/// negotiations_actions), and the invitation POST (form or query: resume_id, vacancy_id, message) that makes a topic
/// in state invitation exactly like <see cref="AddInvitation"/>, answering 201 with Location: /negotiations/{id}.
/// Refusals with hh.ru's error bodies: paid access (403 api_access_payment/action_must_be_payed, or a resume-database
/// refusal such as 403 resumes/no_available_service), the daily view limit (429 resumes/view_limit_exceeded), a hidden
/// or deleted resume (404 negotiations/resume_not_found), an archived vacancy (403 negotiations/invalid_vacancy), a
/// candidate already invited (403 negotiations/already_invited with a description; the exact value is UNCONFIRMED).
/// A lost answer is FakeHhApi.FailAfterHandling / ThrowAfterHandling on "negotiations/phone_interview".
/// </summary>
public sealed partial class FakeHhEmployer
{
    /// <summary>The action ids (paths under /negotiations/) that invite: the documented default and the id newer docs list.</summary>
    public static readonly IReadOnlyList<string> InvitationActions = ["phone_interview", "invitation"];

    /// <summary>List negotiations_actions on the suitable vacancies (newer docs); off: none, so the app falls back to POST /negotiations/phone_interview.</summary>
    public bool ListInvitationActions { get; set; } = true;

    /// <summary>The path (under /negotiations/) of the invitation action listed in negotiations_actions.</summary>
    public string InvitationActionPath { get; set; } = "phone_interview";

    /// <summary>The invitation action says its message argument is required.</summary>
    public bool InviteMessageRequired { get; set; }

    /// <summary>Answer a made invitation with a Location header (hh.ru's docs); off: 201 without one.</summary>
    public bool InviteLocation { get; set; } = true;

    /// <summary>Inviting needs access to the resume database: 403 resumes/{this value} (e.g. no_available_service) instead of making it.</summary>
    public string? ResumeDatabaseRefusal { get; set; }

    /// <summary>Invitation POSTs that reached hh.ru, per "resume|vacancy" (made or refused).</summary>
    public ConcurrentDictionary<string, int> InvitationPosts { get; } = new(StringComparer.Ordinal);

    /// <summary>Invitations made (topics created by a POST), per "resume|vacancy".</summary>
    public ConcurrentDictionary<string, int> InvitationsMade { get; } = new(StringComparer.Ordinal);

    /// <summary>The messages invitations were made with, in order.</summary>
    public ConcurrentQueue<string?> InvitationMessages { get; } = new();

    public int InvitationsMadeFor(string resumeId, string vacancyId) => InvitationsMade.GetValueOrDefault(resumeId + "|" + vacancyId);

    public int InvitationPostsFor(string resumeId, string vacancyId) => InvitationPosts.GetValueOrDefault(resumeId + "|" + vacancyId);

    private HttpResponseMessage VacanciesForResume(string employerId, string resumeId, NameValueCollection query, Uri apiBase)
    {
        if (employerId != EmployerId)
        {
            return FakeHhApi.Errors(HttpStatusCode.NotFound, "not_found");
        }

        var page = Int(query["page"]) ?? 0;
        var perPage = Int(query["per_page"]) ?? 20;
        if (perPage is < 1 or > MaxPerPage)
        {
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_argument", "per_page");
        }

        var resume = ResumeById(resumeId) is { Removed: false } found ? found : null;
        var set = Vacancies.Where(v => !v.Archived).OrderByDescending(v => v.CreatedAt).ThenByDescending(v => v.Id, StringComparer.Ordinal).ToList();
        var items = set.Skip(page * perPage).Take(perPage).Select(v =>
        {
            var topic = TopicsOfResume(resumeId).FirstOrDefault(n => n.VacancyId == v.Id && !n.Removed);
            var canInvite = resume is not null && topic is null;
            return new Dictionary<string, object?>
            {
                ["id"] = v.Id,
                ["name"] = v.Name,
                ["archived"] = false,
                ["url"] = $"{apiBase.AbsoluteUri}vacancies/{v.Id}",
                ["alternate_url"] = "https://hh.ru/vacancy/" + v.Id,
                ["negotiations_state"] = topic is null ? null : IdName(topic.State),
                ["can_invite"] = canInvite,
                ["negotiations_actions"] = !ListInvitationActions || !canInvite ? Array.Empty<object>() : new object[]
                {
                    new Dictionary<string, object?>
                    {
                        ["id"] = "invitation",
                        ["name"] = "Пригласить",
                        ["enabled"] = true,
                        ["method"] = "POST",
                        ["url"] = $"{apiBase.AbsoluteUri}negotiations/{InvitationActionPath}",
                        ["resulting_employer_state"] = new { id = "invitation", name = "Приглашение" },
                        ["templates"] = Array.Empty<object>(),
                        ["arguments"] = new object[]
                        {
                            new { id = "resume_id", required = true, required_arguments = Array.Empty<object>() },
                            new { id = "vacancy_id", required = true, required_arguments = Array.Empty<object>() },
                            new { id = "message", required = InviteMessageRequired, required_arguments = Array.Empty<object>() },
                        },
                    },
                },
            };
        }).ToList();
        var pages = (int)Math.Ceiling(set.Count / (double)perPage);
        return FakeHhApi.Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { found = set.Count, pages, page, per_page = perPage, items }));
    }

    private HttpResponseMessage Invite(NameValueCollection query, string? body)
    {
        var form = HttpUtility.ParseQueryString(body ?? string.Empty);
        string? Arg(string name) => form[name] ?? query[name];
        var resumeId = Arg("resume_id");
        var vacancyId = Arg("vacancy_id");
        if (string.IsNullOrEmpty(resumeId) || string.IsNullOrEmpty(vacancyId))
        {
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_argument", string.IsNullOrEmpty(resumeId) ? "resume_id" : "vacancy_id");
        }

        InvitationPosts.AddOrUpdate(resumeId + "|" + vacancyId, 1, (_, n) => n + 1);
        if (PaidAccessRequired)
        {
            return PaidAccess();
        }

        if (ResumeDatabaseRefusal is { } refusal)
        {
            return ContactsRefused(refusal);
        }

        var vacancy = Vacancies.FirstOrDefault(v => v.Id == vacancyId);
        if (vacancy is null)
        {
            return FakeHhApi.Errors(HttpStatusCode.NotFound, "not_found");
        }

        if (vacancy.Archived)
        {
            return FakeHhApi.Errors(HttpStatusCode.Forbidden, "negotiations", "invalid_vacancy");
        }

        var resume = ResumeById(resumeId);
        if (resume is null || resume.Removed)
        {
            return FakeHhApi.Errors(HttpStatusCode.NotFound, "negotiations", "resume_not_found");
        }

        if (TopicsOfResume(resumeId).Any(n => n.VacancyId == vacancyId && !n.Removed))
        {
            return FakeHhApi.Json(HttpStatusCode.Forbidden,
                """{"errors":[{"type":"negotiations","value":"already_invited"}],"description":"Соискатель уже приглашён на эту вакансию","request_id":"req-1"}""");
        }

        if (InviteMessageRequired && string.IsNullOrWhiteSpace(Arg("message")))
        {
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "negotiations", "empty_message");
        }

        if (!TryCountView(resume))
        {
            return ViewLimit(); // inviting opens the resume: it counts against the daily limit
        }

        var topic = AddTopic(vacancyId, resumeId, invitation: true, FakeCallbackQuirks.None);
        InvitationsMade.AddOrUpdate(resumeId + "|" + vacancyId, 1, (_, n) => n + 1);
        InvitationMessages.Enqueue(Arg("message"));
        var response = new HttpResponseMessage(HttpStatusCode.Created);
        if (InviteLocation)
        {
            response.Headers.Location = new Uri("/negotiations/" + topic.Id, UriKind.Relative);
        }

        return response;
    }
}
