using System.Net;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.OAuth;

/// <summary>
/// Finishing the setup by hand when the redirect URI registered at dev.hh.ru is not this app's callback (guides
/// say https://hh.ru or http://localhost:8080): the code, or the whole redirected address, pasted on the status page
/// or sent to the bot with /code, exchanged with HeadHunter__RedirectUri.
/// </summary>
public sealed class PastedCodeTests
{
    private const string Registered = "https://hh.ru/";

    private static AppFactory App() => AppFactory.With(new Dictionary<string, string?> { ["HeadHunter:RedirectUri"] = Registered });

    [Fact]
    public async Task StatusForm_WholeRedirectedAddress_ConnectsChecksStateAndRecordsResumes()
    {
        using var app = App();
        app.Hh.RegisteredRedirectUri = Registered;
        app.Hh.AddResume("r1", "Backend developer (.NET)");
        var landed = await app.AuthorizeAsync();
        Assert.StartsWith("https://hh.ru/?code=", landed.AbsoluteUri, StringComparison.Ordinal);

        var (status, body) = await app.PasteCodeAsync(landed.AbsoluteUri);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Connected to hh.ru", body, StringComparison.Ordinal);
        Assert.Contains("Backend developer (.NET)", body, StringComparison.Ordinal);
        var stored = await app.StoredPairAsync();
        Assert.NotNull(stored);
        Assert.Contains(stored!.RefreshToken, app.Hh.LiveRefreshTokens);
        var account = await app.AccountAsync();
        Assert.Equal(AccountStatus.Connected, account.Status);
        Assert.Equal(stored.Fingerprint, account.TokenFingerprint);
        Assert.Contains(app.Telegram.Messages, m => m.Text.Contains("Connected to hh.ru", StringComparison.Ordinal));
        Assert.DoesNotContain(landed.AbsoluteUri, body, StringComparison.Ordinal);
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task StatusForm_SameAddressTwice_SecondRefusedAsAlreadyUsed()
    {
        using var app = App();
        app.Hh.RegisteredRedirectUri = Registered;
        var landed = await app.AuthorizeAsync();
        await app.PasteCodeAsync(landed.AbsoluteUri);
        var first = (await app.StoredPairAsync())!.Fingerprint;

        var (status, body) = await app.PasteCodeAsync(landed.AbsoluteUri);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("already used", body, StringComparison.Ordinal);
        Assert.Equal(first, (await app.StoredPairAsync())!.Fingerprint);
    }

    [Fact]
    public async Task StatusForm_StateOfAnotherAttempt_RefusedAndStoredPairUnchanged()
    {
        using var app = App();
        app.Hh.RegisteredRedirectUri = Registered;
        var pair = await app.ConnectAsync();
        var code = app.Hh.IssueCode(Registered);

        var (status, body) = await app.PasteCodeAsync($"https://hh.ru/?code={code}&state=not-a-state-this-app-issued");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("does not match", body, StringComparison.Ordinal);
        Assert.Equal(pair.Fingerprint, (await app.StoredPairAsync())!.Fingerprint);
        Assert.DoesNotContain(app.Hh.Requests, r => r.Uri.AbsolutePath == "/token");
    }

    [Fact]
    public async Task StatusForm_CodeFromLocalhostRegistration_ExchangedWithTheConfiguredRedirectUri()
    {
        const string localhost = "http://localhost:8080";
        using var app = AppFactory.With(new Dictionary<string, string?> { ["HeadHunter:RedirectUri"] = localhost });
        app.Hh.RegisteredRedirectUri = localhost;
        var landed = await app.AuthorizeAsync();

        var (status, _) = await app.PasteCodeAsync(landed.Query.TrimStart('?'));

        Assert.Equal(HttpStatusCode.OK, status);
        var exchange = Assert.Single(app.Hh.Requests, r => r.Uri.AbsolutePath == "/token");
        Assert.Contains("redirect_uri=" + Uri.EscapeDataString("http://localhost:8080/"), exchange.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusForm_CodeOlderThanTenMinutes_RefusedWithWhatToDo()
    {
        using var app = App();
        var code = app.Hh.IssueCode(Registered);
        var token = await app.FormTokenAsync();
        app.Time.Advance(FakeHhApi.CodeLifetime + TimeSpan.FromSeconds(1));

        var (status, body) = await app.PostStatusFormAsync(new Dictionary<string, string> { ["form"] = "code", ["pasted"] = code }, token);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("code expired", body, StringComparison.Ordinal);
        Assert.Contains("Start the authorization again", body, StringComparison.Ordinal);
        Assert.Null(await app.StoredPairAsync());
    }

    [Fact]
    public async Task StatusForm_RedirectUriNotTheRegisteredOne_SaysSoAndStoresNothing()
    {
        using var app = AppFactory.With(new Dictionary<string, string?> { ["HeadHunter:RedirectUri"] = "http://localhost:8080" });
        var code = app.Hh.IssueCode(Registered);

        var (status, body) = await app.PasteCodeAsync(code);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("HeadHunter__RedirectUri", body, StringComparison.Ordinal);
        Assert.Null(await app.StoredPairAsync());
    }

    [Fact]
    public async Task StatusForm_WithoutAntiforgeryValueOrCrossSite_Refused403()
    {
        using var app = App();
        var code = app.Hh.IssueCode(Registered);

        var (missing, _) = await app.PostStatusFormAsync(new Dictionary<string, string> { ["form"] = "code", ["pasted"] = code }, antiforgery: "forged-value");
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/status")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["form"] = "code", ["pasted"] = code, ["af"] = await app.FormTokenAsync() }),
        };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var crossSite = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, missing);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.DoesNotContain(app.Hh.Requests, r => r.Uri.AbsolutePath == "/token");
    }

    [Fact]
    public async Task StatusForm_AntiforgeryValueWorksOnce()
    {
        using var app = App();
        var token = await app.FormTokenAsync();
        await app.PostStatusFormAsync(new Dictionary<string, string> { ["form"] = "code", ["pasted"] = "junk with spaces" }, token);

        var (status, body) = await app.PostStatusFormAsync(new Dictionary<string, string> { ["form"] = "code", ["pasted"] = app.Hh.IssueCode(Registered) }, token);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("already sent", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BotCode_RedirectedAddress_ConnectsDeletesTheMessageAndStatusListsResumes()
    {
        using var app = App();
        app.Hh.RegisteredRedirectUri = Registered;
        app.Hh.AddResume("r1", "Backend developer (.NET)");
        var landed = await app.AuthorizeAsync();

        var messageId = await app.SendOwnerMessageAsync("/code " + landed.AbsoluteUri);
        await app.SendTextAsync("/status");

        Assert.Equal((FakeTelegramApi.ChatId, messageId), Assert.Single(app.Telegram.DeletedMessages));
        Assert.Equal(AccountStatus.Connected, (await app.AccountAsync()).Status);
        var texts = app.SentTexts();
        Assert.Contains(texts, t => t.StartsWith("✅ <b>Connected to hh.ru</b>", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("was deleted from this chat", StringComparison.Ordinal));
        var status = texts.Last();
        Assert.Contains("Backend developer (.NET)", status, StringComparison.Ordinal);
        Assert.DoesNotContain("No resumes seen yet", status, StringComparison.Ordinal);
        app.AssertNoSecretLeaked();
    }

    [Theory]
    [InlineData("/code hello world", "does not look like")]
    [InlineData("/code https://hh.ru/?state=abc", "no &#39;code&#39; parameter")]
    [InlineData("/code https://hh.ru/?error=access_denied", "declined access")]
    public async Task BotCode_BadPaste_ClearAnswerMessageDeletedNothingStored(string text, string expected)
    {
        using var app = App();

        await app.SendOwnerMessageAsync(text);

        var reply = Assert.Single(app.SentTexts());
        Assert.StartsWith("⛔", reply, StringComparison.Ordinal);
        Assert.Contains(expected, reply, StringComparison.Ordinal);
        Assert.Single(app.Telegram.DeletedMessages);
        Assert.Null(await app.StoredPairAsync());
        Assert.Equal(AccountStatus.NotConnected, (await app.AccountAsync()).Status);
    }

    [Fact]
    public async Task BotCode_CodeOfAnotherApplication_RefusedWithTheReasons()
    {
        using var app = App();
        var foreign = app.Hh.IssueCode(Registered, FakeHhApi.OtherClientId);

        await app.SendOwnerMessageAsync("/code " + foreign);

        var reply = Assert.Single(app.SentTexts());
        Assert.Contains("hh.ru rejected the authorization code", reply, StringComparison.Ordinal);
        Assert.Contains("issued to", reply, StringComparison.Ordinal);
        Assert.Null(await app.StoredPairAsync());
    }

    [Fact]
    public async Task BotCode_WithoutArgument_ExplainsAndDeletesNothing()
    {
        using var app = App();

        await app.SendOwnerMessageAsync("/code");

        Assert.Contains("/code", Assert.Single(app.SentTexts()), StringComparison.Ordinal);
        Assert.Empty(app.Telegram.DeletedMessages);
    }

    [Fact]
    public void Help_ListsCodeAndTokens()
    {
        using var app = App();

        Assert.Contains("/tokens", app.Services.GetRequiredService<BotCommands>().HelpText, StringComparison.Ordinal);
    }
}
