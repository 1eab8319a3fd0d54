using HhFunctions.Configuration;
using HhFunctions.Recruiting;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

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

public sealed class TableDeskStoreTests : DeskStoreTests, IDisposable
{
    private readonly IOptions<StorageOptions> _options = Options.Create(new StorageOptions { ConnectionString = "set", TablePrefix = Azurite.NewPrefix() });
    private readonly FakeTimeProvider _time = new(T0);
    private readonly List<TableRecruitingStore> _stores = [];
    private readonly TableRecruitingStore _store;

    public TableDeskStoreTests() => _store = NewInstance();

    protected override IRecruitingStore Store => _store;

    [Fact]
    public async Task ListTopics_AnotherInstancesWrites_AreSeenByTheNextListing()
    {
        await _store.UpdateTopicAsync("1", _ => Topic("1"), default);
        Assert.Single(await _store.ListTopicsAsync(default)); // read once, then kept

        var other = NewInstance();
        await other.UpdateTopicAsync("2", _ => Topic("2") with { Candidate = RecruitingKit.Person("2") }, default);
        await other.UpdateTopicAsync("1", t => t! with { HhStage = "offer" }, default);

        var all = (await _store.ListTopicsAsync(default)).ToDictionary(t => t.TopicId);
        Assert.Equal(2, all.Count);
        Assert.Equal("offer", all["1"].HhStage);
        Assert.Null(all["2"].Candidate);
    }

    [Fact]
    public async Task ListTopics_ItsOwnWrite_IsSeenAtOnce_WithoutItsCandidate()
    {
        Assert.Empty(await _store.ListTopicsAsync(default));

        await _store.UpdateTopicAsync("1", _ => Topic("1", TopicStatus.Pending) with { Candidate = RecruitingKit.Person("1") }, default);
        var listed = Assert.Single(await _store.ListTopicsAsync(default));

        Assert.Equal(TopicStatus.Pending, listed.Status);
        Assert.Null(listed.Candidate);
    }

    [Fact]
    public async Task ListTopics_ARowChangedTwice_KeepsTheLatest()
    {
        var other = NewInstance();
        await _store.UpdateTopicAsync("1", _ => Topic("1"), default);
        Assert.Single(await _store.ListTopicsAsync(default));
        Assert.Single(await other.ListTopicsAsync(default));

        await other.UpdateTopicAsync("1", t => t! with { HhStage = "interview" }, default);
        await other.UpdateTopicAsync("1", t => t! with { HhStage = "offer" }, default);
        Assert.Equal("offer", Assert.Single(await _store.ListTopicsAsync(default)).HhStage);

        await _store.UpdateTopicAsync("1", t => t! with { HhStage = "hired" }, default);
        Assert.Equal("hired", Assert.Single(await _store.ListTopicsAsync(default)).HhStage);
        Assert.Equal("hired", Assert.Single(await other.ListTopicsAsync(default)).HhStage);
    }

    [Fact]
    public async Task ListTopics_UnchangedRowsBetweenListings_StayListedAsTheyWere()
    {
        await _store.UpdateTopicAsync("1", _ => Topic("1") with { HhStage = "consider" }, default);
        await _store.UpdateTopicAsync("2", _ => Topic("2"), default);
        Assert.Equal(2, (await _store.ListTopicsAsync(default)).Count);

        for (var i = 0; i < 3; i++)
        {
            var all = (await _store.ListTopicsAsync(default)).ToDictionary(t => t.TopicId);
            Assert.Equal(["1", "2"], all.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("consider", all["1"].HhStage);
        }
    }

    [Fact]
    public async Task ListTopics_ARowDeletedByHand_LeavesWithTheNextFullRead()
    {
        await _store.UpdateTopicAsync("1", _ => Topic("1"), default);
        await _store.UpdateTopicAsync("2", _ => Topic("2"), default);
        Assert.Equal(2, (await _store.ListTopicsAsync(default)).Count);

        var table = Azurite.CreateClient().GetTableClient(_options.Value.TablePrefix + "Recruiting");
        await table.DeleteEntityAsync("topic", "2");
        Assert.Equal(2, (await _store.ListTopicsAsync(default)).Count); // a deletion shows no Timestamp: kept until the full read

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("1", Assert.Single(await _store.ListTopicsAsync(default)).TopicId);
    }

    [Fact]
    public async Task ListTopics_WhileTwoInstancesWrite_EndsWithWhatTheTableHolds()
    {
        var other = NewInstance();
        await _store.UpdateTopicAsync("0", _ => Topic("0"), default);
        Assert.Single(await _store.ListTopicsAsync(default));

        var writes = Enumerable.Range(0, 40).Select(async i =>
        {
            var id = (i % 8).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var writer = i % 2 == 0 ? _store : other;
            await writer.UpdateTopicAsync(id, t => (t ?? Topic(id)) with { Failures = (t?.Failures ?? 0) + 1 }, default);
        }).ToList();
        var listings = Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await _store.ListTopicsAsync(default);
            }
        });
        await Task.WhenAll([.. writes, listings]);

        var listed = (await _store.ListTopicsAsync(default)).ToDictionary(t => t.TopicId);
        Assert.Equal(8, listed.Count);
        Assert.Equal(40, listed.Values.Sum(t => t.Failures));
        foreach (var (id, topic) in listed)
        {
            Assert.Equal((await _store.GetTopicAsync(id, default))!.Failures, topic.Failures);
        }
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }
    }

    private TableRecruitingStore NewInstance()
    {
        var store = new TableRecruitingStore(Azurite.CreateClient(), _options, _time);
        _stores.Add(store);
        return store;
    }
}
