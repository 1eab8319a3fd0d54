using HhFunctions.Recruiting.Invitations;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Recruiting.Invitations;

/// <summary>What the invitation tests share: a vacancy and a resume at the fake hh.ru, and the bot's commands driven on fake time.</summary>
internal static class InvitationKit
{
    public const string VacancyId = "700100";
    public const string VacancyName = "C# developer";
    public const string ResumeId = "a1b2c3d4e5f60718293a4b5c6d7e8f9012ab";
    public const string ResumeLink = "https://hh.ru/resume/" + ResumeId;

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    public static async Task<RecruitingKit> ConnectedAsync(IDictionary<string, string?>? settings = null)
    {
        var kit = RecruitingKit.Create(settings);
        kit.Employer.AddVacancy(VacancyId, VacancyName);
        kit.Employer.AddResume(ResumeId, "Anna", "Petrova", "owner-anna");
        await kit.ConnectEmployerAccountAsync();
        return kit;
    }

    /// <summary>Sends a message from the owner's chat through the Telegram webhook; returns the bot's last answer.</summary>
    public static async Task<string> SayAsync(this RecruitingKit kit, string text)
    {
        var before = kit.App.Telegram.Messages.Count;
        using var response = await kit.App.Time.RunAsync(kit.App.SendTextAsync(text), Step, TimeSpan.FromHours(1));
        response.EnsureSuccessStatusCode();
        var sent = kit.App.SentTexts();
        Assert.True(sent.Count > before, "The bot did not answer " + text);
        return sent[^1];
    }

    public static Task<InviteResult> InviteAsync(this RecruitingKit kit, string resume = ResumeLink, string vacancy = VacancyId, string? message = null)
    {
        var scope = kit.Services.CreateScope();
        return kit.App.Time.RunAsync(Run(), Step, TimeSpan.FromHours(1));

        async Task<InviteResult> Run()
        {
            using (scope)
            {
                return await scope.ServiceProvider.GetRequiredService<InvitationService>().InviteAsync(resume, vacancy, message, "test", CancellationToken.None);
            }
        }
    }

    /// <summary>Handles the queued events and writes the CRM records.</summary>
    public static async Task SyncAsync(this RecruitingKit kit)
    {
        await kit.ProcessEventsAsync();
        await kit.DrainAsync();
    }

    public static IReadOnlyList<System.Text.Json.Nodes.JsonObject> Leads(this RecruitingKit kit) =>
        kit.Portal.Items(HhFunctions.Recruiting.CrmRecords.LeadType);
}
