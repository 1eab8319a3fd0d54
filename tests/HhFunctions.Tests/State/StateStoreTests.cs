using HhFunctions.State;
using HhFunctions.Testing;

namespace HhFunctions.Tests.State;

/// <summary>
/// What the bump job relies on from any <see cref="IStateStore"/>: per-resume state, run history newest first,
/// the account record (paused). Run against each implementation by <see cref="AzureTableStateStoreTests"/>
/// (real Table storage, Azurite) and <see cref="FileStateStoreTests"/>.
/// </summary>
public abstract class StateStoreTests
{
    protected static readonly DateTimeOffset T0 = FakeClock.Start;

    protected abstract IStateStore CreateStore();

    protected static RunRecord Run(string id, DateTimeOffset started, RunStatus status = RunStatus.Succeeded, params ResumeRunResult[] results) =>
        new(id, "timer", started, started.AddMinutes(2), status, $"summary of {id}", results);

    [Fact]
    public async Task SaveOneTimeTokensAsync_TwoPurposesInOneCall_EachWorksOnceAndNoOtherIsKnown()
    {
        var store = CreateStore();
        var link = new OneTimeToken(OneTimePurpose.SetupLink, "link-value", T0.AddHours(24), null);
        var form = new OneTimeToken(OneTimePurpose.FormToken, "form-value", T0.AddHours(1), null);

        await store.SaveOneTimeTokensAsync([link, form], CancellationToken.None);

        Assert.Equal(ConsumeResult.Accepted, await store.ConsumeOneTimeTokenAsync(OneTimePurpose.SetupLink, "link-value", T0, CancellationToken.None));
        Assert.Equal(ConsumeResult.Accepted, await store.ConsumeOneTimeTokenAsync(OneTimePurpose.FormToken, "form-value", T0, CancellationToken.None));
        Assert.Equal(ConsumeResult.AlreadyUsed, await store.ConsumeOneTimeTokenAsync(OneTimePurpose.FormToken, "form-value", T0, CancellationToken.None));
        Assert.Equal(ConsumeResult.Unknown, await store.ConsumeOneTimeTokenAsync(OneTimePurpose.FormToken, "link-value", T0, CancellationToken.None)); // a value works for its own purpose only
    }

    [Fact]
    public async Task GetResumesAsync_NothingSaved_Empty()
    {
        var store = CreateStore();

        Assert.Empty(await store.GetResumesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SaveResumeAsync_ThenGetResumes_RoundTripsEveryField()
    {
        var store = CreateStore();
        var saved = new ResumeState("r1", "Senior <C#> developer", T0, T0.AddHours(4), ResumeOutcome.Raised, "note", T0.AddSeconds(5));

        await store.SaveResumeAsync(saved, CancellationToken.None);

        var read = Assert.Single(await store.GetResumesAsync(CancellationToken.None));
        Assert.Equal(saved, read);
    }

    [Fact]
    public async Task SaveResumeAsync_SameResumeTwice_KeepsOnlyTheLatest()
    {
        var store = CreateStore();
        await store.SaveResumeAsync(new ResumeState("r1", "Dev", T0, T0.AddHours(4), ResumeOutcome.Raised, null, T0), CancellationToken.None);
        await store.SaveResumeAsync(new ResumeState("r2", "QA", null, T0.AddHours(1), ResumeOutcome.NotYet, null, T0), CancellationToken.None);

        await store.SaveResumeAsync(new ResumeState("r1", "Dev", T0, T0.AddHours(4), ResumeOutcome.NotYet, "hh.ru: not yet", T0.AddHours(1)), CancellationToken.None);

        var all = (await store.GetResumesAsync(CancellationToken.None)).OrderBy(r => r.ResumeId, StringComparer.Ordinal).ToList();
        Assert.Equal(["r1", "r2"], all.Select(r => r.ResumeId));
        Assert.Equal(ResumeOutcome.NotYet, all[0].LastOutcome);
        Assert.Equal(T0, all[0].LastRaisedAt);
        Assert.Equal("hh.ru: not yet", all[0].LastMessage);
    }

    [Fact]
    public async Task SaveResumeAsync_IdWithCharactersTableKeysForbid_RoundTrips()
    {
        var store = CreateStore();
        var saved = new ResumeState("a/b#c?d", "Odd id", null, null, ResumeOutcome.Skipped, "not published", T0);

        await store.SaveResumeAsync(saved, CancellationToken.None);

        Assert.Equal(saved, Assert.Single(await store.GetResumesAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task AddRunAsync_RunsAddedOutOfOrder_GetRecentRunsNewestFirst()
    {
        var store = CreateStore();
        await store.AddRunAsync(Run("second", T0.AddHours(4)), CancellationToken.None);
        await store.AddRunAsync(Run("first", T0), CancellationToken.None);
        await store.AddRunAsync(Run("third", T0.AddHours(8), RunStatus.PartiallyFailed, new ResumeRunResult("r1", "Dev", ResumeOutcome.Failed, null, "HTTP 400")), CancellationToken.None);

        var runs = await store.GetRecentRunsAsync(10, CancellationToken.None);

        Assert.Equal(["third", "second", "first"], runs.Select(r => r.Id));
        var third = runs[0];
        Assert.Equal(RunStatus.PartiallyFailed, third.Status);
        Assert.Equal(T0.AddHours(8), third.StartedAt);
        Assert.Equal(T0.AddHours(8).AddMinutes(2), third.FinishedAt);
        Assert.Equal("summary of third", third.Summary);
        Assert.Equal(new ResumeRunResult("r1", "Dev", ResumeOutcome.Failed, null, "HTTP 400"), Assert.Single(third.Results));
    }

    [Fact]
    public async Task GetRecentRunsAsync_FewerRequestedThanStored_ReturnsTheNewestOnly()
    {
        var store = CreateStore();
        for (var i = 0; i < 5; i++)
        {
            await store.AddRunAsync(Run($"run{i}", T0.AddHours(4 * i)), CancellationToken.None);
        }

        var runs = await store.GetRecentRunsAsync(2, CancellationToken.None);

        Assert.Equal(["run4", "run3"], runs.Select(r => r.Id));
    }

    [Fact]
    public async Task GetAccountAsync_NothingSaved_Empty()
    {
        var store = CreateStore();

        Assert.Equal(AccountState.Empty, await store.GetAccountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAccountAsync_Paused_ReadBackPaused()
    {
        var store = CreateStore();

        var returned = await store.UpdateAccountAsync(a => a with { Paused = true, Status = AccountStatus.Connected, UpdatedAt = T0 }, CancellationToken.None);

        var read = await store.GetAccountAsync(CancellationToken.None);
        Assert.True(read.Paused);
        Assert.Equal(AccountStatus.Connected, read.Status);
        Assert.Equal(returned, read);
    }

    [Fact]
    public async Task UpdateAccountAsync_ConcurrentWriters_NoChangeLost()
    {
        var store = CreateStore();

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            Task.Run(() => store.UpdateAccountAsync(a => a with { DisplayName = (a.DisplayName ?? string.Empty) + i }, CancellationToken.None))));

        var name = (await store.GetAccountAsync(CancellationToken.None)).DisplayName;
        Assert.NotNull(name);
        Assert.Equal("01234", string.Concat(name.Order()));
    }
}
