using System.Text.Json.Nodes;

namespace HhFunctions.Bitrix24;

/// <summary>
/// A Bitrix24 portal reached through its incoming webhook (docs/recruiting.md, ../shared/bitrix24-api.md). Every
/// request waits its turn on the portal's leaky bucket (<see cref="IBitrix24RateGate"/>). Only
/// <c>503 QUERY_LIMIT_EXCEEDED</c> (a request the portal refused before doing anything) is retried here, after a
/// back-off; every other failure is a <see cref="Bitrix24Exception"/> for the caller to decide, because a create
/// whose answer was lost may have been done.
/// </summary>
public interface IBitrix24Client
{
    /// <summary>True when Bitrix24__WebhookUrl is set.</summary>
    bool IsConfigured { get; }

    /// <summary>One method call (POST JSON). Returns the envelope's <c>result</c>.</summary>
    Task<JsonNode?> CallAsync(string method, JsonObject parameters, CancellationToken ct);

    /// <summary>
    /// One <c>batch</c> request of up to 50 commands (more is an <see cref="ArgumentException"/>), <c>halt=0</c>.
    /// Sub-call failures come back in <see cref="Bitrix24BatchResult.Errors"/>; the batch itself throws only for a
    /// failure of the whole request.
    /// </summary>
    Task<Bitrix24BatchResult> BatchAsync(IReadOnlyList<Bitrix24Command> commands, CancellationToken ct);

    /// <summary>HTTP requests sent to the portal so far (each batch is one), for the benchmark and the status page.</summary>
    long RequestCount { get; }
}

/// <summary>One command of a batch: its key, the method and its parameters (encoded to the query-string form batch wants).</summary>
public sealed record Bitrix24Command(string Key, string Method, JsonObject Parameters);

/// <summary>A batch's answers by command key. A key is in exactly one of the two maps.</summary>
public sealed record Bitrix24BatchResult(
    IReadOnlyDictionary<string, JsonNode?> Results,
    IReadOnlyDictionary<string, Bitrix24Error> Errors)
{
    /// <summary>List commands' <c>result_total</c> by key (absent for other commands).</summary>
    public IReadOnlyDictionary<string, long> Totals { get; init; } = new Dictionary<string, long>();

    /// <summary>List commands' <c>result_next</c> by key: the <c>start</c> of the next page, when there is one.</summary>
    public IReadOnlyDictionary<string, long> Next { get; init; } = new Dictionary<string, long>();
}

/// <summary>One error from the portal: its HTTP status (200 inside a batch), <c>error</c> and <c>error_description</c>.</summary>
public sealed record Bitrix24Error(int Status, string Code, string? Description);

public enum Bitrix24ErrorKind
{
    /// <summary>503 QUERY_LIMIT_EXCEEDED after the client's own retries: slow down, try later. Nothing was done.</summary>
    RateLimited,

    /// <summary>429 OPERATION_TIME_LIMIT: this method is paused until <see cref="Bitrix24Exception.RetryAt"/>.</summary>
    TimeLimit,

    /// <summary>401/403 (NO_AUTH_FOUND, INVALID_CREDENTIALS, insufficient_scope, ACCESS_DENIED, expired webhook): stop, tell the owner, keep events.</summary>
    AccessDenied,

    /// <summary>PORTAL_DELETED, OVERLOAD_LIMIT: stop, tell the owner, keep events.</summary>
    PortalUnavailable,

    /// <summary>A 400 about the data (bad field value, unknown entity): retrying the same call cannot help.</summary>
    DataError,

    /// <summary>500, a non-JSON answer, a timeout or a lost connection: the call may or may not have been done.</summary>
    Transient,
}

/// <summary>A failed Bitrix24 call. Its message never contains the webhook URL, its secret or any field value.</summary>
public sealed class Bitrix24Exception : Exception
{
    public Bitrix24Exception()
    {
    }

    public Bitrix24Exception(string message)
        : base(message)
    {
    }

    public Bitrix24Exception(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public Bitrix24Exception(Bitrix24ErrorKind kind, Bitrix24Error? error, string message, DateTimeOffset? retryAt = null)
        : base(message)
    {
        Kind = kind;
        Error = error;
        RetryAt = retryAt;
    }

    public Bitrix24ErrorKind Kind { get; }

    public Bitrix24Error? Error { get; }

    /// <summary>For <see cref="Bitrix24ErrorKind.TimeLimit"/>: the portal's <c>operating_reset_at</c>.</summary>
    public DateTimeOffset? RetryAt { get; }
}

/// <summary>
/// The portal's leaky bucket as the app sees it: each request adds one, the level drains at
/// Bitrix24__RatePerSecond, and a request waits while it would take the level over the app's share of
/// Bitrix24__Burst. A 503 fills it. Its state can be saved and restored, so the one writer that holds the portal's
/// cross-instance lock continues where the previous holder stopped.
/// </summary>
public interface IBitrix24RateGate
{
    ValueTask WaitAsync(CancellationToken ct);

    /// <summary>The portal said 503 QUERY_LIMIT_EXCEEDED: treat the bucket as full.</summary>
    void OnRateLimited();

    Bitrix24BucketState Save();

    void Restore(Bitrix24BucketState state);
}

/// <summary>The bucket's level at a moment.</summary>
public sealed record Bitrix24BucketState(double Level, DateTimeOffset At);
