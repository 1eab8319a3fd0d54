using HhFunctions.Configuration;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.State;

/// <summary>The cross-instance lock on real Table storage (Azurite): exclusive, releasable, taken over only after expiry.</summary>
public sealed class TableDistributedLockTests : DistributedLockContractTests
{
    private readonly IOptions<StorageOptions> _options = Options.Create(new StorageOptions { ConnectionString = Azurite.ConnectionString, TablePrefix = Azurite.NewPrefix() });

    /// <summary>A lock object as one app instance has it (own client, same tables).</summary>
    protected override IDistributedLock Instance() => new TableDistributedLock(Azurite.CreateClient(), _options, Time);

    [Fact]
    public async Task TryAcquireAsync_OtherName_IsIndependent()
    {
        // Arrange
        await using var first = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);

        // Act
        await using var other = await Instance().TryAcquireAsync("bump-run", Lease, TimeSpan.Zero, CancellationToken.None);

        // Assert
        Assert.NotNull(first);
        Assert.NotNull(other);
    }

    [Fact]
    public async Task TryAcquireAsync_HolderCrashedBeforeLeaseExpiry_StillHeld()
    {
        // Arrange: the holder never disposes its lease.
        var crashed = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(crashed);
        Time.Advance(Lease - TimeSpan.FromSeconds(1));

        // Act
        var second = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);

        // Assert
        Assert.Null(second);
    }

    [Fact]
    public async Task TryAcquireAsync_HolderCrashed_TakenOverAfterLeaseExpiry()
    {
        // Arrange
        var crashed = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(crashed);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        // Act
        await using var second = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        var third = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);

        // Assert
        Assert.NotNull(second);
        Assert.Null(third); // the take-over is itself exclusive, with a fresh lease
    }

    [Fact]
    public async Task DisposeAsync_StaleHolderAfterTakeOver_DoesNotReleaseTheNewHoldersLock()
    {
        // Arrange
        var stale = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(stale);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var current = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(current);

        // Act
        await stale.DisposeAsync();
        var intruder = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);

        // Assert
        Assert.Null(intruder);
        await current.DisposeAsync();
        await using var after = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(after);
    }

    [Fact]
    public async Task TryAcquireAsync_TwoExpiredTakeOversAtOnce_OnlyOneWins()
    {
        // Arrange
        var crashed = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(crashed);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        // Act
        var leases = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None)));

        // Assert
        Assert.Single(leases, l => l is not null);
    }
}
