using HhFunctions.Bitrix24;

namespace HhFunctions.Tests.Bitrix24;

/// <summary>Bitrix24__*: the webhook's shape and the limits, each failure named, and never the webhook's secret in a message.</summary>
public sealed class Bitrix24OptionsValidatorTests
{
    private const string Key = "q7k2mx9vd0r4w1zt";

    private static IReadOnlyList<string> Failures(Bitrix24Options options) =>
        new Bitrix24OptionsValidator().Validate(null, options) is { Failed: true } result ? [.. result.Failures!] : [];

    private static IReadOnlyList<string> WebhookFailures(string? url) => Failures(new Bitrix24Options { WebhookUrl = url });

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("https://example.bitrix24.ru/rest/1/" + Key + "/")]
    [InlineData("https://example.bitrix24.ru/rest/1/" + Key)]
    [InlineData("https://example.bitrix24.com/rest/2417/" + Key + "/")]
    [InlineData("https://crm.example.com:8443/rest/15/" + Key + "/")]
    [InlineData("  https://example.bitrix24.ru/rest/1/" + Key + "/  ")]
    [InlineData("http://127.0.0.1:5080/rest/1/" + Key + "/")]
    [InlineData("http://localhost:5080/rest/1/" + Key + "/")]
    [InlineData("http://[::1]:5080/rest/1/" + Key + "/")]
    public void Validate_EmptyOrWebhookShape_Passes(string? url)
    {
        Assert.Empty(WebhookFailures(url));
    }

    [Theory]
    [InlineData("http://example.bitrix24.ru/rest/1/" + Key + "/", "must use https")]
    [InlineData("http://10.0.0.5/rest/1/" + Key + "/", "must use https")]
    [InlineData("https://example.bitrix24.ru/rest/1/" + Key + "/crm.lead.add.json", "without a method name")]
    [InlineData("https://example.bitrix24.ru/rest/1/" + Key + "/profile", "without a method name")]
    [InlineData("https://example.bitrix24.ru/rest/" + Key + "/", "must have the form")]
    [InlineData("https://example.bitrix24.ru/rest/admin/" + Key + "/", "must have the form")]
    [InlineData("https://example.bitrix24.ru/1/" + Key + "/", "must have the form")]
    [InlineData("https://example.bitrix24.ru/rest/1/" + Key + "-x/", "must have the form")]
    [InlineData("https://example.bitrix24.ru/", "must have the form")]
    [InlineData("https://example.bitrix24.ru/rest/1/" + Key + "/?auth=1", "no query, fragment or user name")]
    [InlineData("https://example.bitrix24.ru/rest/1/" + Key + "/#top", "no query, fragment or user name")]
    [InlineData("https://admin:" + Key + "@example.bitrix24.ru/rest/1/" + Key + "/", "no query, fragment or user name")]
    [InlineData("example.bitrix24.ru/rest/1/" + Key + "/", "absolute https URL")]
    [InlineData("ftp://example.bitrix24.ru/rest/1/" + Key + "/", "absolute https URL")]
    [InlineData("/rest/1/" + Key + "/", "absolute https URL")]
    public void Validate_NotAWebhookAddress_SaysWhatIsWrongWithoutTheSecret(string url, string expected)
    {
        var failure = Assert.Single(WebhookFailures(url));

        Assert.StartsWith("Bitrix24__WebhookUrl ", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.Contains("its value is not shown", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, failure, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("example.bitrix24.ru", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WebhookWithAMethodName_PointsAtTheAddressBitrix24Shows()
    {
        var failure = Assert.Single(WebhookFailures("https://example.bitrix24.ru/rest/1/" + Key + "/crm.lead.add.json"));

        Assert.Contains(Bitrix24OptionsValidator.WebhookShape, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "Bitrix24__RatePerSecond")]
    [InlineData(-2, "Bitrix24__RatePerSecond")]
    [InlineData(51, "Bitrix24__RatePerSecond")]
    public void Validate_RateOutOfRange_Fails(double rate, string expected)
    {
        Assert.Contains(expected, Assert.Single(Failures(new Bitrix24Options { RatePerSecond = rate })), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(50)]
    public void Validate_RateWithinRange_Passes(double rate)
    {
        Assert.Empty(Failures(new Bitrix24Options { RatePerSecond = rate }));
    }

    [Fact]
    public void Validate_Defaults_PassAndMatchTheCloudPlans()
    {
        var options = new Bitrix24Options();

        Assert.Empty(Failures(options));
        Assert.Equal((2.0, 50, TimeSpan.FromSeconds(60), "lead", 0), (options.RatePerSecond, options.Burst, options.AttemptTimeout, options.Entity, options.DealCategoryId));
        Assert.Null(options.WebhookUrl);
    }

    [Theory]
    [InlineData("lead")]
    [InlineData("deal")]
    [InlineData("Deal")]
    [InlineData("LEAD")]
    public void Validate_LeadOrDeal_Passes(string entity)
    {
        Assert.Empty(Failures(new Bitrix24Options { Entity = entity }));
    }

    [Fact]
    public void Validate_EveryBadSetting_EachNamed()
    {
        var failures = Failures(new Bitrix24Options
        {
            WebhookUrl = "http://example.bitrix24.ru/rest/1/" + Key + "/",
            RatePerSecond = 0,
            Burst = 0,
            AttemptTimeout = TimeSpan.FromMilliseconds(500),
            Entity = "contact",
            DealCategoryId = -1,
        });

        Assert.Equal(6, failures.Count);
        foreach (var setting in new[] { "WebhookUrl", "RatePerSecond", "Burst", "AttemptTimeout", "Entity must be lead or deal", "DealCategoryId" })
        {
            Assert.Contains(failures, f => f.Contains("Bitrix24__" + setting, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(failures, f => f.Contains(Key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(301)]
    public void Validate_AttemptTimeoutOutOfRange_Fails(double seconds)
    {
        Assert.Contains("Bitrix24__AttemptTimeout", Assert.Single(Failures(new Bitrix24Options { AttemptTimeout = TimeSpan.FromSeconds(seconds) })), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_OptionsWithAWebhook_DoesNotShowIt()
    {
        var options = new Bitrix24Options { WebhookUrl = "https://example.bitrix24.ru/rest/1/" + Key + "/" };

        Assert.DoesNotContain(Key, options.ToString(), StringComparison.Ordinal);
    }
}
