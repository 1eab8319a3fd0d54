using System.Net;
using HhFunctions.OAuth;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.OAuth;

/// <summary>
/// Importing a pair the owner already has: the status-page form, /tokens, and HeadHunter__AccessToken /
/// HeadHunter__RefreshToken at start. One path: checked with GET /me, refreshed at once when expired, stored under
/// the refresh lock; bad pairs get a clear answer and leave the stored pair alone.
/// </summary>
public sealed class TokenImportTests
{
    [Fact]
    public async Task StatusForm_LivePair_StoredWithUnknownExpiryAndUsedUntilHhSaysExpired()
    {
        using var app = new AppFactory();
        app.Hh.AddResume("r1", "Backend developer (.NET)");
        var (access, refresh, _) = app.Hh.SeedTokens();

        var (status, body) = await app.ImportPairAsync(access, refresh);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Token pair imported", body, StringComparison.Ordinal);
        Assert.Contains("expiry is unknown", body, StringComparison.Ordinal);
        var stored = await app.StoredPairAsync();
        Assert.Equal((access, refresh), (stored!.AccessToken, stored.RefreshToken));
        Assert.False(stored.ExpiryKnown);
        var account = await app.AccountAsync();
        Assert.Equal(AccountStatus.Connected, account.Status);
        Assert.Null(account.TokenExpiresAt);
        Assert.Equal("Backend developer (.NET)", Assert.Single(await app.State().GetResumesAsync(default)).Title);
        Assert.Equal(0, app.Hh.RefreshCalls);
        app.AssertNoSecretLeaked();

        // 15 days later hh.ru says token_expired: the pair is refreshed then, once, and the run goes on.
        app.Time.Advance(TimeSpan.FromDays(15));
        var summary = await app.InvokeTimerAsync();

        Assert.Contains("1 raised", summary, StringComparison.Ordinal);
        Assert.Equal(1, app.Hh.SuccessfulRefreshes);
        var rotated = await app.StoredPairAsync();
        Assert.NotEqual(refresh, rotated!.RefreshToken);
        Assert.True(rotated.ExpiryKnown);
    }

    [Fact]
    public async Task StatusForm_ExpiredAccessToken_RefreshedAtOnceAndTheNewPairStored()
    {
        using var app = new AppFactory();
        var (access, refresh, _) = app.Hh.SeedTokens(TimeSpan.FromHours(1));
        app.Time.Advance(TimeSpan.FromHours(2));

        var (status, body) = await app.ImportPairAsync(access, refresh);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Connected", body, StringComparison.Ordinal);
        Assert.Equal(1, app.Hh.SuccessfulRefreshes);
        var stored = await app.StoredPairAsync();
        Assert.NotEqual(refresh, stored!.RefreshToken);
        Assert.Contains(stored.RefreshToken, app.Hh.LiveRefreshTokens);
        Assert.Equal(app.Time.GetUtcNow() + FakeHhApi.AccessLifetime, stored.ExpiresAt);
    }

    [Fact]
    public async Task StatusForm_KnownExpiry_StoredAsGiven()
    {
        using var app = new AppFactory();
        var (access, refresh, expires) = app.Hh.SeedTokens();

        var (status, _) = await app.ImportPairAsync(access, refresh, expires.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expires, (await app.StoredPairAsync())!.ExpiresAt);
        Assert.Equal(expires, (await app.AccountAsync()).TokenExpiresAt);
    }

    public static TheoryData<string, string> BadPairs() => new()
    {
        { "swapped", "swapped" },
        { "spaces", "space or a line break" },
        { "same", "same value" },
        { "rotated", "already used" },
        { "revoked", "revoked" },
        { "unknown", "does not recognise" },
        { "huge", "characters long" },
    };

    [Theory]
    [MemberData(nameof(BadPairs))]
    public async Task StatusForm_BadPair_ClearMessageAndTheStoredPairUnchanged(string kind, string expected)
    {
        using var app = new AppFactory();
        var connected = await app.ConnectAsync();
        var (access, refresh, _) = app.Hh.SeedTokens(TimeSpan.FromHours(1));
        (string A, string R) pair = kind switch
        {
            "swapped" => (refresh, access),
            "spaces" => (access[..10] + " " + access[10..], refresh),
            "same" => (access, access),
            "unknown" => ("AT0-" + new string('x', 32), "RT0-" + new string('y', 32)),
            "huge" => (new string('A', 10_000), refresh),
            _ => (access, refresh),
        };
        if (kind == "rotated")
        {
            app.Time.Advance(TimeSpan.FromHours(2));
            app.Hh.RotateElsewhere(refresh);
        }
        else if (kind == "revoked")
        {
            app.Hh.RevokeAll();
        }

        var (status, body) = await app.ImportPairAsync(pair.A, pair.R);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body, StringComparison.Ordinal);
        Assert.Equal(connected, await app.StoredPairAsync());
        Assert.Equal(connected.Fingerprint, (await app.AccountAsync()).TokenFingerprint);
        Assert.DoesNotContain(app.Telegram.Messages, m => m.Text.Contains("imported", StringComparison.Ordinal));
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task StatusForm_WhileTheTokenLockIsHeld_RefusedAsBusy()
    {
        using var app = new AppFactory();
        var connected = await app.ConnectAsync();
        var (access, refresh, _) = app.Hh.SeedTokens();
        var token = await app.FormTokenAsync();
        await using (await app.Services.GetRequiredService<IDistributedLock>().TryAcquireAsync(TokenManager.RefreshLockName, TimeSpan.FromMinutes(5), TimeSpan.Zero, default))
        {
            var (status, body) = await app.PostStatusFormAsync(new Dictionary<string, string> { ["form"] = "tokens", ["access"] = access, ["refresh"] = refresh }, token);

            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains("in progress", body, StringComparison.Ordinal);
        }

        Assert.Equal(connected, await app.StoredPairAsync());
        Assert.DoesNotContain(app.Hh.Requests, r => r.Uri.AbsolutePath == "/me");
    }

    [Fact]
    public async Task BotTokens_LivePair_ImportedAndTheMessageDeleted()
    {
        using var app = new AppFactory();
        var (access, refresh, _) = app.Hh.SeedTokens();

        var messageId = await app.SendOwnerMessageAsync($"/tokens {access} {refresh}");

        Assert.Equal((FakeTelegramApi.ChatId, messageId), Assert.Single(app.Telegram.DeletedMessages));
        Assert.Equal(refresh, (await app.StoredPairAsync())!.RefreshToken);
        var texts = app.SentTexts();
        Assert.Contains(texts, t => t.StartsWith("✅ <b>Token pair imported</b>", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("was deleted from this chat", StringComparison.Ordinal));
        app.AssertNoSecretLeaked();
    }

    [Theory]
    [InlineData("three", "exactly two values")]
    [InlineData("swapped", "swapped")]
    public async Task BotTokens_BadPair_RefusedMessageDeletedNothingStored(string kind, string expected)
    {
        using var app = new AppFactory();
        var (access, refresh, _) = app.Hh.SeedTokens();
        var text = kind == "three" ? $"/tokens {access[..8]} {access[8..]}\n{refresh}" : $"/tokens {refresh} {access}";

        await app.SendOwnerMessageAsync(text);

        var reply = Assert.Single(app.SentTexts());
        Assert.Contains(expected, reply, StringComparison.Ordinal);
        Assert.Single(app.Telegram.DeletedMessages);
        Assert.Null(await app.StoredPairAsync());
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task BotTokens_DeletionRefused_TellsTheOwnerToDeleteIt()
    {
        using var app = new AppFactory();
        var (access, refresh, _) = app.Hh.SeedTokens();
        app.Telegram.Fail("deleteMessage", () => FakeTelegramApi.Error(HttpStatusCode.BadRequest, "Bad Request: message can't be deleted"));

        await app.SendOwnerMessageAsync($"/tokens {access} {refresh}");

        Assert.Contains(app.SentTexts(), t => t.Contains("could not be deleted", StringComparison.Ordinal));
        Assert.NotNull(await app.StoredPairAsync());
    }

    private static Dictionary<string, string?> ImportSettings(string access, string refresh) => new()
    {
        ["HeadHunter:AccessToken"] = access,
        ["HeadHunter:RefreshToken"] = refresh,
    };

    [Fact]
    public async Task Settings_NoPairStored_ImportedAtStartAndStatusPageSaysTheyCanBeRemoved()
    {
        using var seed = new AppFactory();
        var (access, refresh, _) = seed.Hh.SeedTokens();
        using var app = seed.Sibling(ImportSettings(access, refresh));

        await app.Services.GetRequiredService<SettingsImport>().ExecuteTask!;

        Assert.Equal(refresh, (await app.StoredPairAsync())!.RefreshToken);
        Assert.Equal(AccountStatus.Connected, (await app.AccountAsync()).Status);
        using var client = app.CreateClient();
        var html = await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));
        Assert.Contains("was imported; the settings are no longer read and can be removed", html, StringComparison.Ordinal);
        Assert.DoesNotContain(access, html, StringComparison.Ordinal);
        app.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task Settings_AfterRotation_RestartDoesNotOverwriteTheNewerPair()
    {
        using var seed = new AppFactory();
        var (access, refresh, _) = seed.Hh.SeedTokens(TimeSpan.FromHours(1));
        using (var first = seed.Sibling(ImportSettings(access, refresh)))
        {
            await first.Services.GetRequiredService<SettingsImport>().ExecuteTask!;
            seed.Time.Advance(TimeSpan.FromHours(2));
            await first.InvokeTimerAsync(); // token_expired → rotated and saved
        }

        var rotated = (await seed.StoredPairAsync())!;
        Assert.NotEqual(refresh, rotated.RefreshToken);

        using var restarted = seed.Sibling(ImportSettings(access, refresh));
        await restarted.Services.GetRequiredService<SettingsImport>().ExecuteTask!;

        Assert.Equal(rotated, await restarted.StoredPairAsync());
        Assert.Contains(rotated.RefreshToken, seed.Hh.LiveRefreshTokens);
    }

    [Fact]
    public async Task Settings_PairStoredAlready_NotImportedAndStatusPageSaysWhy()
    {
        using var seed = new AppFactory();
        var connected = await seed.ConnectAsync();
        var (access, refresh, _) = seed.Hh.SeedTokens();
        using var app = seed.Sibling(ImportSettings(access, refresh));

        await app.Services.GetRequiredService<SettingsImport>().ExecuteTask!;

        Assert.Equal(connected, await app.StoredPairAsync());
        using var client = app.CreateClient();
        var html = await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));
        Assert.Contains("were not imported: a pair is already stored", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_DeadPair_RefusedToldOnceNotRetriedAtTheNextStart()
    {
        using var seed = new AppFactory();
        var (access, refresh, _) = seed.Hh.SeedTokens();
        seed.Hh.RevokeAll();
        using (var app = seed.Sibling(ImportSettings(access, refresh)))
        {
            await app.Services.GetRequiredService<SettingsImport>().ExecuteTask!;
            using var client = app.CreateClient();
            var html = await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));
            Assert.Contains("was refused", html, StringComparison.Ordinal);
        }

        var meCalls = seed.Hh.Requests.Count(r => r.Uri.AbsolutePath == "/me");
        using (var again = seed.Sibling(ImportSettings(access, refresh)))
        {
            await again.Services.GetRequiredService<SettingsImport>().ExecuteTask!;
        }

        Assert.Null(await seed.StoredPairAsync());
        Assert.Equal(meCalls, seed.Hh.Requests.Count(r => r.Uri.AbsolutePath == "/me"));
        Assert.Single(seed.Telegram.Messages, m => m.Text.Contains("Token pair in settings not imported", StringComparison.Ordinal));
    }
}
