using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HhFunctions.HeadHunter.Models;

public sealed record HhIdName(string? Id, string? Name);

public sealed record HhMe(
    string? Id,
    string? FirstName,
    string? LastName,
    string? MiddleName,
    string? Email,
    bool? IsApplicant,
    bool? IsEmployer,
    HhMeEmployer? Employer = null,
    HhMeManager? Manager = null)
{
    public string DisplayName =>
        string.Join(' ', new[] { FirstName, LastName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } name
            ? name
            : Email ?? Id ?? "hh.ru account";
}

public sealed record HhResume(
    string Id,
    string? Title,
    HhIdName? Status,
    bool? Blocked,
    bool? Finished,
    bool? CanPublishOrUpdate,
    [property: JsonConverter(typeof(HhDateTimeOffsetConverter))] DateTimeOffset? NextPublishAt,
    [property: JsonConverter(typeof(HhDateTimeOffsetConverter))] DateTimeOffset? UpdatedAt,
    string? AlternateUrl)
{
    public string DisplayTitle => string.IsNullOrWhiteSpace(Title) ? Id : Title;
}

public sealed record HhResumePage(
    IReadOnlyList<HhResume>? Items,
    int Found,
    int Pages,
    int Page,
    int PerPage);

public sealed record HhTokenResponse(
    string? AccessToken,
    string? TokenType,
    long? ExpiresIn,
    string? RefreshToken);

internal sealed record HhErrorItem(string? Type, string? Value, string? CaptchaUrl, string? FallbackUrl);

internal sealed record HhErrorBody(
    IReadOnlyList<HhErrorItem>? Errors,
    string? RequestId,
    string? Description,
    string? OauthError,
    string? Error,
    string? ErrorDescription);

/// <summary>hh.ru writes offsets as "+0300" (no colon); System.Text.Json alone rejects that.</summary>
public sealed class HhDateTimeOffsetConverter : JsonConverter<DateTimeOffset?>
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var text = reader.GetString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // "+0300" -> "+03:00" so one set of formats covers both spellings.
        if (text.Length > 5 && (text[^5] == '+' || text[^5] == '-') && char.IsDigit(text[^4]))
        {
            text = string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        }

        if (DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ||
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value))
        {
            return value;
        }

        throw new JsonException($"'{text}' is not a date hh.ru is known to send.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value.Value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture).Remove(22, 1));
        }
    }
}

public static class HhJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
