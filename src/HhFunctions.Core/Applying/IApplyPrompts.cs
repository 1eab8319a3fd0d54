namespace HhFunctions.Applying;

/// <summary>How applying talks to the owner (Telegram in the app; a fake in tests if needed).</summary>
public interface IApplyPrompts
{
    /// <summary>Confirm mode: the letter with Send / Edit / Skip buttons.</summary>
    Task AskAsync(ApplicationRecord record, string? letterProblem, CancellationToken ct);

    /// <summary>A one-off notice (limit reached, captcha).</summary>
    Task TellAsync(string html, CancellationToken ct);

    /// <summary>Auto mode: what became of a batch of matches.</summary>
    Task ReportAsync(IReadOnlyList<ApplyResult> results, CancellationToken ct);
}
