using System.Net;
using HhFunctions.HeadHunter;
using HhFunctions.Tests.Infrastructure;

namespace HhFunctions.Tests.HeadHunter;

/// <summary>Every error body of the contract (docs/hh-api.md) becomes the right <see cref="HhError"/>.</summary>
public sealed class HhErrorTests
{
    private const string DdosPage = "<!DOCTYPE html><html><head><title>DDoS-Guard</title></head><body><h1>Checking your browser before accessing hh.ru</h1><script>var k='ddg-7f3a';</script></body></html>";

    [Theory]
    [InlineData("hh-oauth-token-expired.json", HhErrorKind.TokenExpired, "oauth", "token_expired", false)]
    [InlineData("hh-oauth-token-revoked.json", HhErrorKind.TokenRevoked, "oauth", "token_revoked", true)]
    [InlineData("hh-oauth-bad-authorization.json", HhErrorKind.BadAuthorization, "oauth", "bad_authorization", true)]
    [InlineData("hh-oauth-application-not-found.json", HhErrorKind.ApplicationNotFound, "oauth", "application_not_found", false)]
    [InlineData("hh-oauth-user-auth-expected.json", HhErrorKind.OAuthOther, "oauth", "user_auth_expected", false)]
    public void Parse_OAuthErrorBody_ClassifiesByValue(string payload, HhErrorKind kind, string type, string value, bool needsReconnect)
    {
        // Arrange
        var body = Payloads.Read(payload);

        // Act
        var error = HhError.Parse(HttpStatusCode.Forbidden, body, "application/json");

        // Assert
        Assert.Equal(kind, error.Kind);
        Assert.Equal(type, error.Type);
        Assert.Equal(value, error.Value);
        Assert.Equal(403, error.StatusCode);
        Assert.Equal(needsReconnect, error.NeedsReconnect);
        Assert.False(error.IsTransient);
        Assert.StartsWith("1741", error.RequestId, StringComparison.Ordinal);
        AssertCleanMessage(error.Message, body);
    }

    [Theory]
    [InlineData("hh-legacy-token-expired.json", HhErrorKind.TokenExpired)]
    [InlineData("hh-legacy-token-revoked.json", HhErrorKind.TokenRevoked)]
    [InlineData("hh-legacy-bad-auth-type.json", HhErrorKind.BadAuthorization)]
    [InlineData("hh-legacy-client-id-deleted.json", HhErrorKind.ApplicationNotFound)]
    [InlineData("hh-legacy-unrecognized-authorization.json", HhErrorKind.BadAuthorization)]
    public void Parse_LegacyOAuthKeys_ClassifiedLikeCurrentOnes(string payload, HhErrorKind kind)
    {
        // Arrange
        var body = Payloads.Read(payload);

        // Act
        var error = HhError.Parse(HttpStatusCode.Forbidden, body, "application/json");

        // Assert
        Assert.Equal(kind, error.Kind);
        Assert.Equal("oauth", error.Type);
        Assert.NotEqual(HhErrorKind.Forbidden, error.Kind);
        AssertCleanMessage(error.Message, body);
    }

    [Fact]
    public void Parse_CurrentAndLegacyKeysTogether_CurrentKeysWin()
    {
        // Arrange: both shapes in one body, as reported in hhru/api #531.
        const string body = """{"description":"Unrecognized authorization","oauth_error":"token-revoked","errors":[{"type":"oauth","value":"token_expired"}],"request_id":"r1"}""";

        // Act
        var error = HhError.Parse(HttpStatusCode.Forbidden, body, "application/json");

        // Assert
        Assert.Equal(HhErrorKind.TokenExpired, error.Kind);
    }

    [Fact]
    public void Parse_TouchLimitExceeded429_IsTypedAndNotTransient()
    {
        // Arrange
        var body = Payloads.Read("hh-touch-limit-exceeded.json");

        // Act
        var error = HhError.Parse(HttpStatusCode.TooManyRequests, body, "application/json");

        // Assert
        Assert.Equal(HhErrorKind.TouchLimitExceeded, error.Kind);
        Assert.Equal("resumes", error.Type);
        Assert.False(error.IsTransient);
        Assert.Contains("cannot be raised yet", error.Message, StringComparison.Ordinal);
        AssertCleanMessage(error.Message, body);
    }

    [Fact]
    public void Parse_Other429_IsTransientRateLimit()
    {
        // Arrange
        const string body = """{"errors":[{"type":"too_many_requests"}],"request_id":"r2"}""";

        // Act
        var error = HhError.Parse(HttpStatusCode.TooManyRequests, body, "application/json");

        // Assert
        Assert.Equal(HhErrorKind.TooManyRequests, error.Kind);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public void Parse_CaptchaRequired_IsTypedWithoutEchoingUrls()
    {
        // Arrange
        var body = Payloads.Read("hh-captcha-required.json");

        // Act
        var error = HhError.Parse(HttpStatusCode.Forbidden, body, "application/json");

        // Assert
        Assert.Equal(HhErrorKind.CaptchaRequired, error.Kind);
        Assert.DoesNotContain("captcha?state", error.Message, StringComparison.Ordinal);
        AssertCleanMessage(error.Message, body);
    }

    [Theory]
    [InlineData("hh-bad-user-agent-unset.json", "unset")]
    [InlineData("hh-bad-user-agent-blacklisted.json", "blacklisted")]
    public void Parse_BadUserAgent_NamesTheSetting(string payload, string value)
    {
        // Arrange
        var body = Payloads.Read(payload);

        // Act
        var error = HhError.Parse(HttpStatusCode.BadRequest, body, "application/json");

        // Assert
        Assert.Equal(HhErrorKind.BadUserAgent, error.Kind);
        Assert.Equal(value, error.Value);
        Assert.Contains("HeadHunter__UserAgent", error.Message, StringComparison.Ordinal);
        AssertCleanMessage(error.Message, body);
    }

    [Fact]
    public void Parse_Forbidden403WithoutOAuthError_SaysHhRefusesTheApplication()
    {
        // Arrange
        var body = Payloads.Read("hh-forbidden.json");

        // Act
        var error = HhError.Parse(HttpStatusCode.Forbidden, body, "application/json");

        // Assert
        Assert.Equal(HhErrorKind.Forbidden, error.Kind);
        Assert.Contains("hh.ru refuses this application access to resumes", error.Message, StringComparison.Ordinal);
        Assert.False(error.NeedsReconnect);
        Assert.False(error.IsTransient);
        AssertCleanMessage(error.Message, body);
    }

    [Fact]
    public void Parse_BadRequest400_MentionsMandatoryFieldsOrModeration()
    {
        // Arrange
        var body = Payloads.Read("hh-bad-request.json");

        // Act
        var error = HhError.Parse(HttpStatusCode.BadRequest, body, "application/json");

        // Assert
        Assert.Equal(HhErrorKind.BadRequest, error.Kind);
        Assert.Contains("mandatory fields", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, """{"errors":[{"type":"not_found"}]}""", HhErrorKind.NotFound)]
    [InlineData(HttpStatusCode.MethodNotAllowed, """{"errors":[{"type":"method_not_allowed"}]}""", HhErrorKind.MethodNotAllowed)]
    [InlineData(HttpStatusCode.InternalServerError, """{"errors":[{"type":"internal_error"}]}""", HhErrorKind.ServerError)]
    public void Parse_OtherJsonErrors_ClassifiedByStatus(HttpStatusCode status, string body, HhErrorKind kind)
    {
        // Act
        var error = HhError.Parse(status, body, "application/json");

        // Assert
        Assert.Equal(kind, error.Kind);
        AssertCleanMessage(error.Message, body);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/json")]
    [InlineData(null)]
    public void Parse_HtmlDdosPage403_IsTransientNonJsonWithoutThePage(string? mediaType)
    {
        // Act
        var error = HhError.Parse(HttpStatusCode.Forbidden, DdosPage, mediaType);

        // Assert
        Assert.Equal(HhErrorKind.NonJsonResponse, error.Kind);
        Assert.True(error.IsTransient);
        Assert.False(error.NeedsReconnect);
        Assert.Contains("DDoS protection", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Checking your browser", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ddg-7f3a", error.Message, StringComparison.Ordinal);
        AssertCleanMessage(error.Message, DdosPage);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Parse_Empty502_IsTransientServerError(string? body)
    {
        // Act
        var error = HhError.Parse(HttpStatusCode.BadGateway, body, null);

        // Assert
        Assert.Equal(HhErrorKind.ServerError, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Contains("HTTP 502", error.Message, StringComparison.Ordinal);
        Assert.Contains("empty body", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"errors":[{"type":"oauth","value":"tok""")]
    [InlineData("""{"errors":"secret-looking-garbage-9f8e7d"}""")]
    [InlineData("{not json at all: secret-looking-garbage-9f8e7d")]
    [InlineData("""["secret-looking-garbage-9f8e7d"]""")]
    public void Parse_GarbageJson_DoesNotThrowAndDoesNotEchoIt(string body)
    {
        // Act
        var error = HhError.Parse(HttpStatusCode.Forbidden, body, "application/json");

        // Assert
        Assert.Equal(HhErrorKind.NonJsonResponse, error.Kind);
        Assert.DoesNotContain("secret-looking-garbage", error.Message, StringComparison.Ordinal);
        AssertCleanMessage(error.Message, body);
    }

    [Fact]
    public void HhApiException_FromError_CarriesTheCleanMessage()
    {
        // Arrange
        var error = HhError.Parse(HttpStatusCode.Forbidden, Payloads.Read("hh-oauth-token-revoked.json"), "application/json");

        // Act
        var exception = new HhApiException(error);

        // Assert
        Assert.Same(error, exception.Error);
        Assert.Equal(error.Message, exception.Message);
        Assert.Equal(error.Message, error.ToString());
    }

    private static void AssertCleanMessage(string message, string body)
    {
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain(body.Trim(), message, StringComparison.Ordinal);
        Assert.DoesNotContain("request_id", message, StringComparison.Ordinal);
        Assert.DoesNotContain("1741000000", message, StringComparison.Ordinal);
        Assert.DoesNotContain("{", message, StringComparison.Ordinal);
        Assert.DoesNotContain("<", message, StringComparison.Ordinal);
    }
}
