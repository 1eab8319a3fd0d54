namespace HhFunctions.Recruiting;

/// <summary>
/// How the desk turns hh.ru's employer state of a response (<see cref="TopicRecord.HhStage"/>, ids from
/// ../shared/hh-employer-api.md §4.2) into funnel steps: responses → viewed → invited → interview → offer, plus
/// rejected and silent. A step counts every response that reached it or a later one (an interview was also viewed and
/// invited). The rules (docs/recruiting.md, "The desk"):
/// <list type="bullet">
/// <item>viewed: the employer moved the response out of hh.ru's unsorted <c>response</c> state, to any state (hh.ru
/// keeps no "opened" state the app can read without marking the response viewed itself);</item>
/// <item>invited: <c>invitation</c> or <c>phone_interview</c>; interview: <c>interview</c> or <c>assessment</c>;
/// offer: <c>offer</c> or <c>hired</c>;</item>
/// <item>rejected: <c>discard</c>, <c>discard_by_employer</c> (counted as viewed) or <c>discard_after_interview</c>
/// (counted as interviewed);</item>
/// <item>silent: still in <c>response</c> (or no state seen) <see cref="SilentAfter"/> after it arrived;</item>
/// <item>a state id not listed here (hh.ru's list is per vacancy) counts as viewed only.</item>
/// </list>
/// </summary>
public static class DeskFunnel
{
    public static readonly TimeSpan SilentAfter = TimeSpan.FromDays(14);

    public const int Responded = 0;
    public const int Viewed = 1;
    public const int Invited = 2;
    public const int Interview = 3;
    public const int Offer = 4;

    public static readonly string[] StepNames = ["response", "viewed", "invited", "interview", "offer"];

    /// <summary>The furthest step reached, whether it was rejected, and whether it is silent.</summary>
    public static (int Reached, bool Rejected, bool Silent) Classify(string? hhStage, DateTimeOffset firstSeenAt, DateTimeOffset now) => hhStage switch
    {
        null or "" or "response" => (Responded, false, now - firstSeenAt >= SilentAfter),
        "consider" => (Viewed, false, false),
        "invitation" or "phone_interview" => (Invited, false, false),
        "interview" or "assessment" => (Interview, false, false),
        "offer" or "hired" => (Offer, false, false),
        "discard_after_interview" => (Interview, true, false),
        "discard" or "discard_by_employer" => (Viewed, true, false),
        _ => (Viewed, false, false),
    };

    /// <summary>The word the desk shows for a response's place in the funnel.</summary>
    public static string StepOf(string? hhStage, DateTimeOffset firstSeenAt, DateTimeOffset now)
    {
        var (reached, rejected, silent) = Classify(hhStage, firstSeenAt, now);
        return rejected ? "rejected" : silent ? "silent" : StepNames[reached];
    }
}

/// <summary>Responses of a vacancy (or a week, or all) by where they stand: in the CRM and in the funnel.</summary>
public sealed record DeskCounts(int Total, int Synced, int Pending, int Failed, int Viewed, int Invited, int Interview, int Offer, int Rejected, int Silent)
{
    public static DeskCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>"3 (25 %)"; "—" when there are no responses.</summary>
    public string Pct(int part) =>
        Total == 0 ? "—" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{part} ({(double)part / Total:P0})");
}

/// <summary>Adds responses up into <see cref="DeskCounts"/> (one pass over 20,000 topics, no allocation per topic).</summary>
internal sealed class DeskTally
{
    private int _total, _synced, _pending, _failed, _viewed, _invited, _interview, _offer, _rejected, _silent;

    public void Add(TopicRecord t, DateTimeOffset now)
    {
        _total++;
        switch (t.Status)
        {
            case TopicStatus.Written:
                _synced++;
                break;
            case TopicStatus.Failed:
                _failed++;
                break;
            default:
                _pending++;
                break;
        }

        var (reached, rejected, silent) = DeskFunnel.Classify(t.HhStage, t.FirstSeenAt, now);
        _viewed += reached >= DeskFunnel.Viewed ? 1 : 0;
        _invited += reached >= DeskFunnel.Invited ? 1 : 0;
        _interview += reached >= DeskFunnel.Interview ? 1 : 0;
        _offer += reached >= DeskFunnel.Offer ? 1 : 0;
        _rejected += rejected ? 1 : 0;
        _silent += silent ? 1 : 0;
    }

    public DeskCounts ToCounts() => new(_total, _synced, _pending, _failed, _viewed, _invited, _interview, _offer, _rejected, _silent);
}
