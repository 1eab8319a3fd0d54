using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HhFunctions.HeadHunter;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tokens;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>The ways in as an owner uses them: the status page's forms, the bot's /code and /tokens, hh.ru's authorize page.</summary>
public static partial class AccessTestExtensions
{
    /// <summary>GETs the status page and returns the antiforgery value of its forms.</summary>
    public static async Task<string> FormTokenAsync(this AppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var client = app.CreateClient();
        var html = await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));
        return AntiforgeryValue().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("The status page has no form.");
    }

    /// <summary>POSTs a status-page form (with a fresh antiforgery value unless one is given) and returns status and body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> PostStatusFormAsync(this AppFactory app, IDictionary<string, string> fields, string? antiforgery = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(fields);
        var all = new Dictionary<string, string>(fields) { ["af"] = antiforgery ?? await app.FormTokenAsync() };
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var content = new FormUrlEncodedContent(all);
        using var response = await client.PostAsync(new Uri("/api/status", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static Task<(HttpStatusCode Status, string Body)> PasteCodeAsync(this AppFactory app, string pasted) =>
        app.PostStatusFormAsync(new Dictionary<string, string> { ["form"] = "code", ["pasted"] = pasted });

    public static Task<(HttpStatusCode Status, string Body)> ImportPairAsync(this AppFactory app, string access, string refresh, string? expires = null) =>
        app.PostStatusFormAsync(new Dictionary<string, string> { ["form"] = "tokens", ["access"] = access, ["refresh"] = refresh, ["expires"] = expires ?? string.Empty });

    /// <summary>Starts the authorization in the app and "allows access" on the fake hh.ru: the address hh.ru redirects to.</summary>
    public static async Task<Uri> AuthorizeAsync(this AppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await client.GetAsync(new Uri("/api/oauth/start", UriKind.Relative));
        return app.Hh.Authorize(response.Headers.Location!);
    }

    /// <summary>Sends a text message through the webhook and returns the message id Telegram gave it.</summary>
    public static async Task<int> SendOwnerMessageAsync(this AppFactory app, string text)
    {
        ArgumentNullException.ThrowIfNull(app);
        var json = FakeTelegramApi.TextUpdate(Interlocked.Increment(ref _updateId), text);
        using (var response = await app.PostWebhookAsync(json))
        {
            response.EnsureSuccessStatusCode();
        }

        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("message").GetProperty("message_id").GetInt32();
    }

    public static Task<TokenSet?> StoredPairAsync(this AppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<ITokenVault>().ReadAsync(CancellationToken.None);
    }

    public static Task<AccountState> AccountAsync(this AppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.State().GetAccountAsync(CancellationToken.None);
    }

    private static int _updateId = 70_000;

    [GeneratedRegex("name=\"af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryValue();
}
