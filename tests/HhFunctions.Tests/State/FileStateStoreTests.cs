using System.Text.Json;
using System.Text.Json.Nodes;
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

    [Fact]
    public async Task ConsumeOneTimeTokenAsync_FileWrittenByTheSerializer_ReadAndRewrittenInItsShape()
    {
        // one-time-tokens.json as earlier versions wrote it (the serializer, web defaults), with a field this version does not know.
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true };
        var earlier = new List<OneTimeToken>
        {
            new(OneTimePurpose.SetupLink, "link-value", T0.AddHours(24), null),
            new(OneTimePurpose.FormToken, "form-value", T0.AddHours(1), T0.AddMinutes(-5)),
        };
        var json = JsonSerializer.SerializeToNode(earlier, web)!.AsArray();
        json[0]!["note"] = new JsonObject { ["kept"] = "no" };
        Directory.CreateDirectory(Path.Combine(_folder, "state"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "state", "one-time-tokens.json"), "\uFEFF" + json.ToJsonString(web));
        var store = Create();

        Assert.Equal(ConsumeResult.Accepted, await store.ConsumeOneTimeTokenAsync(OneTimePurpose.SetupLink, "link-value", T0, CancellationToken.None));
        Assert.Equal(ConsumeResult.AlreadyUsed, await store.ConsumeOneTimeTokenAsync(OneTimePurpose.FormToken, "form-value", T0, CancellationToken.None));

        var rewritten = JsonSerializer.Deserialize<List<OneTimeToken>>(await File.ReadAllTextAsync(Path.Combine(_folder, "state", "one-time-tokens.json")), web);
        Assert.Equal([earlier[0] with { UsedAt = T0 }, earlier[1]], rewritten);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[{\"purpose\":\"form-token\",\"value\":\"v\"}]")] // no expiry
    [InlineData("[{\"purpose\":\"form-token\",\"value\":\"v\",\"expiresAt\":\"soon\"}]")]
    [InlineData("[{\"purpose\":\"form-token\",\"value\":\"v\",\"expiresAt\":\"2026-12-07T10:00:00+00:00\"}")] // cut short
    public async Task ConsumeOneTimeTokenAsync_TokensFileBroken_ThrowsStateStoreExceptionNamingTheFileAndKeepsIt(string content)
    {
        var path = Path.Combine(_folder, "state", "one-time-tokens.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, content);
        var store = Create();

        var ex = await Assert.ThrowsAsync<StateStoreException>(() => store.ConsumeOneTimeTokenAsync(OneTimePurpose.FormToken, "v", T0, CancellationToken.None));

        Assert.Contains("one-time-tokens.json", ex.Message, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllTextAsync(path)); // not overwritten: the owner can look at it
    }

    [Fact]
    public async Task WarmUp_FreshOrNot_ReadsAndWritesNothing()
    {
        Create().WarmUp();
        Assert.False(Directory.Exists(_folder));

        await Create().SaveResumeAsync(new ResumeState("r1", "Dev", T0, T0.AddHours(4), ResumeOutcome.Raised, null, T0), CancellationToken.None);
        var before = Directory.GetFiles(_folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        Create().WarmUp(); // with a state file there: reads and writes nothing either

        Assert.Equal(before, Directory.GetFiles(_folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        Assert.Equal("Dev", Assert.Single(await Create().GetResumesAsync(CancellationToken.None)).Title);
    }

    [Fact]
    public async Task GetAccountAsync_LockHeldByAnotherProcess_NoFileAnsweredAtOnceAFileWaitsForTheLock()
    {
        var store = Create();
        var lockPath = Path.Combine(_folder, "state", ".lock");

        using (await FileLock.AcquireAsync(lockPath, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None))
        {
            var fresh = await store.GetAccountAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)); // nothing to read: no lock needed
            Assert.Equal(AccountState.Empty, fresh);
        }

        await store.UpdateAccountAsync(a => a with { DisplayName = "Owner" }, CancellationToken.None);
        Task<AccountState> read;
        using (await FileLock.AcquireAsync(lockPath, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None))
        {
            read = store.GetAccountAsync(CancellationToken.None);
            await Task.Delay(200);
            Assert.False(read.IsCompleted); // a file is read under the lock, never while another writer holds it
        }

        Assert.Equal("Owner", (await read.WaitAsync(TimeSpan.FromSeconds(5))).DisplayName);
    }
}
