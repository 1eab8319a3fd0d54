extern alias fakeserver;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using fakeserver::HhFunctions.FakeServer;
using HhFunctions.Testing;
using HhFunctions.Tests.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>
/// The fakes run by hand, as docs/bitrix24.md tells it: the fake server with <c>--employer</c> (hh.ru's employer side
/// and a Bitrix24 portal) and the real standalone host (its executable, over real HTTP) pointed at it. Connecting the
/// account subscribes the app at the fake hh.ru; the fake's delivery loop POSTs a new response's callback to the app,
/// the reconcile run brings the seeded ones, and every response lands in the fake portal once.
/// </summary>
public sealed class FakeServerStandaloneTests
{
    private const string Key = "by-hand-webhook-key_0123456789abcdefghijk";

    [Fact]
    public async Task StandaloneHost_AgainstTheFakeServer_EveryResponseLandsInThePortalOnce()
    {
        // Arrange: the fake server, then the app's executable pointed at it.
        Assert.True(FakeServerOptions.TryParse(["--port", "0", "--employer", "--responses", "2", "--delivery-interval", "0.2"], out var options, out var error), error);
        await using var fake = FakeServerApp.Build(options!);
        await fake.StartAsync();
        var fakeUrl = FakeServerApp.Address(fake);
        var hh = fake.Services.GetRequiredService<FakeHhApi>();
        var portal = fake.Services.GetRequiredService<FakeBitrix24Portal>();
        var port = FreePort();
        var appUrl = new Uri($"http://127.0.0.1:{port}/");
        var data = Directory.CreateTempSubdirectory("hhfunctions-byhand-").FullName;
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location])
        {
            WorkingDirectory = data,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null,
                ["ASPNETCORE_URLS"] = appUrl.AbsoluteUri.TrimEnd('/'),
                ["Data__Path"] = Path.Combine(data, "data"),
                ["App__PublicBaseUrl"] = appUrl.AbsoluteUri.TrimEnd('/'),
                ["HeadHunter__ApiBaseUrl"] = fakeUrl.AbsoluteUri,
                ["HeadHunter__OAuthBaseUrl"] = fakeUrl.AbsoluteUri,
                ["HeadHunter__ClientId"] = FakeHhApi.ClientId,
                ["HeadHunter__ClientSecret"] = FakeHhApi.ClientSecret,
                ["HeadHunter__UserAgent"] = "HhFunctionsTests/1.0 (tests@example.com)",
                ["Telegram__ApiBaseUrl"] = fakeUrl.AbsoluteUri,
                ["Bitrix24__WebhookUrl"] = FakeServerApp.Bitrix24WebhookUrl(fakeUrl).AbsoluteUri,
                ["Recruiting__WebhookKey"] = Key,
                ["Recruiting__ReconcileSchedule"] = "*/2 * * * * *",
                ["Recruiting__MaxWriteDelay"] = "00:00:00",
                ["Bump__StandaloneScheduler"] = "false",
                ["Search__StandaloneScheduler"] = "false",
            },
        };
        var process = CapturedProcess.Start(start);
        try
        {
            using var http = new HttpClient { BaseAddress = appUrl, Timeout = TimeSpan.FromSeconds(20) };
            Assert.True(await EventuallyAsync(async () =>
            {
                try
                {
                    using var status = await http.GetAsync(new Uri("api/status", UriKind.Relative));
                    return status.IsSuccessStatusCode;
                }
                catch (HttpRequestException) when (!process.HasExited)
                {
                    return false;
                }
            }), "The app never answered. Output:\n" + process.Output);

            // Act: connect (the app's /api/oauth/start, the fake's /oauth/authorize, back to the callback), then a candidate responds.
            using var connected = await http.GetAsync(new Uri("api/oauth/start", UriKind.Relative));
            Assert.True(connected.IsSuccessStatusCode, $"connecting ended with HTTP {(int)connected.StatusCode}. Output:\n{process.Output}");
            Assert.True(await EventuallyAsync(() => Task.FromResult(hh.Employer.Subscriptions.Count == 1)), "the app did not subscribe. Output:\n" + process.Output);
            using var client = new HttpClient { BaseAddress = fakeUrl };
            using var added = await client.PostAsync(new Uri("/_fake/hh/responses", UriKind.Relative), null); // as the docs' curl -X POST does
            var topic = JsonNode.Parse(await added.Content.ReadAsStringAsync())!["topicId"]!.ToString();
            var topics = hh.Employer.Negotiations.Select(n => n.Id).ToList();
            var landed = await EventuallyAsync(() => Task.FromResult(topics.All(t => portal.CountByOrigin(1, t) >= 1)), TimeSpan.FromSeconds(60));

            // Assert
            Assert.True(landed, $"leads for {string.Join(", ", topics.Where(t => portal.CountByOrigin(1, t) == 0))} are missing. Output:\n{process.Output}");
            Assert.Equal(new Uri(appUrl, $"/api/hh/webhook/{Key}"), hh.Employer.Subscriptions[0].Url);
            Assert.Contains(hh.Employer.DeliveryAttempts, a => a.CallbackId.EndsWith(topic, StringComparison.Ordinal) && a.Outcome == FakeDeliveryOutcome.Accepted);
            Assert.Equal(3, portal.Count(1));
            Assert.Empty(portal.DuplicateOrigins(1));
            var log = process.Output;
            Assert.DoesNotContain(Key, log, StringComparison.Ordinal);
            Assert.DoesNotContain(FakeBitrix24Portal.Secret, log, StringComparison.Ordinal);
        }
        finally
        {
            await process.DisposeAsync();
            await fake.StopAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Polls (real time: both hosts run on it) until <paramref name="done"/> holds.</summary>
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> done, TimeSpan? within = null)
    {
        var rounds = (int)((within ?? TimeSpan.FromSeconds(30)).TotalMilliseconds / 100);
        for (var i = 0; i < rounds; i++)
        {
            if (await done())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await done();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
