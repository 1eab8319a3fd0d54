using System.Collections.Concurrent;
using System.Net;
using System.Web;

namespace HhFunctions.Testing;

/// <summary>One negotiation action hh.ru performed (an invitation, a rejection, a move between stages).</summary>
public sealed record FakeActionPerformed(string TopicId, string ActionId, string FromState, string ToState, string? Message, DateTimeOffset At);

/// <summary>
/// The negotiation's actions (../shared/hh-employer-api.md §4.2): each negotiation lists, in its <c>actions</c>, the
/// moves its employer state allows (id, method PUT, its own url /negotiations/{collection}/{id}, the resulting
/// employer state, its arguments). Calling one moves the negotiation (and fires NEGOTIATION_EMPLOYER_STATE_CHANGE);
/// calling one not offered in the current state is refused with 403 negotiations/wrong_state, and nothing happens;
/// a required message missing is a 400. Every action performed is counted per negotiation, so a test sees an
/// invitation or a rejection sent twice.
/// </summary>
public sealed partial class FakeHhEmployer
{
    /// <summary>The moves each employer state allows (a discarded or hired candidate has none).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Moves = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["response"] = ["consider", "invitation", "phone_interview", "interview", "offer", "discard"],
        ["consider"] = ["invitation", "phone_interview", "interview", "offer", "discard"],
        ["invitation"] = ["interview", "offer", "discard"],
        ["phone_interview"] = ["interview", "offer", "discard"],
        ["interview"] = ["assessment", "offer", "discard"],
        ["assessment"] = ["offer", "discard"],
        ["offer"] = ["hired", "discard"],
    };

    /// <summary>Actions (by id) whose <c>message</c> argument is required.</summary>
    public HashSet<string> MessageRequiredFor { get; } = new(StringComparer.Ordinal);

    /// <summary>Every action performed, in order.</summary>
    public ConcurrentQueue<FakeActionPerformed> ActionsPerformed { get; } = new();

    /// <summary>Calls to an action that hh.ru refused (not offered in the state, a missing message).</summary>
    public int ActionsRefused { get; private set; }

    /// <summary>Actions performed on one negotiation.</summary>
    public int ActionsOn(string topicId) => ActionsPerformed.Count(a => a.TopicId == topicId);

    /// <summary>The same action performed on the same negotiation more than once (an invitation or rejection sent twice), summed over all.</summary>
    public int ActionsSentTwice => ActionsPerformed.GroupBy(a => (a.TopicId, a.ActionId)).Sum(g => g.Count() - 1);

    private static bool IsActionPath(string method, string path)
    {
        if (method is not ("PUT" or "POST"))
        {
            return false;
        }

        var segments = path.Split('/');
        return segments.Length == 3 && segments[0] == "negotiations" && segments[1].Length > 0 && segments[2].Length > 0 && segments[2].All(char.IsAsciiDigit);
    }

    private List<Dictionary<string, object?>> ActionsJson(FakeEmployerNegotiation n, Uri apiBase) =>
        [.. Moves.GetValueOrDefault(n.EmployerState, []).Select(target => new Dictionary<string, object?>
        {
            ["id"] = target,
            ["name"] = StateNames.GetValueOrDefault(target, target),
            ["method"] = "PUT",
            ["enabled"] = true,
            ["hidden"] = false,
            ["url"] = $"{apiBase.AbsoluteUri}negotiations/{target}/{n.Id}",
            ["resulting_employer_state"] = IdName(target),
            ["arguments"] = new object[]
            {
                new { id = "message", required = MessageRequiredFor.Contains(target), required_arguments = Array.Empty<object>() },
                new { id = "send_sms", required = false, required_arguments = Array.Empty<object>() },
            },
            ["templates"] = Array.Empty<object>(),
            ["sub_actions"] = Array.Empty<object>(),
        })];

    private HttpResponseMessage PerformAction(string method, string action, string topicId, string? body)
    {
        var n = TopicById(topicId);
        if (n is null || n.Removed)
        {
            return TopicNotFound();
        }

        if (method != "PUT")
        {
            return FakeHhApi.Errors(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        }

        if (!Moves.GetValueOrDefault(n.EmployerState, []).Contains(action))
        {
            ActionsRefused++;
            return FakeHhApi.Errors(HttpStatusCode.Forbidden, "negotiations", "wrong_state");
        }

        var form = HttpUtility.ParseQueryString(body ?? string.Empty);
        var message = form["message"];
        if (MessageRequiredFor.Contains(action) && string.IsNullOrWhiteSpace(message))
        {
            ActionsRefused++;
            return FakeHhApi.Errors(HttpStatusCode.BadRequest, "bad_argument", "message");
        }

        var from = n.EmployerState;
        ChangeEmployerState(n.Id, action);
        ActionsPerformed.Enqueue(new FakeActionPerformed(n.Id, action, from, action, message, _time.GetUtcNow()));
        return new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) };
    }
}
