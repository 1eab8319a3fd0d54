using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Bitrix24;

/// <summary>
/// The portal's incoming webhook over a typed HttpClient whose base address is Bitrix24__WebhookUrl
/// (../shared/bitrix24-api.md). Each call is a JSON POST to <c>{webhook}{method}</c> that first waits its turn on
/// <see cref="IBitrix24RateGate"/>. Only <c>503 QUERY_LIMIT_EXCEEDED</c> is retried, with a growing back-off on
/// <see cref="TimeProvider"/> (no jitter: there is one writer per portal, so nothing to spread); every other failure
/// becomes a <see cref="Bitrix24Exception"/> of the kind its HTTP status and code say. A method paused by
/// <c>429 OPERATION_TIME_LIMIT</c> fails at once, without a request, until its <c>operating_reset_at</c>.
/// Messages and logs name the method, the HTTP status and the portal's error code only: never the webhook address,
/// its secret, the portal's error text or a field value.
/// </summary>
public sealed partial class Bitrix24Client : IBitrix24Client
{
    /// <summary>Tries of one request refused with 503 QUERY_LIMIT_EXCEEDED, the first included.</summary>
    public const int MaxRateLimitedTries = 5;

    /// <summary>The wait before the first retry after a 503; each further retry waits twice as long (1, 2, 4, 8 s).</summary>
    public static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(1);

    /// <summary>How long a method is paused after a 429 that names no reset time and follows no known one.</summary>
    public static readonly TimeSpan DefaultTimeLimitPause = TimeSpan.FromMinutes(10);

    private const int MaxBatch = 50;

    private static readonly string UserAgent = "HhFunctions/" + (typeof(Bitrix24Client).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    private readonly HttpClient _http;
    private readonly Bitrix24Options _options;
    private readonly IBitrix24RateGate _gate;
    private readonly TimeProvider _time;
    private readonly ILogger<Bitrix24Client> _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastResetAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pausedUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _operating = new(StringComparer.Ordinal);
    private long _requestCount;

    public Bitrix24Client(HttpClient http, IOptions<Bitrix24Options> options, IBitrix24RateGate gate, TimeProvider time, ILogger<Bitrix24Client> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
        _gate = gate;
        _time = time;
        _logger = logger;
        if (IsConfigured && _http.BaseAddress is null)
        {
            _http.BaseAddress = WebhookBase(_options.WebhookUrl!);
        }
    }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(_options.WebhookUrl);

    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Bitrix24__WebhookUrl as the base address: always ending in '/', so a method name is appended to it.</summary>
    public static Uri WebhookBase(string webhookUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(webhookUrl);
        var trimmed = webhookUrl.Trim();
        return new Uri(trimmed.EndsWith('/') ? trimmed : trimmed + "/", UriKind.Absolute);
    }

    /// <summary>The last <c>time.operating</c> (seconds in the last 10 minutes) the portal reported for a method, for logs and the status page.</summary>
    public IReadOnlyDictionary<string, double> Operating => _operating;

    public async Task<JsonNode?> CallAsync(string method, JsonObject parameters, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var envelope = await SendAsync(method, parameters, ct);
        return envelope["result"];
    }

    public async Task<Bitrix24BatchResult> BatchAsync(IReadOnlyList<Bitrix24Command> commands, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.Count > MaxBatch)
        {
            throw new ArgumentException($"A Bitrix24 batch takes at most {MaxBatch} commands, not {commands.Count}.", nameof(commands));
        }

        var cmd = new JsonObject();
        foreach (var command in commands)
        {
            ArgumentNullException.ThrowIfNull(command);
            CheckMethod(command.Method);
            if (cmd.ContainsKey(command.Key))
            {
                throw new ArgumentException("Batch command keys must be unique.", nameof(commands));
            }

            cmd[command.Key] = Bitrix24Query.Command(command.Method, command.Parameters);
        }

        var envelope = await SendAsync("batch", new JsonObject { ["halt"] = 0, ["cmd"] = cmd }, ct);
        return ParseBatch(envelope["result"], commands.Select(c => c.Key).ToList());
    }

    /// <summary>A batch's <c>result</c>: its parts may be objects by key or, when empty (or keyed 0..n-1), JSON arrays.</summary>
    public static Bitrix24BatchResult ParseBatch(JsonNode? result, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var results = Part(result?["result"]);
        var errors = Part(result?["result_error"]);
        var totals = Part(result?["result_total"]);
        var next = Part(result?["result_next"]);
        var okMap = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var errorMap = new Dictionary<string, Bitrix24Error>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (errors.TryGetValue(key, out var error))
            {
                errorMap[key] = new Bitrix24Error((int)HttpStatusCode.OK, Text(error?["error"]) ?? string.Empty, Text(error?["error_description"]));
            }
            else if (results.TryGetValue(key, out var value))
            {
                okMap[key] = value?.DeepClone();
            }
            else
            {
                errorMap[key] = new Bitrix24Error((int)HttpStatusCode.OK, string.Empty, "The batch answer has neither a result nor an error for this command.");
            }
        }

        return new Bitrix24BatchResult(okMap, errorMap)
        {
            Totals = totals.Where(t => okMap.ContainsKey(t.Key) && Number(t.Value) is not null).ToDictionary(t => t.Key, t => (long)Number(t.Value)!.Value, StringComparer.Ordinal),
            Next = next.Where(t => okMap.ContainsKey(t.Key) && Number(t.Value) is not null).ToDictionary(t => t.Key, t => (long)Number(t.Value)!.Value, StringComparer.Ordinal),
        };
    }

    private static Dictionary<string, JsonNode?> Part(JsonNode? node)
    {
        var map = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    map[key] = value;
                }

                break;
            case JsonArray array: // PHP writes an empty map, or one keyed 0..n-1, as a list
                for (var i = 0; i < array.Count; i++)
                {
                    map[i.ToString(CultureInfo.InvariantCulture)] = array[i];
                }

                break;
        }

        return map;
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject parameters, CancellationToken ct)
    {
        CheckMethod(method);
        if (!IsConfigured)
        {
            throw new InvalidOperationException("Bitrix24__WebhookUrl is not set: check IsConfigured before calling Bitrix24.");
        }

        if (_pausedUntil.TryGetValue(method, out var paused) && paused > _time.GetUtcNow())
        {
            throw new Bitrix24Exception(Bitrix24ErrorKind.TimeLimit, new Bitrix24Error((int)HttpStatusCode.TooManyRequests, "OPERATION_TIME_LIMIT", null),
                $"Bitrix24 {method} is paused by the portal's time limit until {paused:O}.", paused);
        }

        var body = parameters.ToJsonString();
        for (var attempt = 1; ; attempt++)
        {
            await _gate.WaitAsync(ct);
            var (status, envelope, error) = await PostAsync(method, body, ct);
            if (error is null)
            {
                Remember(method, envelope!);
                return envelope!;
            }

            if (error.Code == "QUERY_LIMIT_EXCEEDED")
            {
                _gate.OnRateLimited();
                if (attempt < MaxRateLimitedTries)
                {
                    var delay = FirstBackOff * Math.Pow(2, attempt - 1);
                    Log.RateLimited(_logger, method, attempt, delay);
                    await Task.Delay(delay, _time, ct);
                    continue;
                }
            }

            throw Fail(method, status, envelope, error);
        }
    }

    /// <summary>One POST: the envelope, or the error it carries (status 0: no HTTP answer).</summary>
    private async Task<(int Status, JsonObject? Envelope, Bitrix24Error? Error)> PostAsync(string method, string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(method, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd(UserAgent);

        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        Interlocked.Increment(ref _requestCount);
        string text;
        int status;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            status = (int)response.StatusCode;
            text = await response.Content.ReadAsStringAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Transient(method, $"Bitrix24 {method} did not answer within {_options.AttemptTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; it may or may not have been done.");
        }
        catch (HttpRequestException ex)
        {
            throw Transient(method, $"Bitrix24 {method} failed on the network ({ex.HttpRequestError}); it may or may not have been done.");
        }

        JsonObject? envelope;
        try
        {
            envelope = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            envelope = null;
        }

        if (envelope is null)
        {
            var error = new Bitrix24Error(status, string.Empty, "The answer is not a JSON object.");
            return (status, null, error);
        }

        if (envelope.ContainsKey("error") || status is < 200 or > 299)
        {
            return (status, envelope, new Bitrix24Error(status, Text(envelope["error"]) ?? string.Empty, Text(envelope["error_description"])));
        }

        return (status, envelope, null);
    }

    private Bitrix24Exception Fail(string method, int status, JsonObject? envelope, Bitrix24Error error)
    {
        var kind = Classify(status, error.Code, envelope is not null);
        DateTimeOffset? retryAt = null;
        if (kind == Bitrix24ErrorKind.TimeLimit)
        {
            retryAt = ResetAt(envelope)
                ?? (_lastResetAt.TryGetValue(method, out var last) && last > _time.GetUtcNow() ? last : (DateTimeOffset?)null)
                ?? _time.GetUtcNow() + DefaultTimeLimitPause;
            _pausedUntil[method] = retryAt.Value;
        }

        var what = envelope is null ? "an answer that is not JSON" : error.Code.Length == 0 ? "an error without a code" : error.Code;
        var message = string.Create(CultureInfo.InvariantCulture, $"Bitrix24 {method} failed: HTTP {status}, {what} ({Explain(kind)}).");
        if (retryAt is not null)
        {
            message = string.Create(CultureInfo.InvariantCulture, $"Bitrix24 {method} failed: HTTP {status}, {what}: the method is paused until {retryAt.Value:O}.");
        }

        Log.Failed(_logger, method, status, error.Code, kind);
        return new Bitrix24Exception(kind, error, message, retryAt);
    }

    private Bitrix24Exception Transient(string method, string message)
    {
        Log.Failed(_logger, method, 0, string.Empty, Bitrix24ErrorKind.Transient);
        return new Bitrix24Exception(Bitrix24ErrorKind.Transient, null, message);
    }

    /// <summary>The kind of a failed answer, from its HTTP status and the portal's code (which may be empty).</summary>
    public static Bitrix24ErrorKind Classify(int status, string? code, bool json = true)
    {
        if (!json)
        {
            return Bitrix24ErrorKind.Transient; // an HTML page from a proxy or an overloaded portal
        }

        switch (code)
        {
            case "QUERY_LIMIT_EXCEEDED":
                return Bitrix24ErrorKind.RateLimited;
            case "OPERATION_TIME_LIMIT":
                return Bitrix24ErrorKind.TimeLimit;
            case "PORTAL_DELETED" or "OVERLOAD_LIMIT":
                return Bitrix24ErrorKind.PortalUnavailable;
            case "NO_AUTH_FOUND" or "INVALID_CREDENTIALS" or "insufficient_scope" or "ACCESS_DENIED" or "expired_token"
                or "invalid_token" or "user_access_error" or "allowed_only_intranet_user" or "WRONG_AUTH_TYPE":
                // ACCESS_DENIED also comes as a 400 (the webhook's user may not add leads): no event can be written
                // until the owner fixes the rights, so stop and keep the events rather than dead-letter each one.
                return Bitrix24ErrorKind.AccessDenied;
        }

        return status switch
        {
            429 => Bitrix24ErrorKind.TimeLimit,
            401 or 403 => Bitrix24ErrorKind.AccessDenied,
            408 => Bitrix24ErrorKind.Transient,
            >= 400 and < 500 => Bitrix24ErrorKind.DataError,
            >= 200 and < 300 => Bitrix24ErrorKind.DataError, // an "error" in a 200 answer: about the call itself
            _ => Bitrix24ErrorKind.Transient,
        };
    }

    private static string Explain(Bitrix24ErrorKind kind) => kind switch
    {
        Bitrix24ErrorKind.RateLimited => "the portal's request rate limit, still after retries; nothing was done",
        Bitrix24ErrorKind.AccessDenied => "the webhook is refused or lacks a right or the crm scope: a new webhook or the owner's fix is needed",
        Bitrix24ErrorKind.PortalUnavailable => "the portal is closed or its REST API is blocked",
        Bitrix24ErrorKind.DataError => "a data error; retrying the same call cannot help",
        _ => "it may or may not have been done",
    };

    private void Remember(string method, JsonObject envelope)
    {
        if (ResetAt(envelope) is { } reset)
        {
            _lastResetAt[method] = reset;
        }

        if (Number(envelope["time"]?["operating"]) is { } operating)
        {
            _operating[method] = operating;
            Log.Operating(_logger, method, operating);
        }
    }

    private static DateTimeOffset? ResetAt(JsonObject? envelope) =>
        Number(envelope?["time"]?["operating_reset_at"]) is { } unix && unix > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(unix * 1000))
            : null;

    private static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.Number => value.GetValue<double>(),
            JsonValueKind.String when double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value ? value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString() : null;

    private static void CheckMethod(string method)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (!MethodName().IsMatch(method))
        {
            throw new ArgumentException("A Bitrix24 method name is letters, digits, '.' and '_' (e.g. crm.item.add).", nameof(method));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$")]
    private static partial Regex MethodName();

    private static partial class Log
    {
        [LoggerMessage(9701, LogLevel.Warning, "Bitrix24 {Method} refused: 503 QUERY_LIMIT_EXCEEDED (try {Attempt}); retrying in {Delay}.")]
        public static partial void RateLimited(ILogger logger, string method, int attempt, TimeSpan delay);

        [LoggerMessage(9702, LogLevel.Warning, "Bitrix24 {Method} failed: HTTP {Status}, code '{Code}', {Kind}.")]
        public static partial void Failed(ILogger logger, string method, int status, string code, Bitrix24ErrorKind kind);

        [LoggerMessage(9703, LogLevel.Debug, "Bitrix24 {Method}: {Operating} s of the portal's time limit used in the last 10 minutes.")]
        public static partial void Operating(ILogger logger, string method, double operating);
    }
}
