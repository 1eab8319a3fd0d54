using HhFunctions.Configuration;
using HhFunctions.State;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Bumping;
using Microsoft.Extensions.Options;
using HhFunctions.Vacancies;

namespace HhFunctions.Tests.State;

/// <summary>The Table storage vacancy store against real Table storage (Azurite), each test under its own prefix.</summary>
public sealed class AzureTableVacancyStoreTests : VacancyStoreTests
{
    protected override IVacancyStore CreateStore() =>
        new AzureTableVacancyStore(Azurite.CreateClient(), Options.Create(new StorageOptions { ConnectionString = "set", TablePrefix = Azurite.NewPrefix() }));

    [Fact]
    public async Task SaveAsync_PartitionsByMonthOfFirstSight()
    {
        var prefix = Azurite.NewPrefix();
        var store = new AzureTableVacancyStore(Azurite.CreateClient(), Options.Create(new StorageOptions { ConnectionString = "set", TablePrefix = prefix }));

        await store.SaveAsync([V("a", T0), V("b", T0.AddMonths(-1))], default);

        var table = Azurite.CreateClient().GetTableClient(prefix + "Vacancies");
        var keys = new List<string>();
        await foreach (var e in table.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            keys.Add(e.PartitionKey + "/" + e.RowKey);
        }

        Assert.Equal(["2026-02/b", "2026-03/a"], keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryCall_TableEndpointUnreachable_ThrowsStateStoreException()
    {
        var store = new AzureTableVacancyStore(BumpTestExtensions.UnreachableTableClient(), Options.Create(new StorageOptions { ConnectionString = "set", TablePrefix = "Hh" }));

        await Assert.ThrowsAsync<StateStoreException>(() => store.ListAsync(null, default));
        await Assert.ThrowsAsync<StateStoreException>(() => store.SaveAsync([V("a", T0)], default));
        await Assert.ThrowsAsync<StateStoreException>(() => store.FindAsync(["a"], default));
        await Assert.ThrowsAsync<StateStoreException>(() => store.HideAsync("a", default));
    }
}
