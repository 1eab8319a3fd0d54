namespace HhFunctions.State;

/// <summary>State and run history: Azure Table storage in Azure, files under Data__Path standalone.</summary>
public interface IStateStore
{
    /// <summary>Stores one-time tokens (a status page's two at once: one write, not two).</summary>
    Task SaveOneTimeTokensAsync(IReadOnlyList<OneTimeToken> tokens, CancellationToken ct);

    /// <summary>Atomically marks a one-time token used. Only the first caller gets <see cref="ConsumeResult.Accepted"/>.</summary>
    Task<ConsumeResult> ConsumeOneTimeTokenAsync(string purpose, string value, DateTimeOffset now, CancellationToken ct);

    Task<AccountState> GetAccountAsync(CancellationToken ct);

    /// <summary>Read-modify-write of the account record, safe against concurrent writers.</summary>
    Task<AccountState> UpdateAccountAsync(Func<AccountState, AccountState> change, CancellationToken ct);

    Task<IReadOnlyList<ResumeState>> GetResumesAsync(CancellationToken ct);

    Task SaveResumeAsync(ResumeState resumeState, CancellationToken ct);

    Task AddRunAsync(RunRecord run, CancellationToken ct);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<RunRecord>> GetRecentRunsAsync(int count, CancellationToken ct);
}

/// <summary>A lease on a named lock shared by every instance of the app.</summary>
public interface ILease : IAsyncDisposable
{
    string Name { get; }
}

public interface IDistributedLock
{
    /// <summary>Returns a lease, or null when another holder kept the lock for the whole <paramref name="wait"/>.</summary>
    Task<ILease?> TryAcquireAsync(string name, TimeSpan leaseTime, TimeSpan wait, CancellationToken ct);
}

/// <summary>The state store is unreachable or refused the call.</summary>
public sealed class StateStoreException : Exception
{
    public StateStoreException()
    {
    }

    public StateStoreException(string message)
        : base(message)
    {
    }

    public StateStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
