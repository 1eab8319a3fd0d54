using HhFunctions.Configuration;
using HhFunctions.Recruiting;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Recruiting;

/// <summary>What the desk needs from the recruiting store, the same in both implementations: every topic (without its personal data), and the vacancies with their assignee.</summary>
public abstract class DeskStoreTests
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    protected abstract IRecruitingStore Store { get; }

    protected static TopicRecord Topic(string id, TopicStatus status = TopicStatus.Written) =>
        new(id, status, T0, T0) { VacancyId = "700", HhStage = "response", CrmKind = "lead", CrmId = 5 };

    [Fact]
    public async Task ListTopics_EveryTopic_WithoutItsCandidate()
    {
        await Store.UpdateTopicAsync("1", _ => Topic("1") with { Status = TopicStatus.Pending, Candidate = RecruitingKit.Person("1") }, default);
        await Store.UpdateTopicAsync("2", _ => Topic("2"), default);
        await Store.UpdateTopicAsync("3", _ => Topic("3", TopicStatus.Failed), default);

        var all = await Store.ListTopicsAsync(default);

        Assert.Equal(["1", "2", "3"], all.Select(t => t.TopicId).Order(StringComparer.Ordinal));
        Assert.All(all, t => Assert.Null(t.Candidate));
        Assert.All(all, t => Assert.Equal("700", t.VacancyId));
        Assert.NotNull((await Store.GetTopicAsync("1", default))!.Candidate); // the record itself keeps it until written
    }

    [Fact]
    public async Task ListTopics_SeesEveryLaterChange()
    {
        await Store.UpdateTopicAsync("1", _ => Topic("1"), default);
        Assert.Single(await Store.ListTopicsAsync(default));

        await Store.UpdateTopicAsync("1", t => t! with { HhStage = "interview" }, default);
        await Store.UpdateTopicAsync("2", _ => Topic("2"), default);

        var all = (await Store.ListTopicsAsync(default)).ToDictionary(t => t.TopicId);
        Assert.Equal(2, all.Count);
        Assert.Equal("interview", all["1"].HhStage);
    }

    [Fact]
    public async Task Vacancies_UpdateGetAndList_KeepTheAssignee()
    {
        Assert.Empty(await Store.ListVacanciesAsync(default));
        var (made, changed) = await Store.UpdateVacancyAsync("700", _ => new RecruitingVacancy("700", "C# developer", true, T0, T0), default);
        Assert.True(changed);
        await Store.UpdateVacancyAsync("700", v => v! with { AssigneeId = 12 }, default);
        var (same, unchanged) = await Store.UpdateVacancyAsync("700", v => v, default);
        await Store.UpdateVacancyAsync("701", _ => new RecruitingVacancy("701", "QA", false, T0, T0), default);

        Assert.Equal("C# developer", made!.Name);
        Assert.False(unchanged);
        Assert.Equal(12, same!.AssigneeId);
        Assert.Equal(12, (await Store.GetVacancyAsync("700", default))!.AssigneeId);
        Assert.Null(await Store.GetVacancyAsync("702", default));
        Assert.Equal(["700", "701"], (await Store.ListVacanciesAsync(default)).Select(v => v.VacancyId).Order(StringComparer.Ordinal));
    }
}

public sealed class FileDeskStoreTests : DeskStoreTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N"));
    private readonly FileRecruitingStore _store;

    public FileDeskStoreTests() => _store = new FileRecruitingStore(new DataFolder(_folder));

    protected override IRecruitingStore Store => _store;

    [Fact]
    public async Task ListTopics_AChangeByAnotherProcessOnTheSameFolder_IsSeen()
    {
        await _store.UpdateTopicAsync("1", _ => Topic("1"), default);
        Assert.Single(await _store.ListTopicsAsync(default)); // read once, then kept

        using (var other = new FileRecruitingStore(new DataFolder(_folder)))
        {
            await Task.Delay(20); // the folder's time moves on (file systems keep it to a few milliseconds)
            await other.UpdateTopicAsync("2", _ => Topic("2"), default);
            await other.UpdateTopicAsync("1", t => t! with { HhStage = "offer" }, default);
        }

        var all = (await _store.ListTopicsAsync(default)).ToDictionary(t => t.TopicId);
        Assert.Equal(2, all.Count);
        Assert.Equal("offer", all["1"].HhStage);
    }

    public void Dispose()
    {
        _store.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

public sealed class TableDeskStoreTests : DeskStoreTests
{
    protected override IRecruitingStore Store { get; } =
        new TableRecruitingStore(Azurite.CreateClient(), Options.Create(new StorageOptions { ConnectionString = "set", TablePrefix = Azurite.NewPrefix() }));
}
