using HhFunctions.Configuration;
using HhFunctions.Recruiting.Invitations;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Recruiting.Invitations;

/// <summary>The two invitation stores behave alike: one claim per resume + vacancy among concurrent writers, records and the notify state round-trip.</summary>
public abstract class InvitationStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    protected abstract IInvitationStore Create();

    [Fact]
    public async Task ConcurrentClaims_OnlyOneWins()
    {
        var store = Create();
        var wins = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var (_, changed) = await store.UpdateAsync("a1b2c3d4e5f6", "700100", r => r ?? new InvitationRecord("a1b2c3d4e5f6", "700100", InvitationStatus.Sending, T0, T0), CancellationToken.None);
            if (changed)
            {
                Interlocked.Increment(ref wins);
            }
        }));

        Assert.Equal(1, wins);
        Assert.Equal(InvitationStatus.Sending, (await store.GetAsync("a1b2c3d4e5f6", "700100", CancellationToken.None))!.Status);
        Assert.Null(await store.GetAsync("a1b2c3d4e5f6", "700200", CancellationToken.None));
    }

    [Fact]
    public async Task RecordsAndNotifyState_RoundTrip()
    {
        var store = Create();
        await store.UpdateAsync("r/1", "v 2", _ => new InvitationRecord("r/1", "v 2", InvitationStatus.Sent, T0, T0) { TopicId = "123", Posts = 1 }, CancellationToken.None);
        var (state, changed) = await store.UpdateNotifyStateAsync(s => s with { LastSummaryAt = T0, Invited = 2, WrittenPerVacancy = new Dictionary<string, int> { ["C# developer"] = 3 } }, CancellationToken.None);
        var (_, unchanged) = await store.UpdateNotifyStateAsync(s => s, CancellationToken.None);

        var back = (await store.GetAsync("r/1", "v 2", CancellationToken.None))!;
        Assert.Equal(("123", 1, InvitationStatus.Sent), (back.TopicId, back.Posts, back.Status));
        Assert.True(changed);
        Assert.False(unchanged);
        Assert.Equal(T0, state.LastSummaryAt);
        var read = await store.GetNotifyStateAsync(CancellationToken.None);
        Assert.Equal(3, read.WrittenPerVacancy["C# developer"]);
        Assert.Equal(2, read.Invited);
    }
}

public sealed class FileInvitationStoreTests : InvitationStoreTests, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N"));

    protected override IInvitationStore Create() => new FileInvitationStore(new DataFolder(_path));

    public void Dispose()
    {
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }
}

public sealed class TableInvitationStoreTests : InvitationStoreTests
{
    protected override IInvitationStore Create() =>
        new TableInvitationStore(Azurite.CreateClient(), Options.Create(new StorageOptions { ConnectionString = "set", TablePrefix = Azurite.NewPrefix() }));
}
