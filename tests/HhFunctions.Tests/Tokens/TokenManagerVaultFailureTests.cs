using HhFunctions.HeadHunter;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tokens;

namespace HhFunctions.Tests.Tokens;

/// <summary>
/// hh.ru has rotated the pair, so the old refresh token is spent: whatever the vault does, the new pair must
/// survive (retries, memory, rescue file) until it is stored.
/// </summary>
public sealed class TokenManagerVaultFailureTests : IDisposable
{
    private readonly TokenTestbed _bed = new();

    public void Dispose() => _bed.Dispose();

    private Task<TokenSet?> StoredAsync() => _bed.FileVault.ReadAsync(CancellationToken.None);

    private List<string> NotSavedAlerts => _bed.TelegramTexts.Where(t => t.Contains("not saved", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task GetCurrentAsync_VaultWriteFailsTwice_RetriedAndSaved()
    {
        // Arrange
        await _bed.SeedAsync();
        var manager = _bed.CreateManager();
        _bed.Time.Advance(TimeSpan.FromDays(15));
        _bed.Vault.FailWrites = 2;

        // Act
        var current = await _bed.Time.RunAsync(manager.GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.Equal(3, _bed.Vault.WriteAttempts);
        Assert.Equal(current, await StoredAsync());
        Assert.Empty(_bed.Telegram.Messages);
        Assert.False(File.Exists(_bed.RescuePath()));
        Assert.Equal(1, _bed.Hh.SuccessfulRefreshes);
    }

    [Fact]
    public async Task GetCurrentAsync_VaultRefusesUntilFixed_PairHeldRescuedAlertedOnceAndSavedLater()
    {
        // Arrange
        var seeded = await _bed.SeedAsync();
        var unsaved = new UnsavedTokenHolder();
        var manager = _bed.CreateManager("a", unsaved);
        _bed.Time.Advance(TimeSpan.FromDays(15));
        _bed.Vault.FailWrites = int.MaxValue;

        // Act 1: hh.ru rotates, the vault refuses every attempt.
        var fresh = await _bed.Time.RunAsync(manager.GetCurrentAsync(CancellationToken.None));

        // Assert 1: the new pair is in use, in memory and in the rescue file; the owner knows.
        Assert.NotEqual(seeded.Fingerprint, fresh.Fingerprint);
        Assert.True(await _bed.WorksAtHhAsync(fresh));
        Assert.Equal(fresh, unsaved.Current);
        Assert.Equal(fresh, await _bed.Rescue().TryReadAsync(CancellationToken.None));
        Assert.DoesNotContain(fresh.RefreshToken, await File.ReadAllTextAsync(_bed.RescuePath()), StringComparison.Ordinal);
        Assert.Equal(seeded, await StoredAsync());
        Assert.Single(NotSavedAlerts);
        Assert.Equal(5, _bed.Vault.WriteAttempts); // 1 + 4 retries

        // Act 2: the next run, vault still refusing.
        var next = await _bed.Time.RunAsync(_bed.CreateManager("a", unsaved).GetCurrentAsync(CancellationToken.None));

        // Assert 2: the held pair is used, hh.ru is not asked again, the owner is not told twice.
        Assert.Equal(fresh, next);
        Assert.Equal(1, _bed.Hh.RefreshCalls);
        Assert.Single(NotSavedAlerts);

        // Act 3: the vault works again.
        _bed.Vault.FailWrites = 0;
        var healed = await _bed.Time.RunAsync(_bed.CreateManager("a", unsaved).GetCurrentAsync(CancellationToken.None));

        // Assert 3: pushed to the vault, memory and rescue file cleared.
        Assert.Equal(fresh, healed);
        Assert.Equal(fresh, await StoredAsync());
        Assert.Null(unsaved.Current);
        Assert.False(File.Exists(_bed.RescuePath()));
        Assert.Equal(1, _bed.Hh.RefreshCalls);
        Assert.DoesNotContain(_bed.TelegramTexts, t => t.Contains("reconnect", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task GetCurrentAsync_RestartAfterVaultRefused_RescueFileRestoresAndSavesThePair()
    {
        // Arrange: the vault refused; then the process restarted (memory gone), the vault works again.
        await _bed.SeedAsync();
        _bed.Time.Advance(TimeSpan.FromDays(15));
        _bed.Vault.FailWrites = int.MaxValue;
        var fresh = await _bed.Time.RunAsync(_bed.CreateManager("a").GetCurrentAsync(CancellationToken.None));
        _bed.Vault.FailWrites = 0;

        // Act
        var restarted = await _bed.Time.RunAsync(_bed.CreateManager("a", new UnsavedTokenHolder()).GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.Equal(fresh, restarted);
        Assert.Equal(fresh, await StoredAsync());
        Assert.False(File.Exists(_bed.RescuePath()));
        Assert.Equal(1, _bed.Hh.RefreshCalls);
    }

    [Fact]
    public async Task GetCurrentAsync_RestartWhileVaultUnreadable_UsesTheRescuedPair()
    {
        // Arrange
        await _bed.SeedAsync();
        _bed.Time.Advance(TimeSpan.FromDays(15));
        _bed.Vault.FailWrites = int.MaxValue;
        var fresh = await _bed.Time.RunAsync(_bed.CreateManager("a").GetCurrentAsync(CancellationToken.None));
        _bed.Vault.FailReads = true;

        // Act
        var restarted = await _bed.Time.RunAsync(_bed.CreateManager("a", new UnsavedTokenHolder()).GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.Equal(fresh, restarted);
        Assert.True(await _bed.WorksAtHhAsync(restarted));
        Assert.Equal(1, _bed.Hh.RefreshCalls);
    }

    [Fact]
    public async Task GetCurrentAsync_VaultThrowsNonVaultException_PairStillHeldAndRescued()
    {
        // Arrange: e.g. a credential or SDK timeout exception that is not a TokenVaultException.
        await _bed.SeedAsync();
        var unsaved = new UnsavedTokenHolder();
        _bed.Time.Advance(TimeSpan.FromDays(15));
        _bed.Vault.FailWrites = int.MaxValue;
        _bed.Vault.WriteException = () => new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:01:40.");

        // Act
        var fresh = await _bed.Time.RunAsync(_bed.CreateManager("a", unsaved).GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.True(await _bed.WorksAtHhAsync(fresh));
        Assert.Equal(fresh, unsaved.Current);
        Assert.Equal(fresh, await _bed.Rescue().TryReadAsync(CancellationToken.None));
        Assert.Single(NotSavedAlerts);
    }

    [Fact]
    public async Task GetCurrentAsync_CallerCancelsRightAfterHhRotated_NewPairStillSaved()
    {
        // Arrange: the run is cancelled (host shutdown, function timeout) while hh.ru answers the refresh.
        var seeded = await _bed.SeedAsync();
        _bed.Time.Advance(TimeSpan.FromDays(15));
        using var cts = new CancellationTokenSource();
        _bed.Hh.AfterRotation = cts.Cancel;

        // Act
        await Record.ExceptionAsync(() => _bed.Time.RunAsync(_bed.CreateManager().GetCurrentAsync(cts.Token)));
        _bed.Hh.AfterRotation = null;
        var later = await _bed.Time.RunAsync(_bed.CreateManager("a", new UnsavedTokenHolder()).GetCurrentAsync(CancellationToken.None));

        // Assert
        var stored = await StoredAsync();
        Assert.NotEqual(seeded.Fingerprint, stored!.Fingerprint);
        Assert.Equal(stored, later);
        Assert.True(await _bed.WorksAtHhAsync(later));
        Assert.Equal(1, _bed.Hh.RefreshCalls);
        Assert.NotEqual(AccountStatus.NeedsReconnect, (await _bed.State.GetAccountAsync(CancellationToken.None)).Status);
    }

    [Fact]
    public async Task StoreNewPairAsync_VaultRefuses_PairHeldAndRescued()
    {
        // Arrange
        var unsaved = new UnsavedTokenHolder();
        var manager = _bed.CreateManager("a", unsaved);
        var (access, refresh, expires) = _bed.Hh.SeedTokens();
        var pair = new TokenSet(access, refresh, expires, _bed.Time.GetUtcNow());
        _bed.Vault.FailWrites = int.MaxValue;

        // Act
        await _bed.Time.RunAsync(manager.StoreNewPairAsync(pair, CancellationToken.None));
        var held = unsaved.Current;
        _bed.Vault.FailWrites = 0;
        var current = await _bed.Time.RunAsync(_bed.CreateManager("a", new UnsavedTokenHolder()).GetCurrentAsync(CancellationToken.None));

        // Assert
        Assert.Equal(pair, held);
        Assert.Single(NotSavedAlerts);
        Assert.Equal(pair, current);
        Assert.Equal(pair, await StoredAsync());
    }
}
