using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace HhFunctions.Testing;

/// <summary>
/// A fake Telegram Bot API at the HTTP boundary: answers POST /bot{token}/{method} like Telegram does
/// ({"ok":true,"result":…} or {"ok":false,"error_code":…,"description":…}) and records every sent message.
/// getUpdates serves a queue of incoming updates with Telegram's offset rule (an offset confirms every
/// update below it) and holds a long poll until an update arrives or <see cref="LongPollHold"/> passes.
/// </summary>
public sealed class FakeTelegramApi
{
    public const string BotToken = "123456789:AAFakeBotTokenForTestsOnly_abcdefghij";
    public const string ChatId = "424242";
    public const string WebhookSecret = "fake-webhook-secret_DO-NOT-LOG_0123456789";

    /// <summary>A chat that is not the owner's.</summary>
    public const long StrangerChatId = 777001;

    private readonly Lock _updatesGate = new();
    private readonly List<(int Id, string Json)> _pending = [];
    private readonly ConcurrentQueue<(string Method, Func<HttpResponseMessage> Response)> _faults = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _messageId;
    private int _updateId = 100_000;
    private int _getUpdatesCalls;

    public Uri ApiBase { get; } = new("https://api.telegram.org/");

    public ConcurrentQueue<SentMessage> Messages { get; } = new();

    /// <summary>Messages the bot deleted (deleteMessage), as (chat id, message id).</summary>
    public ConcurrentQueue<(string ChatId, int MessageId)> DeletedMessages { get; } = new();

    public ConcurrentQueue<(string Method, JsonElement Body)> Calls { get; } = new();

    /// <summary>When set, every call fails this way (Telegram down, slow, ...).</summary>
    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? Outage { get; set; }

    /// <summary>
    /// getUpdates calls answered before the fake refuses with 429 (no retry_after): a poller stuck in a loop
    /// then pauses on the fake clock instead of spinning until the machine runs out of memory.
    /// </summary>
    public int MaxGetUpdatesCalls { get; set; } = 500;

    /// <summary>Real time a long poll is held when no update is waiting (kept short so tests stay quick).</summary>
    public TimeSpan LongPollHold { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Every value a leak check must never find in logs, pages or messages.</summary>
    public static IReadOnlyCollection<string> Secrets { get; } = [BotToken, BotToken.Split(':')[1], WebhookSecret];

    /// <summary>Updates still waiting for a getUpdates offset that confirms them.</summary>
    public int PendingUpdates
    {
        get
        {
            lock (_updatesGate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The offsets getUpdates was called with, in order (null: none given).</summary>
    public IReadOnlyList<int?> GetUpdatesOffsets =>
        Calls.Where(c => c.Method == "getUpdates")
            .Select(c => c.Body.TryGetProperty("offset", out var o) && o.ValueKind == JsonValueKind.Number ? o.GetInt32() : (int?)null)
            .ToList();

    /// <summary>The next call of <paramref name="method"/> gets this response instead.</summary>
    public void Fail(string method, Func<HttpResponseMessage> response, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue((method, response));
        }
    }

    /// <summary>Queues an incoming update for getUpdates; <paramref name="json"/> gets the update id. Returns the id.</summary>
    public int EnqueueUpdate(Func<int, string> json)
    {
        ArgumentNullException.ThrowIfNull(json);
        TaskCompletionSource arrived;
        int id;
        lock (_updatesGate)
        {
            id = ++_updateId;
            _pending.Add((id, json(id)));
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
        return id;
    }

    /// <summary>Queues a text message from <paramref name="chatId"/> (the owner's chat by default).</summary>
    public int EnqueueText(string text, long? chatId = null) =>
        EnqueueUpdate(id => TextUpdate(id, text, chatId));

    /// <summary>A private-chat text message update as Telegram sends it (commands carry a bot_command entity).</summary>
    public static string TextUpdate(int updateId, string text, long? chatId = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chat = chatId ?? long.Parse(ChatId, System.Globalization.CultureInfo.InvariantCulture);
        var entities = text.StartsWith('/')
            ? new[] { new { offset = 0, length = text.Split(' ')[0].Length, type = "bot_command" } }
            : null;
        return JsonSerializer.Serialize(new
        {
            update_id = updateId,
            message = new
            {
                message_id = 1000 + updateId % 1000,
                from = new { id = chat, is_bot = false, first_name = "Ivan", last_name = "Petrov", username = "ivan_petrov", language_code = "ru" },
                chat = new { id = chat, first_name = "Ivan", last_name = "Petrov", username = "ivan_petrov", type = "private" },
                date = 1772438430,
                text,
                entities,
            },
        }, UpdateJson);
    }

    private static readonly JsonSerializerOptions UpdateJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

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
        if (_faults.TryPeek(out var fault) && fault.Method == segments[1] && _faults.TryDequeue(out fault))
        {
            return fault.Response();
        }

        switch (segments[1])
        {
            case "getUpdates":
                return Interlocked.Increment(ref _getUpdatesCalls) > MaxGetUpdatesCalls
                    ? Error(HttpStatusCode.TooManyRequests, "Too Many Requests: the fake's getUpdates call limit was reached (a polling loop?)")
                    : await GetUpdatesAsync(body, ct);
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

                var markup = body.TryGetProperty("reply_markup", out var rm) ? rm.GetRawText() : null;
                Messages.Enqueue(new SentMessage(chat, text, parseMode, markup));
                var id = Interlocked.Increment(ref _messageId);
                return Ok($$"""{"message_id":{{id}},"date":1700000000,"chat":{"id":{{chat}},"type":"private"},"text":{{JsonSerializer.Serialize(text)}}}""");
            case "deleteMessage":
                var deleteChat = body.TryGetProperty("chat_id", out var dc) ? dc.ToString() : null;
                if (deleteChat != ChatId || !body.TryGetProperty("message_id", out var mid) || mid.ValueKind != JsonValueKind.Number)
                {
                    return Error(HttpStatusCode.BadRequest, "Bad Request: message to delete not found");
                }

                DeletedMessages.Enqueue((deleteChat, mid.GetInt32()));
                return Ok("true");
            case "answerCallbackQuery":
                if (!body.TryGetProperty("callback_query_id", out var cq) || cq.ValueKind != JsonValueKind.String)
                {
                    return Error(HttpStatusCode.BadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid");
                }

                AnsweredCallbacks.Enqueue(cq.GetString()!);
                return Ok("true");
            default:
                return Ok("true");
        }
    }

    /// <summary>Callback query ids the bot answered (answerCallbackQuery).</summary>
    public ConcurrentQueue<string> AnsweredCallbacks { get; } = new();

    /// <summary>A tap on an inline button under a bot message in <paramref name="chatId"/> (the owner's by default).</summary>
    public static string CallbackUpdate(int updateId, string data, long? chatId = null)
    {
        var chat = chatId ?? long.Parse(ChatId, System.Globalization.CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(new
        {
            update_id = updateId,
            callback_query = new
            {
                id = "cbq-" + updateId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                from = new { id = chat, is_bot = false, first_name = "Ivan" },
                message = new
                {
                    message_id = 77,
                    date = 1772438430,
                    chat = new { id = chat, type = "private", first_name = "Ivan" },
                    text = "✉️ Apply?",
                },
                chat_instance = "ci-1",
                data,
            },
        });
    }

    private async Task<HttpResponseMessage> GetUpdatesAsync(JsonElement body, CancellationToken ct)
    {
        var offset = body.TryGetProperty("offset", out var o) && o.ValueKind == JsonValueKind.Number ? o.GetInt32() : (int?)null;
        var limit = body.TryGetProperty("limit", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : 100;
        var timeout = body.TryGetProperty("timeout", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 0;
        Task arrived;
        lock (_updatesGate)
        {
            if (offset is { } confirmed)
            {
                _pending.RemoveAll(u => u.Id < confirmed);
            }

            arrived = _arrived.Task;
            if (_pending.Count > 0)
            {
                return Ok("[" + string.Join(",", _pending.Take(limit).Select(u => u.Json)) + "]");
            }
        }

        if (timeout > 0)
        {
            var hold = TimeSpan.FromSeconds(timeout) < LongPollHold ? TimeSpan.FromSeconds(timeout) : LongPollHold;
            await Task.WhenAny(arrived, Task.Delay(hold, ct));
            ct.ThrowIfCancellationRequested();
        }

        lock (_updatesGate)
        {
            return Ok("[" + string.Join(",", _pending.Take(limit).Select(u => u.Json)) + "]");
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

/// <param name="ReplyMarkup">The reply_markup JSON (inline buttons), when the message had one.</param>
public sealed record SentMessage(string? ChatId, string Text, string? ParseMode, string? ReplyMarkup = null);
