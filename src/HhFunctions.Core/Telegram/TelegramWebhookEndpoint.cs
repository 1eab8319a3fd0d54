using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HhFunctions.Telegram;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

using Microsoft.AspNetCore.Http;
using HhFunctions.Web;

namespace HhFunctions.Telegram;

/// <summary>
/// POST /api/telegram/webhook (anonymous: Telegram calls it; setWebhook's secret_token authenticates it).
/// Every call with the right secret gets 200, whatever it holds: Telegram retries anything else, and a bad
/// update retried forever helps no one. The secret header is compared in constant time and never echoed.
/// </summary>
public sealed partial class TelegramWebhookEndpoint(BotCommands commands, IOptions<TelegramOptions> options, ILogger<TelegramWebhookEndpoint> logger)
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var secret = options.Value.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            Log.NoSecretConfigured(logger);
            return Text(403, "Webhook disabled.");
        }

        var given = request.Headers.TryGetValue(SecretHeader, out var values) ? values.ToString() : null;
        if (!SecretMatches(given, secret))
        {
            Log.BadSecret(logger, given is null ? "missing" : "wrong");
            return Text(401, "Unauthorized.");
        }

        var body = await HttpEndpoints.ReadBodyAsync(request, ct);
        Update? update;
        try
        {
            update = string.IsNullOrWhiteSpace(body) ? null : JsonSerializer.Deserialize<Update>(body, JsonBotAPI.Options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException)
        {
            Log.BadPayload(logger, ex.GetType().Name, (ex as JsonException)?.Path);
            return Text(200, "Ignored.");
        }

        if (update is null)
        {
            Log.EmptyPayload(logger);
            return Text(200, "Ignored.");
        }

        try
        {
            var outcome = await commands.HandleAsync(update, ct);
            return Text(200, outcome == BotUpdateOutcome.Handled ? "OK." : "Ignored.");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Telegram retries non-2xx answers: an update that breaks us must not come back forever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.UpdateFailed(logger, ex, update.Id);
            return Text(200, "Ignored.");
        }
    }

    /// <summary>Constant-time comparison; hashing first hides the length too.</summary>
    public static bool SecretMatches(string? given, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (given is null)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(given), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    private static IResult Text(int status, string body) => HttpEndpoints.Text(status, body);

    private static partial class Log
    {
        [LoggerMessage(2201, LogLevel.Warning, "Telegram webhook called but Telegram__WebhookSecret is not set: refused. Set it and pass the same value as secret_token to setWebhook.")]
        public static partial void NoSecretConfigured(ILogger logger);

        [LoggerMessage(2202, LogLevel.Warning, "Telegram webhook refused: the " + SecretHeader + " header is {Problem}.")]
        public static partial void BadSecret(ILogger logger, string problem);

        [LoggerMessage(2203, LogLevel.Warning, "Telegram webhook: the body is not a Telegram update ({Error} at {JsonPath}); ignored.")]
        public static partial void BadPayload(ILogger logger, string error, string? jsonPath);

        [LoggerMessage(2204, LogLevel.Warning, "Telegram webhook: empty update; ignored.")]
        public static partial void EmptyPayload(ILogger logger);

        [LoggerMessage(2205, LogLevel.Error, "Telegram webhook: update {UpdateId} failed; answered 200 so Telegram does not retry it.")]
        public static partial void UpdateFailed(ILogger logger, Exception exception, int updateId);
    }
}
