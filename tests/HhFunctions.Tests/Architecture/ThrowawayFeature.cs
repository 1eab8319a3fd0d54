using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using HhFunctions.Queues;
using HhFunctions.Telegram;
using HhFunctions.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HhFunctions.Tests.Architecture.Throwaway;

// A feature added the way docs/architecture.md says, in its own folder and nothing else: a queue message and its
// handler, an HTTP endpoint, a bot command, and the one AddXxx / MapXxxEndpoints pair that mounts them.

/// <summary>The feature's queue message: a text to echo.</summary>
public sealed record EchoMessage(string Text) : IQueueMessage<EchoMessage>
{
    public const string Queue = "test-echo";

    public static string QueueName => Queue;

    public static EchoMessage Parse(string? json)
    {
        try
        {
            return JsonSerializer.Deserialize<EchoMessage>(json ?? string.Empty, HttpEndpoints.JsonOptions) is { Text.Length: > 0 } message
                ? message
                : throw new FormatException("The queue message has no text.");
        }
        catch (JsonException ex)
        {
            throw new FormatException("The queue message is not an echo.", ex);
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, HttpEndpoints.JsonOptions);
}

/// <summary>What the feature's queue handler did, for the test to see.</summary>
public sealed class EchoLog
{
    public ConcurrentQueue<string> Echoed { get; } = new();
}

/// <summary>The queue's handler: remembers the text and tells the owner.</summary>
public sealed class EchoHandler(EchoLog log, ITelegramNotifier telegram) : IQueueHandler<EchoMessage>
{
    public async Task HandleAsync(EchoMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        log.Echoed.Enqueue(message.Text);
        await telegram.SendAsync("echo: " + WebUtility.HtmlEncode(message.Text), ct);
    }
}

/// <summary>POST /api/echo: queues the body's text (202), or says what is wrong with it (a problem).</summary>
public sealed class EchoEndpoint(IQueue<EchoMessage> queue)
{
    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken ct)
    {
        var body = await HttpEndpoints.ReadBodyAsync(request, ct);
        if (string.IsNullOrWhiteSpace(body))
        {
            return HttpEndpoints.Problem(request, 400, "Nothing to echo", "Send the text to echo as the request body.");
        }

        await queue.SendAsync(new EchoMessage(body), ct);
        return TypedResults.Accepted((string?)null);
    }
}

/// <summary>The bot's /echo: queues the text after the command.</summary>
public sealed class EchoCommand(IQueue<EchoMessage> queue)
{
    public async Task<string?> EchoAsync(string text, CancellationToken ct)
    {
        var rest = text.Split(' ', 2, StringSplitOptions.TrimEntries) is [_, { Length: > 0 } arg] ? arg : null;
        if (rest is null)
        {
            return "Send /echo &lt;text&gt;.";
        }

        await queue.SendAsync(new EchoMessage(rest), ct);
        return "Queued.";
    }
}

public static class ThrowawayExtensions
{
    public const string EchoRoute = "echo";

    /// <summary>The feature's one registration line (docs/architecture.md: goes in HhFunctionsBuilder.AddHhFunctions).</summary>
    public static IHostApplicationBuilder AddThrowaway(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<EchoLog>();
        services.AddTransient<EchoEndpoint>();
        services.AddQueue<EchoMessage, EchoHandler>();
        services.AddBotCommand<EchoCommand>("echo", "<text>", "echo the text through the feature's queue", (c, m, ct) => c.EchoAsync(m.Text, ct));
        return builder;
    }

    /// <summary>The feature's one mapping line (docs/architecture.md: goes in StandaloneHost.MapStandaloneRoutes).</summary>
    public static IEndpointRouteBuilder MapThrowawayEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<EchoEndpoint>("Echo", EchoRoute, ["POST"], (e, r, ct) => e.PostAsync(r, ct));
        return api;
    }
}
