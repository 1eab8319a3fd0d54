using HhFunctions.Applying;
using HhFunctions.Configuration;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Applying;

/// <summary>The two application stores behave alike: atomic claims (one winner among concurrent writers), state, listing.</summary>
public abstract class ApplicationStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    protected abstract IApplicationStore Create();

    [Fact]
    public async Task ConcurrentClaims_OnlyOneWins()
    {
        var store = Create();
        var wins = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var (_, changed) = await store.UpdateAsync("1001", c => c is { CountsAsSent: true } ? c : new ApplicationRecord("1001") { Status = ApplicationStatus.Sending, CreatedAt = T0, SentAt = T0 }, CancellationToken.None);
            if (changed)
            {
                Interlocked.Increment(ref wins);
            }
        }));

        Assert.Equal(1, wins);
        Assert.Equal(ApplicationStatus.Sending, (await store.GetAsync("1001", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task RecordsAndState_RoundTrip()
    {
        var store = Create();
        await store.UpdateAsync("7", _ => new ApplicationRecord("7") { Status = ApplicationStatus.Sent, History = [new StateChange("response", T0), new StateChange("invitation", T0.AddDays(1))], Letter = LetterKind.Generated }, CancellationToken.None);
        await store.UpdateStateAsync(s => s with { LimitUntil = T0.AddHours(5) }, CancellationToken.None);

        var back = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Equal(["response", "invitation"], back.History.Select(h => h.State));
        Assert.Equal(LetterKind.Generated, back.Letter);
        Assert.Equal(T0.AddHours(5), (await store.GetStateAsync(CancellationToken.None)).LimitUntil);
        Assert.Null(await store.GetAsync("8", CancellationToken.None));
    }
}

public sealed class FileApplicationStoreTests : ApplicationStoreTests, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N"));

    protected override IApplicationStore Create() => new FileApplicationStore(new DataFolder(_path));

    public void Dispose()
    {
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }
}

public sealed class TableApplicationStoreTests : ApplicationStoreTests
{
    protected override IApplicationStore Create() =>
        new TableApplicationStore(Azurite.CreateClient(), Options.Create(new StorageOptions { ConnectionString = "set", TablePrefix = Azurite.NewPrefix() }));
}
