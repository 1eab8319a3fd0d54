using System.Globalization;
using HhFunctions.State;

namespace HhFunctions.StatusPage;

/// <summary>"08:01:07 UTC, due-time queue" / "12:01 UTC, scheduled run": a resume's next planned raise and what makes it.</summary>
public static class PlannedText
{
    public static string Of(ResumeState resume)
    {
        ArgumentNullException.ThrowIfNull(resume);
        if (resume.NextPlannedAt is not { } at)
        {
            return resume.NextPlannedBy == PlannedBy.Timer ? "next scheduled run" : "—";
        }

        var utc = at.ToUniversalTime();
        return resume.NextPlannedBy == PlannedBy.Queue
            ? utc.ToString("dd MMM HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) + ", due-time queue"
            : utc.ToString("dd MMM HH:mm 'UTC'", CultureInfo.InvariantCulture) + ", scheduled run";
    }
}
