using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Tokens;

/// <summary>
/// Two app instances refreshing at the same moment spend the single-use refresh token exactly once, with the
/// standalone file lock and with the Table lock (real Azurite) used in Azure.
/// </summary>
public sealed class TokenManagerConcurrencyTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private readonly TokenTestbed _bed = new();

    public void Dispose() => _bed.Dispose();

    private (IDistributedLock A, IDistributedLock B) Locks(string kind)
    {
        if (kind == "file")
        {
            // Two objects over the same folder: two instances on one machine.
            return (new FileDistributedLock(Path.Combine(_bed.Folder, "locks"), _bed.Time), new FileDistributedLock(Path.Combine(_bed.Folder, "locks"), _bed.Time));
        }

        var options = Options.Create(new StorageOptions { ConnectionString = Azurite.ConnectionString, TablePrefix = Azurite.NewPrefix() });
        return (new TableDistributedLock(Azurite.CreateClient(), options, _bed.Time), new TableDistributedLock(Azurite.CreateClient(), options, _bed.Time));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("table")]
    public async Task GetCurrentAsync_TwoInstancesAtOnce_RefreshTokenSpentExactlyOnce(string lockKind)
    {
        // Arrange: both have read the old, expired pair before either reaches the lock.
        var seeded = await _bed.SeedAsync();
        var (lockA, lockB) = Locks(lockKind);
        var bothAtLock = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        var a = _bed.CreateManager("a", locks: new RendezvousLock(lockA, () => Interlocked.Increment(ref arrived) == 2, bothAtLock));
        var b = _bed.CreateManager("b", locks: new RendezvousLock(lockB, () => Interlocked.Increment(ref arrived) == 2, bothAtLock));
        _bed.Time.Advance(TimeSpan.FromDays(15));

        // Act
        var both = await _bed.Time.RunAsync(Task.WhenAll(a.GetCurrentAsync(CancellationToken.None), b.GetCurrentAsync(CancellationToken.None)), Step);

        // Assert
        Assert.Equal(both[0], both[1]);
        Assert.NotEqual(seeded.Fingerprint, both[0].Fingerprint);
        Assert.Equal(1, _bed.Hh.SuccessfulRefreshes);
        Assert.Equal(1, _bed.Hh.RefreshCalls); // so no "token has already been refreshed"
        Assert.Equal(both[0], await _bed.FileVault.ReadAsync(CancellationToken.None));
        Assert.True(await _bed.WorksAtHhAsync(both[0]));
        Assert.Empty(_bed.Telegram.Messages);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("table")]
    public async Task GetCurrentAsync_SecondInstanceStartsMidRefresh_WaitsForTheLockAndUsesTheWinnersPair(string lockKind)
    {
        // Arrange: instance B reads the old, expired pair while A's new pair is not saved yet, then meets A's lock.
        var seeded = await _bed.SeedAsync();
        var (lockA, lockB) = Locks(lockKind);
        var waitingForLock = new SignallingLock(lockB);
        var a = _bed.CreateManager("a", locks: lockA);
        var b = _bed.CreateManager("b", locks: waitingForLock);
        _bed.Time.Advance(TimeSpan.FromDays(15));
        Task<TokenSet>? second = null;
        _bed.Hh.AfterRotation = () => second ??= Task.Run(() => b.GetCurrentAsync(CancellationToken.None));
        _bed.Vault.BeforeNextWrite = async () =>
        {
            // A saves only once B is at the lock and had the time to get past it, were it not exclusive.
            await waitingForLock.Entered;
            await Task.WhenAny(Task.Delay(TimeSpan.FromMilliseconds(300)), WhenAsync(() => _bed.Hh.RefreshCalls > 1));
        };

        // Act
        var first = await _bed.Time.RunAsync(a.GetCurrentAsync(CancellationToken.None), Step);
        var other = await _bed.Time.RunAsync(second!, Step);

        // Assert
        Assert.Equal(first, other);
        Assert.NotEqual(seeded.Fingerprint, first.Fingerprint);
        Assert.Equal(1, _bed.Hh.SuccessfulRefreshes);
        Assert.Equal(1, _bed.Hh.RefreshCalls);
        Assert.Contains(_bed.Logs.GetSnapshot(), r => r.Id.Id == 1002); // B saw the rotation under the lock
        Assert.Empty(_bed.Telegram.Messages);
    }

    [Fact]
    public async Task WithAccessTokenAsync_TwoInstancesGetTokenExpiredTogether_OneRefreshBothSucceed()
    {
        // Arrange: hh.ru expires the token before the stored expiry, so both learn it from the API.
        await _bed.SeedAsync(storedExpiryShift: TimeSpan.FromDays(1));
        var a = _bed.CreateManager("a");
        var b = _bed.CreateManager("b");
        var hh = _bed.CreateHhClient();
        _bed.Time.Advance(FakeHhApi.AccessLifetime + TimeSpan.FromMinutes(1));

        // Act
        var both = await _bed.Time.RunAsync(Task.WhenAll(
            a.WithAccessTokenAsync((t, ct) => hh.GetMeAsync(t, ct), CancellationToken.None),
            b.WithAccessTokenAsync((t, ct) => hh.GetMeAsync(t, ct), CancellationToken.None)), Step);

        // Assert
        Assert.All(both, me => Assert.Equal("Ivan Petrov", me.DisplayName));
        Assert.Equal(1, _bed.Hh.SuccessfulRefreshes);
        Assert.Equal(1, _bed.Hh.RefreshCalls);
    }

    private static async Task WhenAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(5);
        }
    }

    /// <summary>Lets an instance at the lock continue only once every instance has arrived there.</summary>
    private sealed class RendezvousLock(IDistributedLock inner, Func<bool> arriveIsLast, TaskCompletionSource all) : IDistributedLock
    {
        public async Task<ILease?> TryAcquireAsync(string name, TimeSpan leaseTime, TimeSpan wait, CancellationToken ct)
        {
            if (arriveIsLast())
            {
                all.TrySetResult();
            }

            await all.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            return await inner.TryAcquireAsync(name, leaseTime, wait, ct);
        }
    }

    /// <summary>Tells when an instance starts waiting for the lock.</summary>
    private sealed class SignallingLock(IDistributedLock inner) : IDistributedLock
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public Task<ILease?> TryAcquireAsync(string name, TimeSpan leaseTime, TimeSpan wait, CancellationToken ct)
        {
            _entered.TrySetResult();
            return inner.TryAcquireAsync(name, leaseTime, wait, ct);
        }
    }
}
