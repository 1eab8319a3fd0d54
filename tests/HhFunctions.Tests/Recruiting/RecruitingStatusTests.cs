using HhFunctions.Recruiting;
using HhFunctions.StatusPage;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Recruiting;

/// <summary>The status page and /status show the account kind and recruiting's section; an applicant's app shows neither.</summary>
public sealed class RecruitingStatusTests : IDisposable
{
    private readonly RecruitingKit _kit = RecruitingKit.Create();

    public void Dispose() => _kit.Dispose();

    private async Task<string> PageAsync()
    {
        using var client = _kit.App.CreateClient();
        return await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));
    }

    private async Task<string> BotStatusAsync()
    {
        using var scope = _kit.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<StatusCommand>().StatusAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Section_FromTheDesksTopicList_SaysTheSameAsFromTheStoresLists()
    {
        await _kit.ConnectEmployerAccountAsync();
        await _kit.SeedAsync(RecruitingKit.Person("501", "Anna", "Petrova", "+79160000501"));
        await _kit.DrainAsync();
        var at = _kit.App.Time.GetUtcNow();
        await _kit.Store.UpdateTopicAsync("503", _ => new TopicRecord("503", TopicStatus.Failed, at, at) { Problem = "Bitrix24 refused the record.", Failures = 3 }, CancellationToken.None);
        await _kit.Store.UpdateTopicAsync("502", _ => new TopicRecord("502", TopicStatus.Failed, at.AddMinutes(-1), at) { Problem = "hh.ru refused.", Failures = 2 }, CancellationToken.None);
        await _kit.Store.UpdateTopicAsync("505", _ => new TopicRecord("505", TopicStatus.Pending, at, at), CancellationToken.None);

        using var scope = _kit.Services.CreateScope();
        var status = scope.ServiceProvider.GetRequiredService<RecruitingStatus>();
        var fromStore = await status.GetAsync(CancellationToken.None);
        var fromTopics = await status.GetAsync(await _kit.Store.ListTopicsAsync(CancellationToken.None), CancellationToken.None);

        Assert.Equal(fromStore!.Lines.Select(l => l.Text), fromTopics!.Lines.Select(l => l.Text));
        Assert.Contains(fromTopics.Lines, l => l.Text.StartsWith("1 response(s) waiting", StringComparison.Ordinal));
        Assert.Equal(["Response 502 failed", "Response 503 failed"], fromTopics.Lines.Where(l => l.Text.Contains(" failed (", StringComparison.Ordinal)).Select(l => l.Text[..19]));
    }

    [Fact]
    public async Task EmployerWithWrittenFailedAndStopped_PageAndBotSayEachWithoutPersonalData()
    {
        await _kit.ConnectEmployerAccountAsync();
        await _kit.SeedAsync(RecruitingKit.Person("501", "Anna", "Petrova", "+79160000501"), RecruitingKit.Person("502", "Boris", "Orlov", "+79160000502"));
        await _kit.DrainAsync();
        await _kit.Store.UpdateTopicAsync("503", _ => new TopicRecord("503", TopicStatus.Failed, _kit.App.Time.GetUtcNow(), _kit.App.Time.GetUtcNow()) { Problem = "hh.ru refuses the response: the employer account needs paid API access (api_access_payment).", Failures = 3 }, CancellationToken.None);
        _kit.Portal.Revoked = true;
        await _kit.SeedAsync(RecruitingKit.Person("504", "Vera", "Sidorova", "+79160000504"));
        await _kit.DrainAsync();

        var page = await PageAsync();
        var bot = await BotStatusAsync();

        foreach (var text in new[] { page, bot })
        {
            Assert.Contains("Recruiting (hh.ru → Bitrix24)", text, StringComparison.Ordinal);
            Assert.Contains("2 response(s) written into Bitrix24.", text, StringComparison.Ordinal);
            Assert.Contains("1 response(s) waiting", text, StringComparison.Ordinal);
            Assert.Contains("Response 503 failed (3 attempts)", text, StringComparison.Ordinal);
            Assert.Contains("Bitrix24 writing stopped", text, StringComparison.Ordinal);
            Assert.Contains("subscribed", text, StringComparison.Ordinal);
            foreach (var personal in new[] { "Anna", "Petrova", "Sidorova", "79160000504", FakeBitrix24Portal.Secret, RecruitingKit.WebhookKey })
            {
                Assert.DoesNotContain(personal, text, StringComparison.Ordinal);
            }
        }

        Assert.Contains("id=\"recruiting\"", page, StringComparison.Ordinal);
        Assert.Contains("Acme HR", page, StringComparison.Ordinal); // the employer's name from /me
    }

    [Fact]
    public async Task ApplicantWithoutBitrix_NoRecruitingSection()
    {
        using var kit = RecruitingKit.Create(new Dictionary<string, string?> { ["Bitrix24:WebhookUrl"] = null });
        await kit.App.ConnectAsync();
        using var client = kit.App.CreateClient();

        var page = await client.GetStringAsync(new Uri("/api/status", UriKind.Relative));

        Assert.DoesNotContain("id=\"recruiting\"", page, StringComparison.Ordinal);
    }
}
