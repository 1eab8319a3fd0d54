using System.Globalization;
using HhFunctions.FakeServer;

// Serves the test fakes of hh.ru (FakeHhApi, with its employer side), Telegram (FakeTelegramApi) and a Bitrix24
// portal (FakeBitrix24Portal) over real HTTP on 127.0.0.1, so a real host of the app (the Functions host started by
// `func start` in CI, or the standalone host by hand: docs/bitrix24.md, "Run the fakes by hand") can be pointed at them:
//
//   dotnet run --project tests/HhFunctions.FakeServer -- --port 5080 [--resume <id>=<title> ...]
//        [--employer [--responses N] [--webhook-url <url>] [--delivery-interval <seconds>]]
//
//   HeadHunter__ApiBaseUrl   = http://127.0.0.1:5080      (POST /token, GET /me, /resumes/mine, POST /resumes/{id}/publish;
//                                                        with --employer: webhook subscriptions, vacancies, negotiations, resumes, PDFs)
//   HeadHunter__OAuthBaseUrl = http://127.0.0.1:5080      (GET /oauth/authorize: approves at once, see FakeServerApp)
//   Telegram__ApiBaseUrl     = http://127.0.0.1:5080      (POST /bot{token}/{method})
//   Bitrix24__WebhookUrl     = http://127.0.0.1:5080/rest/1/{FakeBitrix24Portal.Secret}/   (printed at start)
//   HeadHunter__ClientId / ClientSecret, Telegram__BotToken / ChatId: the fakes' test values (FakeHhApi, FakeTelegramApi)
//
// --employer makes hh.ru's account an employer's with a vacancy and N responses (3 by default); a delivery loop
// POSTs hh.ru's webhook callbacks to the subscribed address every --delivery-interval seconds (1 by default), the
// way hh.ru does (2-second timeout, re-sent unless 2xx or 409). --webhook-url subscribes an address from the start
// (the app's own subscription, made when it connects, takes its place). --port 0 picks a free port.
//
// GET /_fake/health answers "ok" once the server listens; GET /_fake/state summarises what the fakes saw (no
// token, code, state, message text, webhook address or candidate data); POST /_fake/telegram/updates {"text":"/bump"}
// queues a message from the owner's chat for getUpdates (a host that polls); POST /_fake/hh/responses
// [{"firstName":"…","lastName":"…"}] makes a new response (and its callbacks). One line per request goes to
// standard output, without query strings, the bot token or the Bitrix24 webhook's secret.
if (!FakeServerOptions.TryParse(args, out var options, out var error))
{
    await Console.Error.WriteLineAsync($"HhFunctions.FakeServer: {error}");
    await Console.Error.WriteLineAsync(FakeServerOptions.Usage);
    return 2;
}

await using var app = FakeServerApp.Build(options!);
await app.StartAsync();
var address = FakeServerApp.Address(app);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"fake hh.ru + Telegram + Bitrix24 listening on {address.AbsoluteUri.TrimEnd('/')}{(options!.Employer ? string.Empty : $" (resumes: {string.Join(", ", options.Resumes.Select(r => r.Id))})")}"));
Console.WriteLine($"fake Bitrix24 incoming webhook (Bitrix24__WebhookUrl): {FakeServerApp.Bitrix24WebhookUrl(address).AbsoluteUri}");
if (options.Employer)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"fake hh.ru is an employer's account: vacancy {FakeServerApp.SeededVacancyId}, {options.Responses} response(s); callbacks every {options.DeliveryInterval.TotalSeconds:0.##} s to {(options.WebhookUrl is null ? "the address the app subscribes" : "the --webhook-url address")}"));
}

await app.WaitForShutdownAsync();
return 0;
