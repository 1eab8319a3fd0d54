using System.Globalization;
using HhFunctions.FakeServer;

// Serves the test fakes of hh.ru (FakeHhApi) and Telegram (FakeTelegramApi) over real HTTP on 127.0.0.1, so a
// real host of the app (the Functions host started by `func start` in CI) can be pointed at them:
//
//   dotnet run --project tests/HhFunctions.FakeServer -- --port 5080 [--resume <id>=<title> ...]
//
//   HeadHunter__ApiBaseUrl   = http://127.0.0.1:5080      (POST /token, GET /me, /resumes/mine, POST /resumes/{id}/publish)
//   HeadHunter__OAuthBaseUrl = http://127.0.0.1:5080      (GET /oauth/authorize: approves at once, see FakeServerApp)
//   Telegram__ApiBaseUrl     = http://127.0.0.1:5080      (POST /bot{token}/{method})
//   HeadHunter__ClientId / ClientSecret, Telegram__BotToken / ChatId: the fakes' test values (FakeHhApi, FakeTelegramApi)
//
// GET /_fake/health answers "ok" once the server listens; GET /_fake/state summarises what the fakes saw (no
// token, code, state or message text); POST /_fake/telegram/updates {"text":"/bump"} queues a message from the
// owner's chat for getUpdates (a host that polls). One line per request goes to standard output, without query
// strings.
if (!FakeServerOptions.TryParse(args, out var options, out var error))
{
    await Console.Error.WriteLineAsync($"HhFunctions.FakeServer: {error}");
    await Console.Error.WriteLineAsync(FakeServerOptions.Usage);
    return 2;
}

await using var app = FakeServerApp.Build(options!);
await app.StartAsync();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"fake hh.ru + Telegram listening on http://127.0.0.1:{options!.Port} (resumes: {string.Join(", ", options.Resumes.Select(r => r.Id))})"));
await app.WaitForShutdownAsync();
return 0;
