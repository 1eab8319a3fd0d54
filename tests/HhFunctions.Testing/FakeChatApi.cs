using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace HhFunctions.Testing;

/// <summary>
/// A fake OpenAI-compatible chat endpoint (POST {base}/chat/completions) at https://llm.test/v1: answers with
/// <see cref="Reply"/>, or fails with <see cref="FailStatus"/>, or holds the call until it is cancelled.
/// Records the bearer key it was given and each request body.
/// </summary>
public sealed class FakeChatApi
{
    public const string ApiKey = "sk-fake-llm-key-DO-NOT-LOG-0123456789";
    public static readonly Uri Endpoint = new("https://llm.test/v1");

    public string Reply { get; set; } = "Здравствуйте! Generated letter.";

    /// <summary>Set: every call answers this HTTP status.</summary>
    public HttpStatusCode? FailStatus { get; set; }

    /// <summary>Every call waits until it is cancelled (a timeout).</summary>
    public bool Hang { get; set; }

    public ConcurrentQueue<(string? Bearer, string Body)> Calls { get; } = new();

    public async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(ct);
        Calls.Enqueue((request.Headers.Authorization?.Parameter, body));
        if (request.Method != HttpMethod.Post || !request.RequestUri!.AbsolutePath.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }

        if (FailStatus is { } status)
        {
            return new HttpResponseMessage(status) { Content = new StringContent("""{"error":{"message":"boom","type":"server_error"}}""", Encoding.UTF8, "application/json") };
        }

        var model = JsonDocument.Parse(body).RootElement.TryGetProperty("model", out var m) ? m.GetString() : "model";
        var answer = JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion",
            created = 1772438430,
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = Reply }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
        });
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
    }
}
