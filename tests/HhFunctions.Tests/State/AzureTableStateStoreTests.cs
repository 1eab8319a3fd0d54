using Azure.Data.Tables;
using HhFunctions.Configuration;
using HhFunctions.State;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Bumping;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.State;

/// <summary>The Table storage store against real Table storage (Azurite), each test under its own table prefix.</summary>
public sealed class AzureTableStateStoreTests : StateStoreTests
{
    protected override IStateStore CreateStore() => Create(Azurite.CreateClient());

    private static AzureTableStateStore Create(TableServiceClient client) =>
        new(client, Options.Create(new StorageOptions { ConnectionString = "set", TablePrefix = Azurite.NewPrefix() }));

    [Fact]
    public async Task AddRunAsync_TwoStoresOverOneAccount_SecondSeesFirstsRuns()
    {
        var prefix = Azurite.NewPrefix();
        var options = Options.Create(new StorageOptions { ConnectionString = "set", TablePrefix = prefix });
        var writer = new AzureTableStateStore(Azurite.CreateClient(), options);
        var reader = new AzureTableStateStore(Azurite.CreateClient(), options);

        await writer.AddRunAsync(Run("a", T0), CancellationToken.None);
        await writer.SaveResumeAsync(new ResumeState("r1", "Dev", T0, T0.AddHours(4), ResumeOutcome.Raised, null, T0), CancellationToken.None);

        Assert.Equal("a", Assert.Single(await reader.GetRecentRunsAsync(5, CancellationToken.None)).Id);
        Assert.Equal("r1", Assert.Single(await reader.GetResumesAsync(CancellationToken.None)).ResumeId);
    }

    [Fact]
    public async Task EveryCall_TableEndpointUnreachable_ThrowsStateStoreException()
    {
        // Retries exhausted: the SDK throws an AggregateException, which callers must not see.
        var store = Create(BumpTestExtensions.UnreachableTableClient());

        await Assert.ThrowsAsync<StateStoreException>(() => store.GetResumesAsync(CancellationToken.None));
        await Assert.ThrowsAsync<StateStoreException>(() => store.SaveResumeAsync(new ResumeState("r1", "Dev", null, null, ResumeOutcome.Raised, null, T0), CancellationToken.None));
        await Assert.ThrowsAsync<StateStoreException>(() => store.AddRunAsync(Run("a", T0), CancellationToken.None));
        await Assert.ThrowsAsync<StateStoreException>(() => store.GetRecentRunsAsync(5, CancellationToken.None));
        await Assert.ThrowsAsync<StateStoreException>(() => store.GetAccountAsync(CancellationToken.None));
        await Assert.ThrowsAsync<StateStoreException>(() => store.UpdateAccountAsync(a => a with { Paused = true }, CancellationToken.None));
    }
}
