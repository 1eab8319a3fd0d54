using System.Text.Json;

namespace HhFunctions.Tests.Reliability;

public enum LedgerKind
{
    Fault,
    BadInput,
    Secrets,

    /// <summary>A fault on the apply path: survived means sent twice = 0 and lost = 0.</summary>
    Apply,

    /// <summary>A fault on the recruiting path (hh.ru responses into Bitrix24): survived means duplicates = 0 and lost = 0.</summary>
    Recruiting,

    /// <summary>A fault on sync back (moves in Bitrix24 sent to hh.ru): survived means hh.ru actions sent twice = 0 and moves lost = 0.</summary>
    SyncBack,

    /// <summary>A fault on invite by link: survived means invitations sent twice = 0 and invitations lost = 0.</summary>
    Invitation,
}

/// <summary>
/// Where the reliability cases write what they measured, for tests/reliability-report.sh to sum up.
/// Only active when HH_RELIABILITY_LEDGER names a file; the tests assert on their own either way.
/// </summary>
public static class ReliabilityLedger
{
    private static readonly Lock Gate = new();

    public static void Record(LedgerKind kind, string name, bool survived, int tokensLost, string detail)
    {
        if (Environment.GetEnvironmentVariable("HH_RELIABILITY_LEDGER") is not { Length: > 0 } path)
        {
            return;
        }

        var line = JsonSerializer.Serialize(new { kind = kind.ToString(), name, survived, tokensLost, detail });
        lock (Gate)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }
}
