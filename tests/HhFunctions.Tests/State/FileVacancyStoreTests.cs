using HhFunctions.Configuration;
using HhFunctions.State;
using Microsoft.Extensions.Options;
using HhFunctions.Vacancies;

namespace HhFunctions.Tests.State;

public sealed class FileVacancyStoreTests : VacancyStoreTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", "vacancies-" + Guid.NewGuid().ToString("N"));
    private readonly List<FileVacancyStore> _stores = [];

    protected override IVacancyStore CreateStore()
    {
        var store = new FileVacancyStore(new DataFolder(_folder));
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
    public async Task SaveAsync_OneFilePerMonthOfFirstSight()
    {
        var store = CreateStore();

        await store.SaveAsync([V("a", T0), V("b", T0.AddMonths(-1))], default);

        Assert.Equal(["2026-02.json", "2026-03.json"], Directory.GetFiles(Path.Combine(_folder, "vacancies"), "????-??.json").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListAsync_MonthFileNotJson_ThrowsStateStoreExceptionNamingTheFile()
    {
        var store = CreateStore();
        Directory.CreateDirectory(Path.Combine(_folder, "vacancies"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "vacancies", "2026-03.json"), "{ not json");

        var ex = await Assert.ThrowsAsync<StateStoreException>(() => store.ListAsync(null, default));

        Assert.Contains("2026-03.json", ex.Message, StringComparison.Ordinal);
    }
}
