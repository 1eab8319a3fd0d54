using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Vacancies;

namespace HhFunctions.Tests.State;

/// <summary>
/// What the watch relies on from any <see cref="IVacancyStore"/>, run against Table storage (Azurite) by
/// <see cref="AzureTableVacancyStoreTests"/> and against files by <see cref="FileVacancyStoreTests"/>.
/// </summary>
public abstract class VacancyStoreTests
{
    protected static readonly DateTimeOffset T0 = FakeClock.Start;

    protected abstract IVacancyStore CreateStore();

    protected static VacancyRecord V(string id, DateTimeOffset firstSeen, string source = "A", decimal? from = 100_000) =>
        new(id, "Dev " + id, "Acme", "Москва", from, 200_000, "RUR", true, "3–6 years", "remote", "full", firstSeen.AddHours(-1), "https://hh.ru/vacancy/" + id, true, false, false, [source], firstSeen, firstSeen);

    [Fact]
    public async Task SaveAsync_ThenFind_RoundTripsEveryField()
    {
        var store = CreateStore();
        var saved = V("1", T0);

        await store.SaveAsync([saved], default);

        var read = (await store.FindAsync(["1", "missing"], default)).Single();
        Assert.Equal("1", read.Key);
        Assert.Equal(saved with { Sources = read.Value.Sources }, read.Value);
        Assert.Equal(["A"], read.Value.Sources);
    }

    [Fact]
    public async Task SaveAsync_SeenAgainInALaterMonth_StaysInItsFirstMonthUpdated()
    {
        var store = CreateStore();
        await store.SaveAsync([V("1", T0)], default);

        await store.SaveAsync([V("1", T0) with { LastSeen = T0.AddDays(40), Archived = true, Sources = ["A", "B"] }], default);

        var all = await store.ListAsync(null, default);
        var one = Assert.Single(all);
        Assert.True(one.Archived);
        Assert.Equal(T0.AddDays(40), one.LastSeen);
        Assert.Equal(["A", "B"], one.Sources);
    }

    [Fact]
    public async Task ListAsync_From_ReadsOnlyThatMonthAndLater()
    {
        var store = CreateStore();
        await store.SaveAsync([V("jan", new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero)), V("feb", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)), V("mar", T0)], default);

        var recent = await store.ListAsync(new DateTimeOffset(2026, 2, 15, 0, 0, 0, TimeSpan.Zero), default);

        Assert.Equal(["feb", "mar"], recent.Select(v => v.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await store.ListAsync(null, default)).Count);
    }

    [Fact]
    public async Task SaveAsync_ManyInOneMonth_AllStored()
    {
        var store = CreateStore();

        await store.SaveAsync(Enumerable.Range(0, 250).Select(i => V(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0)).ToList(), default);

        Assert.Equal(250, (await store.ListAsync(null, default)).Count);
        Assert.Equal(3, (await store.FindAsync(["0", "125", "249"], default)).Count);
    }

    [Fact]
    public async Task HideAsync_Twice_SecondSaysAlreadyHidden()
    {
        var store = CreateStore();

        Assert.True(await store.HideAsync("42", default));
        Assert.False(await store.HideAsync("42", default));

        Assert.Equal(["42"], await store.GetHiddenAsync(default));
    }

    [Fact]
    public async Task SaveWatermarkAsync_PerSource_ReplacesThatSourceOnly()
    {
        var store = CreateStore();
        await store.SaveWatermarkAsync(new SourceWatermark("C#/.NET #1?", "query", T0, ["1", "2"], T0, 2, 2, 2, null), default);
        await store.SaveWatermarkAsync(new SourceWatermark("B", "saved", null, [], T0, 0, 0, 0, "hh.ru 400"), default);

        await store.SaveWatermarkAsync(new SourceWatermark("C#/.NET #1?", "query", T0.AddHours(1), ["3"], T0.AddHours(1), 1, 100, 3, null), default);

        var all = (await store.GetWatermarksAsync(default)).OrderBy(w => w.Source, StringComparer.Ordinal).ToList();
        Assert.Equal(["B", "C#/.NET #1?"], all.Select(w => w.Source));
        Assert.Equal("hh.ru 400", all[0].LastError);
        Assert.Equal(T0.AddHours(1), all[1].NewestPublishedAt);
        Assert.Equal(["3"], all[1].TopIds);
    }

    [Fact]
    public async Task SaveWatchStateAsync_ReadBack()
    {
        var store = CreateStore();
        Assert.Equal(WatchState.Empty, await store.GetWatchStateAsync(default));
        var run = new WatchRun("r1", "timer", T0, T0.AddSeconds(5), RunStatus.Succeeded, "2 new", 3, 2, [new WatchSourceResult("A", 3, 250, 2, null)]);

        await store.SaveWatchStateAsync(new WatchState(run, "captcha"), default);

        var read = await store.GetWatchStateAsync(default);
        Assert.Equal("captcha", read.AlertedProblem);
        Assert.Equal("2 new", read.LastRun!.Summary);
        Assert.Equal(new WatchSourceResult("A", 3, 250, 2, null), Assert.Single(read.LastRun.Sources));
    }
}
