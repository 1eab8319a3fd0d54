using HhFunctions.Configuration;
using HhFunctions.OwnDatabase;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.OwnDatabase;

/// <summary>
/// What the pump relies on from any <see cref="IMirrorOutbox"/>: run against Table storage (Azurite) and against files.
/// </summary>
public abstract class MirrorOutboxTests
{
    protected static readonly DateTimeOffset T0 = FakeClock.Start;

    protected abstract IMirrorOutbox CreateOutbox(TimeProvider time);

    private static List<MirrorEntry> Entries(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => new MirrorEntry(MirrorKinds.Vacancy, prefix + i, "{\"n\":" + i + "}")).ToList();

    [Fact]
    public async Task AddPeekRemove_OldestFirst_EveryEntryOnce()
    {
        var time = FakeClock.Create();
        var outbox = CreateOutbox(time);
        await outbox.AddAsync(Entries("a", 2), default);
        time.Advance(TimeSpan.FromSeconds(1));
        await outbox.AddAsync(Entries("b", 150), default); // more than one Table batch
        time.Advance(TimeSpan.FromSeconds(1));
        await outbox.AddAsync(Entries("c", 1), default);
        await outbox.AddAsync([], default);

        var all = await outbox.PeekAsync(1000, default);

        Assert.Equal(153, await outbox.CountAsync(default));
        Assert.Equal(["a0", "a1"], all.Take(2).Select(i => i.Entry.Id));
        Assert.Equal("c0", all[^1].Entry.Id);
        Assert.Equal(153, all.Select(i => i.Entry.Id).Distinct().Count());
        Assert.Equal("{\"n\":149}", all.Single(i => i.Entry.Id == "b149").Entry.Payload);

        await outbox.RemoveAsync(all.Where(i => i.Entry.Id.StartsWith('a')).ToList(), default);

        Assert.Equal(151, await outbox.CountAsync(default));
        Assert.Equal("b0", (await outbox.PeekAsync(1, default))[0].Entry.Id);
    }

    [Fact]
    public async Task RemoveAsync_AlreadyRemovedByAnotherPump_NoError()
    {
        var outbox = CreateOutbox(FakeClock.Create());
        await outbox.AddAsync(Entries("a", 3), default);
        var items = await outbox.PeekAsync(10, default);
        await outbox.AddAsync(Entries("b", 1), default);

        await outbox.RemoveAsync(items, default);
        await outbox.RemoveAsync(items, default); // the other instance's pump drained the same entries

        Assert.Equal(["b0"], (await outbox.PeekAsync(10, default)).Select(i => i.Entry.Id));
    }

    [Fact]
    public async Task AddAsync_LargePayload_RoundTrips()
    {
        var outbox = CreateOutbox(FakeClock.Create());
        var payload = "{\"text\":\"" + new string('я', 100_000) + "\"}"; // past Table storage's 64 KiB a property

        await outbox.AddAsync([new MirrorEntry(MirrorKinds.Application, "1", payload)], default);

        Assert.Equal(payload, Assert.Single(await outbox.PeekAsync(10, default)).Entry.Payload);
    }

    [Fact]
    public async Task State_RoundTripsAndStartsEmpty()
    {
        var outbox = CreateOutbox(FakeClock.Create());
        var empty = await outbox.GetStateAsync(default);

        await outbox.SaveStateAsync(new MirrorState { Backfilled = true, Problem = "PostgreSQL cannot be reached.", ProblemSince = T0 }, default);

        Assert.Equal(MirrorState.Empty, empty);
        Assert.Equal(new MirrorState { Backfilled = true, Problem = "PostgreSQL cannot be reached.", ProblemSince = T0 }, await outbox.GetStateAsync(default));
    }
}

public sealed class TableMirrorOutboxTests : MirrorOutboxTests
{
    protected override IMirrorOutbox CreateOutbox(TimeProvider time) =>
        new TableMirrorOutbox(Azurite.CreateClient(), Options.Create(new StorageOptions { ConnectionString = "set", TablePrefix = Azurite.NewPrefix() }), time);
}

public sealed class FileMirrorOutboxTests : MirrorOutboxTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", "mirror-" + Guid.NewGuid().ToString("N"));
    private readonly List<FileMirrorOutbox> _outboxes = [];

    protected override IMirrorOutbox CreateOutbox(TimeProvider time)
    {
        var outbox = new FileMirrorOutbox(new DataFolder(_folder), time);
        _outboxes.Add(outbox);
        return outbox;
    }

    public void Dispose()
    {
        _outboxes.ForEach(o => o.Dispose());
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
