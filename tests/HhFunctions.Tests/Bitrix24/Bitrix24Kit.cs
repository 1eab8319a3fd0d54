using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using HhFunctions.Bitrix24;
using HhFunctions.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.Bitrix24;

/// <summary>A <see cref="Bitrix24Client"/> over the fake portal (through FakeNetwork), its rate gate, fake time and captured logs.</summary>
internal sealed class Bitrix24Kit : IDisposable
{
    private readonly HttpClient _http;

    public Bitrix24Kit(Action<Bitrix24Options>? configure = null, HttpMessageHandler? handler = null)
    {
        Portal = new FakeBitrix24Portal(Time);
        Options = new Bitrix24Options { WebhookUrl = FakeBitrix24Portal.WebhookUrl.AbsoluteUri, AttemptTimeout = TimeSpan.FromSeconds(30) };
        configure?.Invoke(Options);
        Network = new FakeNetwork(new FakeHhApi(Time), new FakeTelegramApi()) { Bitrix24 = Portal };
        _http = new HttpClient(handler ?? Network);
        Gate = new Bitrix24RateGate(Microsoft.Extensions.Options.Options.Create(Options), Time);
        Client = new Bitrix24Client(_http, Microsoft.Extensions.Options.Options.Create(Options), Gate, Time, new FakeLogger<Bitrix24Client>(Logs));
    }

    public FakeTimeProvider Time { get; } = FakeClock.Create();

    public FakeBitrix24Portal Portal { get; }

    public FakeNetwork Network { get; }

    public Bitrix24Options Options { get; }

    public Bitrix24RateGate Gate { get; }

    public Bitrix24Client Client { get; }

    public FakeLogCollector Logs { get; } = new();

    public void Dispose() => _http.Dispose();

    /// <summary>Runs <paramref name="call"/> while fake time moves on in small steps (the gate's waits, back-offs, timeouts).</summary>
    public Task<T> Run<T>(Func<Task<T>> call, double stepSeconds = 0.1) =>
        Time.RunAsync(Task.Run(call), TimeSpan.FromSeconds(stepSeconds));

    public Task<JsonNode?> Call(string method, JsonObject parameters) => Run(() => Client.CallAsync(method, parameters, CancellationToken.None));

    public Task<Bitrix24BatchResult> Batch(params Bitrix24Command[] commands) => Run(() => Client.BatchAsync(commands, CancellationToken.None));

    /// <summary>A POST straight to the fake portal (no client, no gate): the portal's own behaviour.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> Post(string method, JsonNode body, string? webhook = null)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri((webhook ?? FakeBitrix24Portal.WebhookUrl.AbsoluteUri) + method), content);
        return (response.StatusCode, (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    public async Task<Bitrix24Exception> Fails(string method, JsonObject parameters) =>
        await Assert.ThrowsAsync<Bitrix24Exception>(() => Call(method, parameters));

    public static JsonObject Lead(string originId = "4574397199") => new()
    {
        ["entityTypeId"] = 1,
        ["fields"] = new JsonObject
        {
            ["title"] = "hh.ru: Менеджер — Иванов Иван",
            ["name"] = "Иван",
            ["lastName"] = "Иванов",
            ["originatorId"] = "hh.ru",
            ["originId"] = originId,
            ["fm"] = new JsonArray(
                new JsonObject { ["typeId"] = "PHONE", ["valueType"] = "MOBILE", ["value"] = "+74955527367" },
                new JsonObject { ["typeId"] = "EMAIL", ["valueType"] = "WORK", ["value"] = "my-email@example.com" }),
        },
    };

    /// <summary>The same lead through the legacy method (UPPER_CASE fields, multi-fields as PHONE/EMAIL lists).</summary>
    public static JsonObject LegacyLead(string originId = "4574397199") => new()
    {
        ["fields"] = new JsonObject
        {
            ["TITLE"] = "hh.ru: Менеджер — Иванов Иван",
            ["NAME"] = "Иван",
            ["LAST_NAME"] = "Иванов",
            ["ORIGINATOR_ID"] = "hh.ru",
            ["ORIGIN_ID"] = originId,
            ["PHONE"] = new JsonArray(new JsonObject { ["VALUE"] = "+74955527367", ["VALUE_TYPE"] = "MOBILE" }),
        },
        ["params"] = new JsonObject { ["REGISTER_SONET_EVENT"] = "Y" },
    };

    /// <summary>Values a log or an exception message must never show: the webhook's secret and address, and the candidate's data.</summary>
    public static IReadOnlyList<string> NeverShown { get; } =
        [.. FakeBitrix24Portal.Secrets, "Иванов", "Иван", "74955527367", "4955527367", "my-email@example.com", "4574397199"];

    public void AssertNothingLeaked(IEnumerable<string> texts)
    {
        var all = texts.Concat(Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception?.ToString())).ToList();
        Assert.NotEmpty(all);
        foreach (var text in all)
        {
            foreach (var value in NeverShown)
            {
                Assert.DoesNotContain(value, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
