using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace HhFunctions.Testing;

/// <summary>
/// A fake Telegram Bot API at the HTTP boundary: answers POST /bot{token}/{method} like Telegram does
/// ({"ok":true,"result":…} or {"ok":false,"error_code":…,"description":…}) and records every sent message.
/// </summary>
public sealed class FakeTelegramApi
{
    public const string BotToken = "123456789:AAFakeBotTokenForTestsOnly_abcdefghij";
    public const string ChatId = "424242";

    private int _messageId;

    public Uri ApiBase { get; } = new("https://api.telegram.org/");

    public ConcurrentQueue<SentMessage> Messages { get; } = new();

    public ConcurrentQueue<(string Method, JsonElement Body)> Calls { get; } = new();

    /// <summary>When set, every call fails this way (Telegram down, slow, ...).</summary>
    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? Outage { get; set; }

    public async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (Outage is not null)
        {
            return await Outage(request, ct);
        }

        var segments = request.RequestUri!.AbsolutePath.Trim('/').Split('/');
        if (segments.Length != 2 || !segments[0].StartsWith("bot", StringComparison.Ordinal))
        {
            return Error(HttpStatusCode.NotFound, "Not Found");
        }

        if (segments[0] != "bot" + BotToken)
        {
            return Error(HttpStatusCode.Unauthorized, "Unauthorized");
        }

        var json = request.Content is null ? "{}" : await request.Content.ReadAsStringAsync(ct);
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        var body = doc.RootElement.Clone();
        Calls.Enqueue((segments[1], body));
        switch (segments[1])
        {
            case "sendMessage":
                var chat = body.TryGetProperty("chat_id", out var c) ? c.ToString() : null;
                if (chat != ChatId)
                {
                    return Error(HttpStatusCode.BadRequest, "Bad Request: chat not found");
                }

                var text = body.GetProperty("text").GetString() ?? string.Empty;
                var parseMode = body.TryGetProperty("parse_mode", out var pm) ? pm.GetString() : null;
                if (text.Length > 4096)
                {
                    return Error(HttpStatusCode.BadRequest, "Bad Request: message is too long");
                }

                Messages.Enqueue(new SentMessage(chat, text, parseMode));
                var id = Interlocked.Increment(ref _messageId);
                return Ok($$"""{"message_id":{{id}},"date":1700000000,"chat":{"id":{{chat}},"type":"private"},"text":{{JsonSerializer.Serialize(text)}}}""");
            default:
                return Ok("true");
        }
    }

    public static HttpResponseMessage Ok(string resultJson) => new(HttpStatusCode.OK)
    {
        Content = new StringContent($$"""{"ok":true,"result":{{resultJson}}}""", Encoding.UTF8, "application/json"),
    };

    public static HttpResponseMessage Error(HttpStatusCode status, string description) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(new { ok = false, error_code = (int)status, description }), Encoding.UTF8, "application/json"),
    };
}

public sealed record SentMessage(string? ChatId, string Text, string? ParseMode);
