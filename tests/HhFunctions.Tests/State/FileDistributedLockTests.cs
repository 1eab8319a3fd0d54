using HhFunctions.State;
using HhFunctions.Testing;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.State;

/// <summary>The standalone lock: an OS file lock, exclusive within a process and against any other handle.</summary>
public sealed class FileDistributedLockTests : DistributedLockContractTests, IDisposable
{
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

    protected override IDistributedLock Instance() => new FileDistributedLock(_folder, Time);

    private string LockFile => Path.Combine(_folder, Name + ".lock");

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
    public async Task TryAcquireAsync_HeldForTheWholeWait_ReturnsNullAfterTheWait()
    {
        // Arrange
        await using var first = await Instance().TryAcquireAsync(Name, Lease, TimeSpan.Zero, CancellationToken.None);
        var started = Time.GetUtcNow();

        // Act
        var second = await Time.RunAsync(Instance().TryAcquireAsync(Name, Lease, TimeSpan.FromSeconds(10), CancellationToken.None), TimeSpan.FromMilliseconds(500));

        // Assert
        Assert.Null(second);
        Assert.InRange(Time.GetUtcNow() - started, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
    }
}
