namespace HhFunctions.Applying;

/// <summary>Applications and applying's state: Azure Table storage in Azure, a file under Data__Path standalone.</summary>
public interface IApplicationStore
{
    Task<ApplicationRecord?> GetAsync(string vacancyId, CancellationToken ct);

    Task<IReadOnlyList<ApplicationRecord>> ListAsync(CancellationToken ct);

    /// <summary>
    /// Atomic read-modify-write of one vacancy's record, safe against concurrent writers (two taps on "Send",
    /// two instances). <paramref name="change"/> gets null when there is none; returning null leaves it as it was.
    /// Returns (record after, whether it changed).
    /// </summary>
    Task<(ApplicationRecord? Record, bool Changed)> UpdateAsync(string vacancyId, Func<ApplicationRecord?, ApplicationRecord?> change, CancellationToken ct);

    Task<ApplyState> GetStateAsync(CancellationToken ct);

    Task<ApplyState> UpdateStateAsync(Func<ApplyState, ApplyState> change, CancellationToken ct);
}
