using System.Text.Json;
using System.Text.Json.Serialization;

namespace HhFunctions.HeadHunter.Models;

// The employer side of hh.ru (../shared/hh-employer-api.md). Every field is nullable: hh.ru leaves out or nulls what
// the account may not see (hidden_fields), and the app must still make a record from what is there.

/// <summary>GET /me's company and manager parts for an employer (a manager user).</summary>
public sealed record HhMeEmployer(string? Id, string? Name);

public sealed record HhMeManager(string? Id);

/// <summary>One webhook subscription: its id, URL and actions.</summary>
public sealed record HhWebhookSubscription(string? Id, string? Url, IReadOnlyList<HhWebhookAction>? Actions);

/// <summary>An action of a subscription; settings is {"vacancies_only_mine": bool} or null.</summary>
public sealed record HhWebhookAction(string Type, HhWebhookActionSettings? Settings);

public sealed record HhWebhookActionSettings(bool VacanciesOnlyMine);

public sealed record HhWebhookSubscriptionList(IReadOnlyList<HhWebhookSubscription>? Items);

public sealed record HhCreatedId(string? Id);

/// <summary>The short resume inside a negotiation (no contacts).</summary>
public sealed record HhTopicResume(
    string? Id,
    string? Title,
    string? FirstName,
    string? LastName,
    string? MiddleName,
    HhIdOnly? Owner,
    string? Url,
    string? AlternateUrl,
    IReadOnlyList<HhIdName>? HiddenFields,
    HhDownload? Download);

public sealed record HhIdOnly(string? Id);

public sealed record HhDownload(HhDownloadLink? Pdf, HhDownloadLink? Rtf);

public sealed record HhDownloadLink(string? Url);

public sealed record HhTopicVacancy(string? Id, string? Name, string? AlternateUrl, bool? Archived);

/// <summary>GET /negotiations/{id} as an employer.</summary>
public sealed record HhEmployerNegotiation(
    string Id,
    [property: JsonConverter(typeof(HhDateTimeOffsetConverter))] DateTimeOffset? CreatedAt,
    [property: JsonConverter(typeof(HhDateTimeOffsetConverter))] DateTimeOffset? UpdatedAt,
    HhIdName? State,
    HhIdName? EmployerState,
    string? Source,
    HhTopicResume? Resume,
    HhTopicVacancy? Vacancy);

/// <summary>A contact of a resume: contact_value first, the deprecated value (a string or a phone object) as fallback.</summary>
public sealed record HhResumeContact(string? Kind, HhIdName? Type, string? ContactValue, JsonElement? Value, bool? Preferred)
{
    /// <summary>The contact's text: contact_value, or the old value (a string, or a phone's "formatted", or country+city+number).</summary>
    public string? Text
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(ContactValue))
            {
                return ContactValue;
            }

            if (Value is not { } v)
            {
                return null;
            }

            if (v.ValueKind == JsonValueKind.String)
            {
                return v.GetString();
            }

            if (v.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (v.TryGetProperty("formatted", out var f) && f.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(f.GetString()))
            {
                return f.GetString();
            }

            string Part(string name) => v.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() ?? string.Empty : string.Empty;
            var joined = "+" + Part("country") + Part("city") + Part("number");
            return joined.Length > 1 ? joined : null;
        }
    }
}

public sealed record HhResumeSalary(decimal? Amount, string? Currency);

public sealed record HhExperienceItem(string? Position, string? Company, string? Start, string? End);

public sealed record HhTotalExperience(int? Months);

/// <summary>GET /resumes/{id} as an employer (fields the CRM record uses).</summary>
public sealed record HhEmployerResume(
    string? Id,
    string? Title,
    string? FirstName,
    string? LastName,
    string? MiddleName,
    HhIdName? Area,
    HhResumeSalary? Salary,
    HhTotalExperience? TotalExperience,
    IReadOnlyList<HhExperienceItem>? Experience,
    IReadOnlyList<HhResumeContact>? Contact,
    IReadOnlyList<HhIdName>? HiddenFields,
    bool? CanViewFullInfo,
    HhIdOnly? Owner,
    string? AlternateUrl,
    HhDownload? Download);

/// <summary>One of the employer's active vacancies.</summary>
public sealed record HhActiveVacancy(string Id, string? Name, bool? Archived, HhVacancyCounters? Counters);

public sealed record HhVacancyCounters(int? Responses, int? UnreadResponses, int? InvitationsAndResponses, int? Invitations);

public sealed record HhActiveVacancyPage(IReadOnlyList<HhActiveVacancy>? Items, int Found, int Pages, int Page, int PerPage);

/// <summary>GET /negotiations?vacancy_id=: the vacancy's collections.</summary>
public sealed record HhNegotiationCollectionList(IReadOnlyList<HhNegotiationsCollectionInfo>? Collections);

public sealed record HhNegotiationsCollectionInfo(string? Id, string? Name, bool? Hidden, string? Url, IReadOnlyList<HhOrderType>? OrderTypes, IReadOnlyList<HhNegotiationsCollectionInfo>? SubCollections)
{
    /// <summary>counters{total, with_updates}: how many topics the collection holds now.</summary>
    public HhCollectionCounters? Counters { get; init; }
}

public sealed record HhCollectionCounters(int? Total, int? WithUpdates);

public sealed record HhOrderType(string? Id, string? Name, string? Url);

/// <summary>One item of a collection page (no vacancy object, a short resume).</summary>
public sealed record HhCollectionItem(
    string Id,
    [property: JsonConverter(typeof(HhDateTimeOffsetConverter))] DateTimeOffset? CreatedAt,
    [property: JsonConverter(typeof(HhDateTimeOffsetConverter))] DateTimeOffset? UpdatedAt,
    HhIdName? State,
    HhIdName? EmployerState,
    HhTopicResume? Resume);

public sealed record HhCollectionPage(IReadOnlyList<HhCollectionItem>? Items, int Found, int Pages, int Page, int PerPage);
