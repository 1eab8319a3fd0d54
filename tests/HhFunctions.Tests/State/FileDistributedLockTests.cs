using HhFunctions.State;
using HhFunctions.Testing;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.State;

/// <summary>The standalone lock: an OS file lock, exclusive within a process and against any other handle.</summary>
public sealed class FileDistributedLockTests : IDisposable
{
    private const string Name = "hh-token-refresh";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _time = FakeClock.Create();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", "locks-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private FileDistributedLock Instance() => new(_folder, _time);

    private string LockFile => Path.Combine(_folder, Name + ".lock");

    [Fact]
    public async Task TryAcquireAsync_HeldInThisProcess_SecondWithZeroWaitReturnsNull()
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
    public async Task TryAcquireAsync_FileHeldByAnotherHandle_ReturnsNull()
    {
        // Arrange: another process (or anything) holding the lock file exclusively.
        Directory.CreateDirectory(_folder);
        using var other = new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        // Act
        var lease = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);

        // Assert
        Assert.Null(lease);
    }

    [Fact]
    public async Task TryAcquireAsync_Held_OtherHandleCannotOpenTheLockFile()
    {
        // Arrange
        await using var lease = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(lease);

        // Act
        var ex = Record.Exception(() => new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None).Dispose());

        // Assert
        Assert.IsAssignableFrom<IOException>(ex);
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
        await _time.RunAsync(Task.Delay(TimeSpan.FromSeconds(2), _time), TimeSpan.FromMilliseconds(100));
        Assert.False(waiting.IsCompleted);

        // Act
        await first.DisposeAsync();
        await using var second = await _time.RunAsync(waiting, TimeSpan.FromMilliseconds(100));

        // Assert
        Assert.NotNull(second);
    }

    [Fact]
    public async Task TryAcquireAsync_HeldForTheWholeWait_ReturnsNullAfterTheWait()
    {
        // Arrange
        await using var first = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        var started = _time.GetUtcNow();

        // Act
        var second = await _time.RunAsync(Instance().TryAcquireAsync(Name, Lease, TimeSpan.FromSeconds(10), CancellationToken.None), TimeSpan.FromMilliseconds(500));

        // Assert
        Assert.Null(second);
        Assert.InRange(_time.GetUtcNow() - started, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
    }
}
