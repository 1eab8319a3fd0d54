using System.Runtime;

namespace HhFunctions.Standalone;

/// <summary>
/// The start-up JIT profile ("multicore JIT", <see cref="ProfileOptimization"/>). While the host starts and answers its
/// first requests, the runtime records which methods it had to compile. On the next start a second core compiles them
/// from that record ahead of the main thread. ReadyToRun leaves some 1,200 methods to the JIT: generic code over the
/// app's own value types, its async methods' state machines among them. With the record, the first page comes some
/// 7–11% sooner (docs/architecture.md#start-up).
/// <para>
/// The record is a cache file in the user's cache folder, one per install folder; deleting it costs one slower start.
/// <see cref="Variable"/> names another folder, or "off". The runtime ignores a record made by another build and
/// replaces it. Recording stops <see cref="RecordingLimit"/> after the start or at shutdown, whichever comes first,
/// and the record is written then. (Stopped at the first response instead, the record lost most of its use: the
/// first page came no sooner.)
/// </para>
/// </summary>
public sealed class JitProfile
{
    /// <summary>The environment variable that names the profile's folder, or turns the profile off ("off").</summary>
    public const string Variable = "HHFUNCTIONS_JIT_PROFILE";

    /// <summary>Recording stops this long after the start: the record covers the start and the first page views.</summary>
    public static readonly TimeSpan RecordingLimit = TimeSpan.FromMinutes(1);

    private readonly Action? _stopRecording;
    private int _recording;

    private JitProfile(string? folder, Action? stopRecording)
    {
        Folder = folder;
        _stopRecording = stopRecording;
        _recording = stopRecording is null ? 0 : 1;
    }

    /// <summary>The profile of this process: the one <see cref="Start"/> began, else one that records nothing.</summary>
    public static JitProfile Current { get; private set; } = new(null, null);

    /// <summary>The folder the profile is kept in; null when there is no profile.</summary>
    public string? Folder { get; }

    /// <summary>Whether the runtime is still recording the methods it compiles.</summary>
    public bool IsRecording => Volatile.Read(ref _recording) == 1;

    /// <summary>
    /// Begins the profile for the app installed in <paramref name="baseDirectory"/>: plays back the record of the last
    /// start and records this one. Only in the app's own process (not in a test host) and on a machine with more than
    /// one core. A folder that cannot be made leaves the app without a profile, never without a start.
    /// </summary>
    public static JitProfile Start(string baseDirectory, bool ownProcess)
    {
        ArgumentNullException.ThrowIfNull(baseDirectory);
        if (!ownProcess || Environment.ProcessorCount < 2)
        {
            return Current;
        }

        Current = Begin(FolderFrom(Environment.GetEnvironmentVariable, OperatingSystem.IsWindows()), baseDirectory, (folder, file) =>
        {
            ProfileOptimization.SetProfileRoot(folder);
            ProfileOptimization.StartProfile(file);
        }, () => ProfileOptimization.StartProfile(null));
        return Current;
    }

    /// <summary>
    /// Makes <paramref name="folder"/> and calls <paramref name="startRecording"/> with it and the profile's file name;
    /// returns a profile that records nothing when <paramref name="folder"/> is null or cannot be made.
    /// </summary>
    public static JitProfile Begin(string? folder, string baseDirectory, Action<string, string> startRecording, Action stopRecording)
    {
        ArgumentNullException.ThrowIfNull(startRecording);
        if (folder is null)
        {
            return new JitProfile(null, null);
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new JitProfile(null, null);
        }

        startRecording(folder, FileName(baseDirectory));
        return new JitProfile(folder, stopRecording);
    }

    /// <summary>
    /// Where the profile is kept: <see cref="Variable"/> when set (null for "off" or what is not a path), else the
    /// user's cache folder (XDG_CACHE_HOME or ~/.cache, %LOCALAPPDATA% on Windows) under "hhfunctions"; null when
    /// there is none.
    /// </summary>
    public static string? FolderFrom(Func<string, string?> environment, bool windows)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var chosen = environment(Variable)?.Trim();
        if (!string.IsNullOrEmpty(chosen))
        {
            if (string.Equals(chosen, "off", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            try
            {
                return Path.GetFullPath(chosen);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                return null; // not a path: no profile, as for a folder that cannot be made
            }
        }

        if (windows)
        {
            return Rooted(environment("LOCALAPPDATA")) is { } local ? Path.Combine(local, "HhFunctions", "Cache") : null;
        }

        if (Rooted(environment("XDG_CACHE_HOME")) is { } cache)
        {
            return Path.Combine(cache, "hhfunctions");
        }

        return Rooted(environment("HOME")) is { } home ? Path.Combine(home, ".cache", "hhfunctions") : null;
    }

    /// <summary>The profile's file name for the app installed in <paramref name="baseDirectory"/>: two installs keep two records.</summary>
    public static string FileName(string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(baseDirectory);

        // FNV-1a over the folder's full path: stable across processes (string.GetHashCode is not), no hashing library to load.
        var hash = 2166136261u;
        foreach (var c in Path.GetFullPath(baseDirectory))
        {
            hash = (hash ^ c) * 16777619u;
        }

        return $"standalone-{hash:x8}.jitprofile";
    }

    /// <summary>Ends the recording and writes the record (once; later calls do nothing).</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _recording, 0) == 1)
        {
            _stopRecording!();
        }
    }

    private static string? Rooted(string? path) => !string.IsNullOrWhiteSpace(path) && Path.IsPathRooted(path) ? path : null;
}

/// <summary>Ends the JIT profile's recording <see cref="JitProfile.RecordingLimit"/> after the start, and at shutdown.</summary>
public sealed class JitProfileLimit(JitProfile profile, TimeProvider time) : IHostedService, IDisposable
{
    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (profile.IsRecording)
        {
            _timer = time.CreateTimer(_ => profile.Stop(), null, JitProfile.RecordingLimit, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        profile.Stop();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();
}
