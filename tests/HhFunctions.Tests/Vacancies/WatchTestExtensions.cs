using System.Text.Json;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Vacancies;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Vacancies;

internal static class WatchTestExtensions
{
    public static AppFactory WatchApp(string? queries = "name=C# jobs&text=C%23", IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Search:Queries"] = queries };
        foreach (var (k, v) in more ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        return AppFactory.With(settings);
    }

    /// <summary>Runs the watch job once, moving fake time for the pacing between hh.ru calls.</summary>
    public static async Task<WatchRun> RunWatchAsync(this AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredService<VacancyWatchJob>();
        return await app.Time.RunAsync(job.RunAsync("test", CancellationToken.None), step: TimeSpan.FromMilliseconds(50), limit: TimeSpan.FromMinutes(30));
    }

    public static IVacancyStore Vacancies(this AppFactory app) => app.Services.GetRequiredService<IVacancyStore>();

    /// <summary>The vacancy search requests hh.ru got (any of the three kinds), in order.</summary>
    public static List<RecordedRequest> SearchRequests(this AppFactory app) =>
        app.Hh.Requests.Where(r => FakeHhVacancies.Serves(r.Uri.AbsolutePath.TrimStart('/'))).ToList();

    /// <summary>The inline keyboards of the sent messages: per message, the callback data of every button.</summary>
    public static List<List<string>> SentButtons(this AppFactory app) =>
        app.Telegram.Calls.Where(c => c.Method == "sendMessage")
            .Select(c => c.Body.TryGetProperty("reply_markup", out var markup)
                ? markup.GetProperty("inline_keyboard").EnumerateArray().SelectMany(row => row.EnumerateArray()).Select(b => b.GetProperty("callback_data").GetString()!).ToList()
                : [])
            .ToList();

    /// <summary>A button press in the owner's chat, as Telegram posts it to the webhook.</summary>
    public static string CallbackUpdate(int updateId, string data, long? chatId = null)
    {
        var chat = chatId ?? long.Parse(FakeTelegramApi.ChatId, System.Globalization.CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(new
        {
            update_id = updateId,
            callback_query = new
            {
                id = "cb-" + updateId,
                from = new { id = chat, is_bot = false, first_name = "Ivan" },
                message = new { message_id = 77, date = 1772438430, chat = new { id = chat, type = "private" }, text = "digest" },
                chat_instance = "ci-1",
                data,
            },
        });
    }
}
