using HhFunctions.Configuration;

namespace HhFunctions.State;

/// <summary>
/// An exclusive OS file lock (FileShare.None maps to flock on Linux): held across processes on one machine,
/// released by the kernel if the holder crashes, so no lease expiry is needed.
/// </summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static async Task<FileLock> AcquireAsync(string path, TimeSpan wait, TimeProvider time, CancellationToken ct) =>
        await TryAcquireAsync(path, wait, time, ct)
        ?? throw new TimeoutException($"The lock file {path} stayed locked for {wait}.");

    public static async Task<FileLock?> TryAcquireAsync(string path, TimeSpan wait, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (wait == Timeout.InfiniteTimeSpan || time.GetElapsedTime(started) < wait)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25), time, ct);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>Standalone <see cref="IDistributedLock"/>: one lock file per name under {Data__Path}/locks.</summary>
public sealed class FileDistributedLock(string folder, TimeProvider time) : IDistributedLock
{
    /// <summary>Locks under {Data__Path}/locks.</summary>
    public FileDistributedLock(DataFolder data, TimeProvider time)
        : this((data ?? throw new ArgumentNullException(nameof(data))).Combine("locks"), time)
    {
    }

    public async Task<ILease?> TryAcquireAsync(string name, TimeSpan leaseTime, TimeSpan wait, CancellationToken ct)
    {
        var fileLock = await FileLock.TryAcquireAsync(Path.Combine(folder, name + ".lock"), wait, time, ct);
        return fileLock is null ? null : new Lease(name, fileLock);
    }

    private sealed class Lease(string name, FileLock fileLock) : ILease
    {
        public string Name => name;

        public ValueTask DisposeAsync()
        {
            fileLock.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
