using HhFunctions.Configuration;
using HhFunctions.State;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.State;

/// <summary>The embedded store (standalone mode): JSON files under a temporary Data__Path.</summary>
public sealed class FileStateStoreTests : StateStoreTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", "state-" + Guid.NewGuid().ToString("N"));
    private readonly List<FileStateStore> _stores = [];

    protected override IStateStore CreateStore() => Create();

    private FileStateStore Create()
    {
        var store = new FileStateStore(new DataFolder(_folder));
        _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task AddRunAsync_TwoStoresOverOneFolder_SecondSeesFirstsRuns()
    {
        var writer = Create();
        var reader = Create();

        await writer.AddRunAsync(Run("a", T0), CancellationToken.None);
        await writer.SaveResumeAsync(new ResumeState("r1", "Dev", T0, T0.AddHours(4), ResumeOutcome.Raised, null, T0), CancellationToken.None);

        Assert.Equal("a", Assert.Single(await reader.GetRecentRunsAsync(5, CancellationToken.None)).Id);
        Assert.Equal("r1", Assert.Single(await reader.GetResumesAsync(CancellationToken.None)).ResumeId);
    }

    [Fact]
    public async Task AddRunAsync_MoreThan200Runs_KeepsThe200Newest()
    {
        var store = Create();
        for (var i = 0; i < 205; i++)
        {
            await store.AddRunAsync(Run($"run{i:D3}", T0.AddHours(4 * i)), CancellationToken.None);
        }

        var runs = await store.GetRecentRunsAsync(1000, CancellationToken.None);

        Assert.Equal(200, runs.Count);
        Assert.Equal("run204", runs[0].Id);
        Assert.Equal("run005", runs[^1].Id);
    }

    [Fact]
    public async Task GetResumesAsync_FileNotJson_ThrowsStateStoreExceptionNamingTheFile()
    {
        var store = Create();
        Directory.CreateDirectory(Path.Combine(_folder, "state"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "state", "resumes.json"), "{ not json");

        var ex = await Assert.ThrowsAsync<StateStoreException>(() => store.GetResumesAsync(CancellationToken.None));

        Assert.Contains("resumes.json", ex.Message, StringComparison.Ordinal);
    }
}
