using HhFunctions.Applying;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Applying;

/// <summary>A connected app with a published resume and vacancies on the fake hh.ru; helpers that drive fake time.</summary>
internal static class ApplyTestKit
{
    public const string Template = "Hello, {employer}! I want the {vacancy} job. I know {skills}. {name}";

    public static async Task<AppFactory> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["Apply:LetterTemplate"] = Template };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        var app = AppFactory.With(all);
        await app.ConnectAsync();
        var resume = app.Hh.AddResume("r1", "Backend developer");
        resume.SkillSet.AddRange(["C#", "SQL", "Docker"]);
        return app;
    }

    public static FakeVacancyDetail Vacancy(this AppFactory app, string id = "1001", string name = "Backend developer", params string[] skills)
    {
        var v = app.Hh.AddVacancy(id, name, "Acme");
        v.KeySkills.AddRange(skills.Length == 0 ? ["C#", "Kotlin", "SQL"] : skills);
        return v;
    }

    public static Task<HttpResponseMessage> BotAsync(this AppFactory app, string text) =>
        app.Time.RunAsync(app.SendTextAsync(text), TimeSpan.FromMilliseconds(400), TimeSpan.FromHours(2));

    public static Task<HttpResponseMessage> TapAsync(this AppFactory app, string data) =>
        app.Time.RunAsync(app.PostWebhookAsync(FakeTelegramApi.CallbackUpdate(Interlocked.Increment(ref _updates), data)), TimeSpan.FromMilliseconds(400), TimeSpan.FromHours(2));

    public static async Task<ApplyResult> ApplyAsync(this AppFactory app, string vacancyId, string source = ApplyService.TelegramSource)
    {
        using var scope = app.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<ApplyService>();
        return await app.Time.RunAsync(service.ApplyAsync(vacancyId, source, null, CancellationToken.None), TimeSpan.FromMilliseconds(400), TimeSpan.FromHours(2));
    }

    public static async Task<TrackResult> TrackAsync(this AppFactory app)
    {
        using var scope = app.Services.CreateScope();
        return await app.Time.RunAsync(scope.ServiceProvider.GetRequiredService<ApplicationTracker>().TrackAsync(CancellationToken.None), TimeSpan.FromMilliseconds(400), TimeSpan.FromHours(2));
    }

    public static Task<ApplicationRecord?> RecordAsync(this AppFactory app, string vacancyId) =>
        app.Services.GetRequiredService<IApplicationStore>().GetAsync(vacancyId, CancellationToken.None);

    public static string Last(this AppFactory app) => app.Telegram.Messages.Last().Text;

    private static int _updates = 90_000;
}
