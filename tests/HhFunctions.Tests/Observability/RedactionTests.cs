using System.Diagnostics;
using HhFunctions.Observability;
using HhFunctions.Testing;

namespace HhFunctions.Tests.Observability;

/// <summary>URLs as spans show them: no query, no Bitrix24 webhook key, no bot token, no app webhook key, no resume id.</summary>
public sealed class RedactionTests
{
    [Theory]
    [InlineData("https://api.hh.ru/resumes/a1b2c3d4e5f6/publish?access_token=AT123", "https://api.hh.ru/resumes/{redacted}/publish")]
    [InlineData("https://api.telegram.org/bot123456:AAHsecretToken/sendMessage", "https://api.telegram.org/{redacted}/sendMessage")]
    [InlineData("https://portal.bitrix24.ru/rest/1/onlyletterskey/crm.lead.add.json", "https://portal.bitrix24.ru/rest/1/{redacted}/crm.lead.add.json")]
    [InlineData("http://localhost:7071/api/hh/webhook/AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf", "http://localhost:7071/api/hh/webhook/{redacted}")]
    [InlineData("http://localhost:7071/api/oauth/link?t=setup-link-value", "http://localhost:7071/api/oauth/link")]
    [InlineData("https://api.hh.ru/vacancies/123456", "https://api.hh.ru/vacancies/123456")]
    public void Redact_HidesQueriesAndSecretSegments(string url, string expected) =>
        Assert.Equal(expected, UrlRedaction.Redact(new Uri(url)));

    [Fact]
    public void RedactingProcessor_RewritesUrlTagsDropsTheQueryAndRedactsAPathInTheName()
    {
        using var activity = new Activity("GET /api/bitrix/events/" + FakeBitrix24Portal.Secret);
        activity.SetTag("url.full", FakeBitrix24Portal.WebhookUrl.AbsoluteUri + "crm.lead.add?auth=x");
        activity.SetTag("url.path", "/api/hh/webhook/" + FakeBitrix24Portal.Secret);
        activity.SetTag("url.query", "t=setup-link-value");
        activity.DisplayName = "GET /api/bitrix/events/" + FakeBitrix24Portal.Secret;

        new RedactingProcessor().OnEnd(activity);

        var texts = activity.TagObjects.Select(t => t.Key + "=" + t.Value).Append(activity.DisplayName).ToList();
        Assert.All(texts, t => Assert.DoesNotContain(FakeBitrix24Portal.Secret, t, StringComparison.Ordinal));
        Assert.Null(activity.GetTagItem("url.query"));
        Assert.Equal("GET /api/bitrix/events/{redacted}", activity.DisplayName);
    }
}
