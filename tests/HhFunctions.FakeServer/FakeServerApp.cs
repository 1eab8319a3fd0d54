using System.Net;
using System.Text.Json;
using HhFunctions.Testing;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.FakeServer;

/// <summary>
/// One listener on 127.0.0.1 for both fakes. Requests whose path starts with <c>/bot</c> are Telegram Bot API calls
/// (FakeTelegramApi), <c>/oauth/authorize</c> is hh.ru's authorization page, <c>/_fake/*</c> is this server's own,
/// everything else is the hh.ru API (FakeHhApi). The fakes keep their HttpMessageHandler shape (as FakeNetwork
/// uses them in the in-process tests): each request is copied into an HttpRequestMessage and the answer back.
/// </summary>
public static class FakeServerApp
{
    private const int RequestsShown = 200;

    public static WebApplication Build(FakeServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        // The hosting diagnostics log full request URLs (OAuth codes and states, the bot token in Telegram paths):
        // keep them quiet and print our own path-only line instead.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var clock = new RealTimeFakeClock();
        var hh = new FakeHhApi(clock.Fake);
        foreach (var (id, title) in options.Resumes)
        {
            hh.AddResume(id, title);
        }

        var telegram = new FakeTelegramApi
        {
            // A real client's long poll may wait as long as it asked for (Telegram allows up to 50 s); the in-process
            // limits that stop a runaway test loop do not apply to a server that lives for one CI job.
            LongPollHold = TimeSpan.FromSeconds(25),
            MaxGetUpdatesCalls = int.MaxValue,
        };

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            clock.Sync();
            await next(context);
            Console.WriteLine($"fake: {context.Request.Method} {LoggedPath(context.Request.Path)} -> {context.Response.StatusCode}");
        });

        app.MapGet("/_fake/health", () => Results.Text("ok"));
        app.MapGet("/_fake/state", () => Results.Json(State(hh, telegram)));
        app.MapPost("/_fake/telegram/updates", (IncomingText update) => string.IsNullOrEmpty(update.Text)
            ? Results.BadRequest("expected {\"text\":\"...\"}")
            : Results.Json(new { updateId = telegram.EnqueueText(update.Text) }));
        app.MapGet("/oauth/authorize", (HttpContext context) => Authorize(context.Request.Query, hh));
        // Everything else (any method, any path): a catch-all route, so the literal routes above win.
        app.Map("/{**path}", (RequestDelegate)(context => context.Request.Path.StartsWithSegments("/_fake", StringComparison.Ordinal)
            ? WriteAsync(context, new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("no such fake endpoint") })
            : ForwardAsync(context, context.Request.Path.Value?.StartsWith("/bot", StringComparison.Ordinal) == true
                ? telegram.HandleAsync
                : hh.HandleAsync)));
        return app;
    }

    /// <summary>
    /// hh.ru's authorization page, as if the owner were signed in and pressed "Allow": checks what hh.ru checks
    /// (response_type=code, the registered client id, an absolute redirect URI) and redirects back with a fresh
    /// code and the app's state, which the app then exchanges at POST /token.
    /// </summary>
    public static IResult Authorize(IQueryCollection query, FakeHhApi hh)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(hh);
        if (query["response_type"] != "code")
        {
            return Results.BadRequest("fake hh.ru: response_type must be 'code'");
        }

        if (query["client_id"] != FakeHhApi.ClientId)
        {
            return Results.BadRequest($"fake hh.ru: unknown client_id (the fake knows only '{FakeHhApi.ClientId}')");
        }

        if (!Uri.TryCreate(query["redirect_uri"], UriKind.Absolute, out var redirect) || redirect.Scheme is not ("http" or "https"))
        {
            return Results.BadRequest("fake hh.ru: redirect_uri must be an absolute http(s) URL");
        }

        var parameters = new List<string> { "code=" + Uri.EscapeDataString(hh.IssueCode(redirect.AbsoluteUri)) };
        if (query["state"].ToString() is { Length: > 0 } state)
        {
            parameters.Add("state=" + Uri.EscapeDataString(state));
        }

        var existing = redirect.Query.TrimStart('?');
        var target = new UriBuilder(redirect) { Query = string.Join('&', existing.Length > 0 ? parameters.Prepend(existing) : parameters) };
        return Results.Redirect(target.Uri.AbsoluteUri);
    }

    /// <summary>What the fakes saw, without any token, code, state or message text.</summary>
    public static object State(FakeHhApi hh, FakeTelegramApi telegram)
    {
        ArgumentNullException.ThrowIfNull(hh);
        ArgumentNullException.ThrowIfNull(telegram);
        var requests = hh.Requests.ToArray();
        return new
        {
            hh = new
            {
                requestCount = requests.Length,
                requests = requests.TakeLast(RequestsShown).Select(r => new { method = r.Method, path = r.Uri.AbsolutePath, at = r.At }),
                successfulRefreshes = hh.SuccessfulRefreshes,
                earlyPublishRejections = hh.EarlyPublishRejections,
                resumes = hh.Resumes.Select(r => new
                {
                    id = r.Id,
                    title = r.Title,
                    status = r.Status,
                    raises = r.Raises.Count,
                    lastRaisedAt = r.Raises.Count == 0 ? (DateTimeOffset?)null : r.Raises[^1],
                    nextPublishAt = r.NextPublishAt,
                }),
            },
            telegram = new
            {
                calls = telegram.Calls.Select(c => c.Method),
                messagesSent = telegram.Messages.Count,
            },
        };
    }

    private static async Task ForwardAsync(HttpContext context, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> fake)
    {
        using var request = await ToRequestMessageAsync(context.Request, context.RequestAborted);
        HttpResponseMessage response;
        try
        {
            response = await fake(request, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            response = new HttpResponseMessage(HttpStatusCode.InternalServerError)
            {
                Content = new StringContent($"fake server: the fake threw {ex.GetType().Name}: {ex.Message}"),
            };
        }

        using (response)
        {
            await WriteAsync(context, response);
        }
    }

    public static async Task<HttpRequestMessage> ToRequestMessageAsync(HttpRequest source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        // The fakes read only the path and query; the host name is the one FakeNetwork would have routed.
        var message = new HttpRequestMessage(new HttpMethod(source.Method), new Uri("http://fake.invalid" + source.GetEncodedPathAndQuery()));
        using var body = new MemoryStream();
        await source.Body.CopyToAsync(body, ct);
        if (body.Length > 0 || source.ContentType is not null)
        {
            message.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, values) in source.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        return message;
    }

    private static async Task WriteAsync(HttpContext context, HttpResponseMessage response)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers)
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers.Append(name, values.ToArray());
            }
        }

        if (response.Content is null)
        {
            return;
        }

        foreach (var (name, values) in response.Content.Headers)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers.Append(name, values.ToArray());
            }
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (bytes.Length > 0)
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    /// <summary>The request path for the log: Telegram paths carry the bot token, so it is masked.</summary>
    public static string LoggedPath(PathString path)
    {
        var value = path.Value ?? "/";
        if (!value.StartsWith("/bot", StringComparison.Ordinal))
        {
            return value;
        }

        var slash = value.IndexOf('/', 1);
        return "/bot***" + (slash < 0 ? string.Empty : value[slash..]);
    }

    /// <summary>
    /// The fakes run on a FakeTimeProvider (they decide token expiry and next_publish_at from it). Served to a real
    /// host, that clock must follow the real one: it is moved to the real time before every request.
    /// </summary>
    private sealed class RealTimeFakeClock
    {
        private readonly Lock _gate = new();

        public FakeTimeProvider Fake { get; } = new(TimeProvider.System.GetUtcNow());

        public void Sync()
        {
            lock (_gate)
            {
                var now = TimeProvider.System.GetUtcNow();
                if (now > Fake.GetUtcNow())
                {
                    Fake.SetUtcNow(now);
                }
            }
        }
    }
}

/// <summary>Body of POST /_fake/telegram/updates: a text the owner sends the bot (served to getUpdates polling).</summary>
public sealed record IncomingText(string? Text);
