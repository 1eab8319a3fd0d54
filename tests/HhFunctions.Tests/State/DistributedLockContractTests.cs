using HhFunctions.State;
using HhFunctions.Testing;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.State;

/// <summary>
/// What every <see cref="IDistributedLock"/> must do, run against each implementation (file and Table).
/// Each derived class supplies a fresh lock object per "app instance" sharing the same lock store.
/// </summary>
public abstract class DistributedLockContractTests
{
    protected const string Name = "hh-token-refresh";
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected FakeTimeProvider Time { get; } = FakeClock.Create();

    /// <summary>A lock object as one app instance has it (same store as the others).</summary>
    protected abstract IDistributedLock Instance();

    [Fact]
    public async Task TryAcquireAsync_Held_SecondAcquireWithZeroWaitReturnsNull()
    {
        // Arrange
        await using var first = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);

        // Act
        var second = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);

        // Assert
        Assert.NotNull(first);
        Assert.Equal(Name, first.Name);
        Assert.Null(second);
    }

    [Fact]
    public async Task TryAcquireAsync_AfterRelease_CanBeRetaken()
    {
        // Arrange
        var first = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(first);
        await first.DisposeAsync();

        // Act
        await using var second = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);

        // Assert
        Assert.NotNull(second);
    }

    [Fact]
    public async Task TryAcquireAsync_WaitingWhileHolderReleases_GetsTheLock()
    {
        // Arrange
        var first = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(first);
        var waiting = Instance().TryAcquireAsync(Name, Lease, TimeSpan.FromSeconds(30), CancellationToken.None);
        await Time.RunAsync(Task.Delay(TimeSpan.FromSeconds(3), Time), TimeSpan.FromMilliseconds(500));
        Assert.False(waiting.IsCompleted);

        // Act
        await first.DisposeAsync();
        await using var second = await Time.RunAsync(waiting, TimeSpan.FromMilliseconds(500));

        // Assert
        Assert.NotNull(second);
    }
}
