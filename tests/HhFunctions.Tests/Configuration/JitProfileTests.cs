using System.Diagnostics;
using System.Runtime.CompilerServices;
using HhFunctions.Standalone;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.Configuration;

/// <summary>
/// The standalone host's start-up JIT profile: where it is kept, when it records, and that the real process writes it
/// (tests/startup-bench.sh measures what it saves).
/// </summary>
public sealed class JitProfileTests
{
    /// <summary>
    /// Standalone processes the tests start keep no JIT profile in the user's cache folder: they inherit "off" from the
    /// test process. The test that wants one names its own folder.
    /// </summary>
    [ModuleInitializer]
    internal static void NoProfileForTestProcesses() => Environment.SetEnvironmentVariable(JitProfile.Variable, "off");

    [Fact]
    public void FolderFrom_TheVariableWins_OffTurnsItOff_ElseTheUsersCacheFolder()
    {
        var root = Path.GetTempPath();
        string? Env(Dictionary<string, string> values, string name) => values.GetValueOrDefault(name);

        var chosen = Path.Combine(root, "chosen");
        Assert.Equal(chosen, JitProfile.FolderFrom(n => Env(new() { [JitProfile.Variable] = chosen, ["HOME"] = root }, n), windows: false));
        Assert.Null(JitProfile.FolderFrom(n => Env(new() { [JitProfile.Variable] = " OFF ", ["HOME"] = root }, n), windows: false));
        Assert.Null(JitProfile.FolderFrom(n => Env(new() { [JitProfile.Variable] = "bad\0path", ["HOME"] = root }, n), windows: false));
        Assert.Equal(
            Path.Combine(root, "xdg", "hhfunctions"),
            JitProfile.FolderFrom(n => Env(new() { ["XDG_CACHE_HOME"] = Path.Combine(root, "xdg"), ["HOME"] = root }, n), windows: false));
        Assert.Equal(
            Path.Combine(root, "home", ".cache", "hhfunctions"),
            JitProfile.FolderFrom(n => Env(new() { ["XDG_CACHE_HOME"] = "relative/cache", ["HOME"] = Path.Combine(root, "home") }, n), windows: false));
        Assert.Equal(
            Path.Combine(root, "local", "HhFunctions", "Cache"),
            JitProfile.FolderFrom(n => Env(new() { ["LOCALAPPDATA"] = Path.Combine(root, "local"), ["HOME"] = root }, n), windows: true));

        // No cache folder at all (a container without HOME): no profile, and no folder made anywhere.
        Assert.Null(JitProfile.FolderFrom(_ => null, windows: false));
        Assert.Null(JitProfile.FolderFrom(_ => "", windows: true));
    }

    [Fact]
    public void FileName_OnePerInstallFolder_StableAndPlain()
    {
        var first = Path.Combine(Path.GetTempPath(), "install-a") + Path.DirectorySeparatorChar;
        var second = Path.Combine(Path.GetTempPath(), "install-b") + Path.DirectorySeparatorChar;

        Assert.Equal(JitProfile.FileName(first), JitProfile.FileName(first));
        Assert.NotEqual(JitProfile.FileName(first), JitProfile.FileName(second));
        Assert.Matches("^standalone-[0-9a-f]{8}\\.jitprofile$", JitProfile.FileName(first));
    }

    [Fact]
    public void Begin_NoFolderOrOneThatCannotBeMade_NoProfileAndNoFailure()
    {
        var started = 0;
        var file = Path.GetTempFileName();
        try
        {
            var none = JitProfile.Begin(null, AppContext.BaseDirectory, (_, _) => started++, () => { });
            var blocked = JitProfile.Begin(Path.Combine(file, "below-a-file"), AppContext.BaseDirectory, (_, _) => started++, () => { });

            Assert.False(none.IsRecording);
            Assert.False(blocked.IsRecording);
            Assert.Null(blocked.Folder);
            Assert.Equal(0, started);
            blocked.Stop(); // nothing to stop: no failure
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Begin_MakesTheFolderAndRecords_StopEndsTheRecordingOnce()
    {
        var folder = Path.Combine(Path.GetTempPath(), "hhfunctions-jit-" + Guid.NewGuid().ToString("N"), "nested");
        var calls = new List<(string Folder, string File)>();
        var stops = 0;
        try
        {
            var profile = JitProfile.Begin(folder, AppContext.BaseDirectory, (f, n) => calls.Add((f, n)), () => stops++);

            Assert.True(Directory.Exists(folder));
            Assert.Equal([(folder, JitProfile.FileName(AppContext.BaseDirectory))], calls);
            Assert.True(profile.IsRecording);
            profile.Stop();
            profile.Stop();
            Assert.False(profile.IsRecording);
            Assert.Equal(1, stops);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    [Fact]
    public async Task Limit_StopsTheRecordingAfterAMinute_OrAtShutdown()
    {
        var time = new FakeTimeProvider();
        var stops = 0;
        var folder = Directory.CreateTempSubdirectory("hhfunctions-jit-").FullName;
        try
        {
            var profile = JitProfile.Begin(folder, AppContext.BaseDirectory, (_, _) => { }, () => stops++);
            using var limit = new JitProfileLimit(profile, time);
            await limit.StartAsync(CancellationToken.None);

            time.Advance(JitProfile.RecordingLimit - TimeSpan.FromSeconds(1));
            Assert.True(profile.IsRecording);
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.False(profile.IsRecording);
            Assert.Equal(1, stops);

            var second = JitProfile.Begin(folder, AppContext.BaseDirectory, (_, _) => { }, () => stops++);
            using var secondLimit = new JitProfileLimit(second, time);
            await secondLimit.StartAsync(CancellationToken.None);
            await secondLimit.StopAsync(CancellationToken.None);
            Assert.False(second.IsRecording);
            Assert.Equal(2, stops);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task StandaloneProcess_WritesItsProfileIntoTheNamedFolder_WhenItStops() // kill -TERM: Linux and macOS
    {
        var folder = Directory.CreateTempSubdirectory("hhfunctions-jit-").FullName;
        var work = Directory.CreateTempSubdirectory("hhfunctions-cwd-").FullName;
        try
        {
            var start = StandaloneProcess.StartInfo(work);
            start.Environment[JitProfile.Variable] = folder;
            start.Environment["Data__Path"] = Path.Combine(work, "data");
            await using var process = CapturedProcess.Start(start);
            Assert.True(await process.WaitForOutputAsync("Data folder (Data__Path)", TimeSpan.FromSeconds(60)), process.Output);

            // A graceful stop, as a service manager stops it: the runtime writes the record then. The start report comes
            // while the host is still starting its services, so the stop often lands within the start: that too is a
            // clean stop (exit 0), never an abort that would lose the record.
            using (var kill = Process.Start("kill", ["-TERM", process.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(process.Process.ExitCode == 0, $"exit {process.Process.ExitCode}:\n{process.Output}");
            Assert.DoesNotContain("Unhandled exception", process.Output, StringComparison.Ordinal);
            if (Environment.ProcessorCount < 2)
            {
                Assert.Empty(Directory.GetFiles(folder)); // one core: the runtime could not compile ahead, so no profile
                return;
            }

            var record = Assert.Single(Directory.GetFiles(folder));
            Assert.Equal(JitProfile.FileName(AppContext.BaseDirectory), Path.GetFileName(record));
            Assert.True(new FileInfo(record).Length > 1000, $"{record}: {new FileInfo(record).Length} bytes");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            Directory.Delete(work, recursive: true);
        }
    }
}
