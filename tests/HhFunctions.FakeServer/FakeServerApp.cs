using System.Globalization;
using System.Net;
using HhFunctions.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.FakeServer;

/// <summary>
/// One listener on 127.0.0.1 for every fake. Requests whose path starts with <c>/bot</c> are Telegram Bot API calls
/// (FakeTelegramApi), <c>/rest/</c> is a Bitrix24 portal's incoming webhook (FakeBitrix24Portal, webhook
/// <c>/rest/1/{FakeBitrix24Portal.Secret}/</c>), <c>/oauth/authorize</c> is hh.ru's authorization page, <c>/_fake/*</c>
/// is this server's own, everything else is the hh.ru API (FakeHhApi; with <c>--employer</c> its employer side, whose
/// webhook callbacks a delivery loop POSTs to the subscribed address). The fakes keep their HttpMessageHandler shape
/// (as FakeNetwork uses them in the in-process tests): each request is copied into an HttpRequestMessage and the
/// answer back. The fakes are registered as services, so a test that builds the app can reach them.
/// </summary>
public static class FakeServerApp
{
    /// <summary>The employer's vacancy (with --employer); its responses are seeded at start and added by POST /_fake/hh/responses.</summary>
    public const string SeededVacancyId = "900001";

    private const int RequestsShown = 200;

    private static readonly string[] FirstNames = ["Anna", "Boris", "Vera", "Gleb", "Daria", "Egor", "Zoya", "Ilya"];
    private static readonly string[] LastNames = ["Fakeeva", "Testov", "Primerova", "Stubov", "Mockova", "Dummin", "Sampleva", "Fiktivov"];

    /// <summary>Responses are added (seeding, POST /_fake/hh/responses) and the lists read for /_fake/state under this gate.</summary>
    private static readonly Lock EmployerGate = new();

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

        var portal = new FakeBitrix24Portal(clock.Fake);
        if (options.Employer)
        {
            SeedEmployer(hh, options);
            builder.Services.AddHostedService(_ => new CallbackDelivery(hh.Employer, clock, options.DeliveryInterval));
        }

        var telegram = new FakeTelegramApi
        {
            // A real client's long poll may wait as long as it asked for (Telegram allows up to 50 s); the in-process
            // limits that stop a runaway test loop do not apply to a server that lives for one CI job.
            LongPollHold = TimeSpan.FromSeconds(25),
            MaxGetUpdatesCalls = int.MaxValue,
        };

        builder.Services.AddSingleton(hh).AddSingleton(telegram).AddSingleton(portal);
        var app = builder.Build();

        // URLs the fake hands out (a resume's own address, its PDF) must point back at this server.
        app.Lifetime.ApplicationStarted.Register(() => hh.ApiBase = new Uri(Address(app), "/"));
        app.Use(async (context, next) =>
        {
            clock.Sync();
            await next(context);
            Console.WriteLine($"fake: {context.Request.Method} {LoggedPath(context.Request.Path)} -> {context.Response.StatusCode}");
        });

        app.MapGet("/_fake/health", () => Results.Text("ok"));
        app.MapGet("/_fake/state", () => Results.Json(State(hh, telegram, portal)));
        app.MapPost("/_fake/hh/responses", async (HttpRequest request) =>
        {
            if (!hh.IsEmployer)
            {
                return Results.Conflict("fake hh.ru: start the server with --employer to have responses");
            }

            // The body is optional (a plain `curl -X POST` makes a candidate with a made-up name).
            var response = request.HasJsonContentType() ? await request.ReadFromJsonAsync<NewResponse>(request.HttpContext.RequestAborted) : null;
            var topic = AddResponse(hh.Employer, response?.FirstName, response?.LastName);
            return Results.Json(new { topicId = topic.Id, vacancyId = topic.VacancyId, resumeId = topic.ResumeId });
        });
        app.MapPost("/_fake/telegram/updates", (IncomingText update) => string.IsNullOrEmpty(update.Text)
            ? Results.BadRequest("expected {\"text\":\"...\"}")
            : Results.Json(new { updateId = telegram.EnqueueText(update.Text) }));
        app.MapGet("/oauth/authorize", (HttpContext context) => Authorize(context.Request.Query, hh));
        // Everything else (any method, any path): a catch-all route, so the literal routes above win.
        app.Map("/{**path}", (RequestDelegate)(context => context.Request.Path.StartsWithSegments("/_fake", StringComparison.Ordinal)
            ? WriteAsync(context, new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("no such fake endpoint") })
            : ForwardAsync(context, context.Request.Path.Value switch
            {
                { } p when p.StartsWith("/bot", StringComparison.Ordinal) => telegram.HandleAsync,
                { } p when p.StartsWith("/rest/", StringComparison.Ordinal) => portal.HandleAsync,
                _ => hh.HandleAsync,
            })));
        return app;
    }

    /// <summary>The address the server listens on once started (the port is the one asked for, or the free one picked for 0).</summary>
    public static Uri Address(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return new Uri(addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The fake server is not listening yet."));
    }

    /// <summary>The Bitrix24 incoming webhook this server serves, for Bitrix24__WebhookUrl.</summary>
    public static Uri Bitrix24WebhookUrl(Uri address) =>
        new(address, $"/rest/{FakeBitrix24Portal.UserId.ToString(CultureInfo.InvariantCulture)}/{FakeBitrix24Portal.Secret}/");

    /// <summary>The employer's account: a vacancy, a subscription when one is given, and the responses (each a person of their own).</summary>
    private static void SeedEmployer(FakeHhApi hh, FakeServerOptions options)
    {
        hh.IsEmployer = true;
        hh.Employer.AddVacancy(SeededVacancyId, "C# developer (fake)");
        if (options.WebhookUrl is { } url)
        {
            hh.Employer.Subscribe(url, FakeHhEmployer.NewResponseOrInvitation, FakeHhEmployer.EmployerStateChange);
        }

        for (var i = 0; i < options.Responses; i++)
        {
            AddResponse(hh.Employer, null, null);
        }
    }

    /// <summary>A new candidate responds to the seeded vacancy: a resume with its own name, phone and e-mail, then the response (and its callbacks).</summary>
    private static FakeEmployerNegotiation AddResponse(FakeHhEmployer employer, string? firstName, string? lastName)
    {
        lock (EmployerGate)
        {
            var n = employer.Resumes.Count + 1;
            var id = "fake-resume-" + n.ToString(CultureInfo.InvariantCulture);
            var resume = employer.AddResume(id, firstName ?? FirstNames[(n - 1) % FirstNames.Length], lastName ?? LastNames[(n - 1) % LastNames.Length]);
            resume.Phone = new FakePhone("7", "999", string.Create(CultureInfo.InvariantCulture, $"{n / 10000 % 1000:000}-{n / 100 % 100:00}-{n % 100:00}"));
            resume.Email = string.Create(CultureInfo.InvariantCulture, $"candidate{n}@example.com");
            return employer.AddResponse(SeededVacancyId, id);
        }
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

    /// <summary>What the fakes saw, without any token, code, state, message text, webhook address or candidate's data.</summary>
    public static object State(FakeHhApi hh, FakeTelegramApi telegram, FakeBitrix24Portal portal)
    {
        ArgumentNullException.ThrowIfNull(hh);
        ArgumentNullException.ThrowIfNull(telegram);
        ArgumentNullException.ThrowIfNull(portal);
        var requests = hh.Requests.ToArray();
        var employer = hh.Employer;
        FakeCallback[] callbacks;
        object[] vacancies, responses;
        lock (EmployerGate)
        {
            callbacks = [.. employer.Callbacks];
            vacancies = [.. employer.Vacancies.Select(v => new { id = v.Id, name = v.Name })];
            responses = [.. employer.Negotiations.Select(n => new { topicId = n.Id, vacancyId = n.VacancyId, employerState = n.EmployerState })];
        }
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
            employer = new
            {
                isEmployer = hh.IsEmployer,
                vacancies,
                responses,
                subscriptions = employer.Subscriptions.Count,
                callbacks = callbacks.GroupBy(c => c.Status).ToDictionary(g => g.Key.ToString(), g => g.Count()),
                deliveries = employer.DeliveryAttempts.TakeLast(RequestsShown)
                    .Select(a => new { callbackId = a.CallbackId, actionType = a.ActionType, status = a.StatusCode, outcome = a.Outcome.ToString(), at = a.At }),
            },
            bitrix24 = new
            {
                httpRequests = portal.HttpRequests,
                rateLimited = portal.RateLimitedRequests,
                methods = portal.Requests.TakeLast(RequestsShown).Select(r => r.Method),
                leads = portal.Items(1).Select(i => new { id = i["id"]?.ToString(), originId = i["originId"]?.ToString() }),
                deals = portal.Count(2),
                contacts = portal.Count(3),
                comments = portal.Comments.Count,
                duplicateOrigins = portal.DuplicateOrigins(1).Concat(portal.DuplicateOrigins(2)).Concat(portal.DuplicateOrigins(3)),
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

    /// <summary>The request path for the log: Telegram paths carry the bot token and Bitrix24 paths the webhook's secret, so they are masked.</summary>
    public static string LoggedPath(PathString path)
    {
        var value = path.Value ?? "/";
        if (value.StartsWith("/rest/", StringComparison.Ordinal))
        {
            var parts = value.Split('/'); // "", "rest", user, secret, method…
            return parts.Length > 3 ? string.Join('/', parts[..3]) + "/***" + (parts.Length > 4 ? "/" + string.Join('/', parts[4..]) : string.Empty) : value;
        }

        if (!value.StartsWith("/bot", StringComparison.Ordinal))
        {
            return value;
        }

        var slash = value.IndexOf('/', 1);
        return "/bot***" + (slash < 0 ? string.Empty : value[slash..]);
    }

    /// <summary>
    /// hh.ru's delivery loop: every <paramref name="interval"/> it sends the callbacks that are due to their subscription's
    /// address (FakeHhEmployer.DeliverPendingAsync: 2-second timeout, re-sent with a growing interval unless the answer is
    /// 2xx or 409). One line per attempt goes to standard output, without the address (it holds the app's key).
    /// </summary>
    private sealed class CallbackDelivery(FakeHhEmployer employer, RealTimeFakeClock clock, TimeSpan interval) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan }; // the fake bounds each attempt itself
            while (!stoppingToken.IsCancellationRequested)
            {
                clock.Sync();
                try
                {
                    foreach (var a in await employer.DeliverPendingAsync(http, stoppingToken))
                    {
                        Console.WriteLine($"fake hh.ru: callback {a.ActionType} {a.CallbackId} -> {a.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "no answer"} ({a.Outcome})");
                    }

                    await Task.Delay(interval, TimeProvider.System, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
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

/// <summary>Body of POST /_fake/hh/responses (optional): the new candidate's name.</summary>
public sealed record NewResponse(string? FirstName, string? LastName);
