using System.Net;
using System.Text.Json;
using HhFunctions.HeadHunter;

namespace HhFunctions.Tests.HeadHunter;

/// <summary>The token endpoint's error table (contract §1) maps to the action the app must take.</summary>
public sealed class HhTokenErrorTests
{
    [Theory]
    // invalid_request: the account or the token is gone -> reconnect; redirect and code problems are their own kinds.
    [InlineData("invalid_request", "account not found", TokenErrorKind.ReconnectRequired)]
    [InlineData("invalid_request", "account is locked", TokenErrorKind.ReconnectRequired)]
    [InlineData("invalid_request", "password invalidated", TokenErrorKind.ReconnectRequired)]
    [InlineData("invalid_request", "login not verified", TokenErrorKind.ReconnectRequired)]
    [InlineData("invalid_request", "bad redirect url", TokenErrorKind.BadRedirect)]
    [InlineData("invalid_request", "token is empty", TokenErrorKind.ReconnectRequired)]
    [InlineData("invalid_request", "token not found", TokenErrorKind.ReconnectRequired)]
    [InlineData("invalid_request", "code not found", TokenErrorKind.CodeRejected)]
    // invalid_client
    [InlineData("invalid_client", "client_id or client_secret not found", TokenErrorKind.InvalidClient)]
    // invalid_grant
    [InlineData("invalid_grant", "token has already been refreshed", TokenErrorKind.AlreadyRefreshed)]
    [InlineData("invalid_grant", "token not expired", TokenErrorKind.NotExpired)]
    [InlineData("invalid_grant", "token was revoked", TokenErrorKind.ReconnectRequired)]
    [InlineData("invalid_grant", "bad token", TokenErrorKind.ReconnectRequired)]
    [InlineData("invalid_grant", "code has already been used", TokenErrorKind.CodeRejected)]
    [InlineData("invalid_grant", "code expired", TokenErrorKind.CodeRejected)]
    [InlineData("invalid_grant", "code was revoke", TokenErrorKind.CodeRejected)]
    [InlineData("invalid_grant", "token deactivated", TokenErrorKind.ReconnectRequired)]
    // anything else is not acted on blindly
    [InlineData("unsupported_grant_type", "unsupported grant_type", TokenErrorKind.Unknown)]
    public void Parse_DocumentedError400_MapsToKind(string error, string description, TokenErrorKind kind)
    {
        // Arrange
        var body = JsonSerializer.Serialize(new { error, error_description = description });

        // Act
        var parsed = HhTokenError.Parse(HttpStatusCode.BadRequest, body, "application/json");

        // Assert
        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(error, parsed.Error);
        Assert.Equal(description, parsed.Description);
        Assert.Equal(400, parsed.StatusCode);
        Assert.DoesNotContain(body, parsed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{", parsed.Message, StringComparison.Ordinal);
        Assert.Equal(parsed.Message, parsed.ToString());
    }

    [Fact]
    public void Parse_InvalidClient_NamesBothSettings()
    {
        // Act
        var parsed = HhTokenError.Parse(HttpStatusCode.BadRequest, """{"error":"invalid_client","error_description":"client_id or client_secret not found"}""", "application/json");

        // Assert
        Assert.Contains("HeadHunter__ClientId", parsed.Message, StringComparison.Ordinal);
        Assert.Contains("HeadHunter__ClientSecret", parsed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AppTokenRefreshTooEarly403_IsItsOwnKindToWaitOut()
    {
        // Act
        var parsed = HhTokenError.Parse(HttpStatusCode.Forbidden, """{"error":"forbidden","error_description":"app token refresh too early"}""", "application/json");
        var other = HhTokenError.Parse(HttpStatusCode.Forbidden, """{"error":"forbidden","error_description":"something else"}""", "application/json");

        // Assert
        Assert.Equal(TokenErrorKind.AppTokenTooEarly, parsed.Kind);
        Assert.Contains("at most once every 5 minutes", parsed.Message, StringComparison.Ordinal);
        Assert.Equal(TokenErrorKind.Transient, other.Kind);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "<html><head><title>DDoS-Guard</title></head><body>Checking your browser</body></html>", "text/html")]
    [InlineData(HttpStatusCode.BadGateway, "", null)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "<html><body>503 Service Temporarily Unavailable</body></html>", "text/html")]
    [InlineData(HttpStatusCode.BadRequest, """{"error":"invalid_gr""", "application/json")]
    [InlineData(HttpStatusCode.InternalServerError, """{"errors":[{"type":"internal"}]}""", "application/json")]
    [InlineData(HttpStatusCode.TooManyRequests, """{"errors":[{"type":"too_many_requests"}]}""", "application/json")]
    [InlineData(HttpStatusCode.Forbidden, """{"errors":[{"type":"captcha_required","value":"captcha_required","captcha_url":"https://hh.ru/c"}]}""", "application/json")]
    public void Parse_NothingDecided_IsTransientAndKeepsThePair(HttpStatusCode status, string body, string? mediaType)
    {
        // Act
        var parsed = HhTokenError.Parse(status, body, mediaType);

        // Assert
        Assert.Equal(TokenErrorKind.Transient, parsed.Kind);
        Assert.Equal((int)status, parsed.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Message));
        if (body.Length > 0)
        {
            Assert.DoesNotContain(body, parsed.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Checking your browser", parsed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ApiStyleForbidden403_IsNotMistakenForADeadToken()
    {
        // Arrange: a 403 from the API gateway rather than the OAuth server (contract §2, hhru/api #846).
        const string body = """{"errors":[{"type":"forbidden"}],"request_id":"r1"}""";

        // Act
        var parsed = HhTokenError.Parse(HttpStatusCode.Forbidden, body, "application/json");

        // Assert
        Assert.NotEqual(TokenErrorKind.ReconnectRequired, parsed.Kind);
        Assert.NotEqual(TokenErrorKind.AlreadyRefreshed, parsed.Kind);
        Assert.DoesNotContain("r1", parsed.Message, StringComparison.Ordinal);
    }
}
