using System.Net;
using System.Text.RegularExpressions;
using System.Web;
using HhFunctions.HeadHunter;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tokens;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Tokens;

/// <summary>
/// A whole token lifecycle through the app (connect, proactive refresh, token_expired refresh, revocation,
/// reconnect attempts) with every log record, page and Telegram message kept: none may carry a secret.
/// </summary>
public sealed partial class SecretLeakScenarioTests : IDisposable
{
    private readonly AppFactory _app = new();
    private readonly HttpClient _client;
    private readonly List<string> _pages = [];

    public SecretLeakScenarioTests() => _client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task FullLifecycle_LogsPagesAndTelegram_NeverContainASecret()
    {
        // Arrange
        using var telemetry = new Observability.TelemetryCapture(); // every metric tag and span attribute, scanned below too
        _app.Hh.AddResume("r1", "Backend developer");
        var tokens = _app.Services.GetRequiredService<TokenManager>();
        var hh = _app.Services.GetRequiredService<HhClient>();
        var vault = _app.Services.GetRequiredService<ITokenVault>();
        var used = new HashSet<string>();
        Task<IReadOnlyList<HhFunctions.HeadHunter.Models.HhResume>> ListResumes() => _app.Time.RunAsync(tokens.WithAccessTokenAsync((t, c) =>
        {
            used.Add(t);
            return hh.GetMyResumesAsync(t, c);
        }, CancellationToken.None));

        // Act 1: connect
        var state = await StartAsync("/api/oauth/start");
        Assert.Equal(HttpStatusCode.OK, await PageAsync($"/api/oauth/callback?state={Uri.EscapeDataString(state)}&code={Uri.EscapeDataString(_app.Hh.IssueCode(_app.RedirectUri.AbsoluteUri))}"));
        await PageAsync("/api/status");
        await ListResumes();

        // Act 2: proactive refresh once the stored expiry has passed
        _app.Time.Advance(TimeSpan.FromDays(15));
        await ListResumes();
        await _app.Time.RunAsync(tokens.WithAccessTokenAsync((t, c) => hh.PublishAsync(t, "r1", c), CancellationToken.None));
        Assert.Equal(1, _app.Hh.SuccessfulRefreshes);

        // Act 3: hh.ru expires the token before the stored expiry -> token_expired -> refresh -> retry
        var stored = (await vault.ReadAsync(CancellationToken.None))!;
        await vault.WriteAsync(stored with { ExpiresAt = stored.ExpiresAt.AddDays(2) }, CancellationToken.None);
        _app.Time.Advance(FakeHhApi.AccessLifetime + TimeSpan.FromHours(1));
        await ListResumes();
        Assert.Equal(2, _app.Hh.SuccessfulRefreshes);

        // Act 4: the user revokes access -> reconnect needed, Telegram link
        _app.Hh.RevokeAll();
        var revoked = await Assert.ThrowsAsync<TokenUnavailableException>(ListResumes);
        Assert.Equal(TokenProblem.ReconnectRequired, revoked.Problem);
        await PageAsync("/api/status");

        // Act 5: the owner follows the Telegram link, but hands in a used code, then retries the link
        var link = ReconnectLink();
        var state2 = await StartAsync(link.PathAndQuery);
        await PageAsync($"/api/oauth/callback?state={Uri.EscapeDataString(state2)}&code={Uri.EscapeDataString(_app.Hh.Secrets.First(s => s.StartsWith("code-", StringComparison.Ordinal)))}");
        await PageAsync(link.PathAndQuery);

        // Assert: the scenario really went through the secrets (so the checks below can fail)
        var secrets = _app.Hh.Secrets.Concat([FakeHhApi.ClientSecret, FakeTelegramApi.BotToken]).Distinct().ToList();
        Assert.True(used.Count >= 3, "three different access tokens were used");
        Assert.All(used, t => Assert.Contains(t, secrets));
        Assert.Contains(secrets, s => s.StartsWith("RT", StringComparison.Ordinal));

        // Assert: nothing shown or written anywhere carries one
        var logs = _app.Logs.GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.Contains(logs, r => r.Id.Id == 1004); // "rotated and saved"
        Assert.Contains(logs, r => r.Id.Id == 1007); // "needs to be reconnected"
        var texts = new List<(string Where, string Text)>();
        foreach (var r in logs)
        {
            texts.Add(($"log {r.Category}/{r.Id}", r.Message));
            texts.Add(($"log state {r.Category}/{r.Id}", string.Join("|", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])));
            texts.Add(($"log scopes {r.Category}/{r.Id}", string.Join("|", r.Scopes.Select(s => s?.ToString()))));
            if (r.Exception is not null)
            {
                texts.Add(($"log exception {r.Category}/{r.Id}", r.Exception.ToString()));
            }
        }

        texts.AddRange(_pages.Select(p => ("page", p)));
        Assert.NotEmpty(telemetry.Spans); // the hh.ru calls above were traced
        texts.AddRange(telemetry.Texts().Select(t => ("telemetry", t)));
        Assert.True(_app.Telegram.Messages.Count >= 2, "connected and reconnect messages were sent");
        texts.AddRange(_app.Telegram.Messages.Select(m => ("telegram", m.Text)));
        texts.AddRange(_app.Telegram.Calls.Select(c => ("telegram call " + c.Method, c.Body.ToString())));
        texts.AddRange(Directory.EnumerateFiles(_app.DataPath, "*", SearchOption.AllDirectories).Select(f => ("file " + Path.GetRelativePath(_app.DataPath, f), File.ReadAllText(f))));
        var leaks = secrets.SelectMany(secret => texts.Where(t => t.Text.Contains(secret, StringComparison.Ordinal)).Select(t => t.Where)).ToList();
        Reliability.ReliabilityLedger.Record(Reliability.LedgerKind.Secrets, "no secret in logs, pages, Telegram, data files or telemetry tags of a full scenario", leaks.Count == 0, 0,
            $"{secrets.Count} secrets checked against {texts.Count} texts; leaks: {string.Join(", ", leaks.Distinct())}");
        foreach (var secret in secrets)
        {
            foreach (var (where, text) in texts)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} contains the secret {secret[..Math.Min(6, secret.Length)]}…: {Shorten(text)}");
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private async Task<string> StartAsync(string relative)
    {
        using var response = await _client.GetAsync(new Uri(relative, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        _pages.Add(await response.Content.ReadAsStringAsync());
        _pages.Add(response.Headers.Location!.AbsoluteUri);
        return HttpUtility.ParseQueryString(response.Headers.Location.Query)["state"]!;
    }

    private async Task<HttpStatusCode> PageAsync(string relative)
    {
        using var response = await _client.GetAsync(new Uri(relative, UriKind.Relative));
        _pages.Add(await response.Content.ReadAsStringAsync());
        return response.StatusCode;
    }

    private Uri ReconnectLink()
    {
        var message = _app.Telegram.Messages.Last(m => m.Text.Contains("reconnect", StringComparison.OrdinalIgnoreCase)).Text;
        var match = LinkPattern().Match(message);
        Assert.True(match.Success, "no reconnect link in: " + message);
        return new Uri(WebUtility.HtmlDecode(match.Groups[1].Value));
    }

    [GeneratedRegex("href=\"([^\"]+/api/oauth/link\\?t=[^\"]+)\"")]
    private static partial Regex LinkPattern();
}
