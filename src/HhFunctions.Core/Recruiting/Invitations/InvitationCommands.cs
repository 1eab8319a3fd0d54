namespace HhFunctions.Recruiting.Invitations;

/// <summary>
/// The bot's side of invitations, from the owner's chat only (the dispatcher ignores every other chat):
/// <c>/invite &lt;resume link&gt; &lt;vacancy id or link&gt; [message]</c> and <c>/import &lt;resume link&gt;</c>.
/// Answers are Telegram HTML; everything that comes from hh.ru or the user is encoded.
/// </summary>
public sealed class InvitationCommands(InvitationService invitations)
{
    public const string InviteUsage =
        "Send <code>/invite</code> followed by the resume's hh.ru address, the vacancy's id or address and, if you like, the message, e.g. <code>/invite https://hh.ru/resume/0123456789abcdef 123456 Здравствуйте!</code>. It costs the company a resume contact on hh.ru.";

    public const string ImportUsage =
        "Send <code>/import</code> followed by the resume's hh.ru address, e.g. <code>/import https://hh.ru/resume/0123456789abcdef</code>.";

    /// <summary>/invite: the one explicit command that sends hh.ru's invitation (claimed first, never sent twice).</summary>
    public async Task<string?> InviteAsync(string text, CancellationToken ct)
    {
        var args = Arguments(text, 3);
        if (args.Count < 2)
        {
            return InviteUsage;
        }

        var result = await invitations.InviteAsync(args[0], args[1], args.Count > 2 ? args[2] : null, "telegram", ct);
        return Reply(result) + (result.Outcome == InviteOutcome.BadInput ? "\n" + InviteUsage : string.Empty);
    }

    /// <summary>/import: the rule, and the resume's existing topics synced at once.</summary>
    public async Task<string?> ImportAsync(string text, CancellationToken ct)
    {
        var args = Arguments(text, 2);
        if (args.Count < 1)
        {
            return ImportUsage + "\n" + Escape(InvitationService.Rule);
        }

        var result = await invitations.ImportAsync(args[0], ct);
        return Reply(result) + (result.Outcome == InviteOutcome.BadInput ? "\n" + ImportUsage : string.Empty);
    }

    private static string Reply(InviteResult result) => (result.Outcome switch
    {
        InviteOutcome.Invited => "✅ ",
        InviteOutcome.Synced => "🔄 ",
        InviteOutcome.NoTopic => "ℹ️ ",
        InviteOutcome.Unknown or InviteOutcome.Busy => "⏳ ",
        _ => "⛔ ",
    }) + Escape(result.Message);

    /// <summary>What Telegram's HTML needs escaped in text: &amp;, &lt; and &gt; (apostrophes and quotes stay readable).</summary>
    internal static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>The words after the command: up to <paramref name="max"/>, the last one keeping the rest of the text (the message).</summary>
    internal static List<string> Arguments(string? text, int max)
    {
        var rest = (text ?? string.Empty).Trim();
        var space = rest.IndexOfAny([' ', '\n', '\t']);
        rest = space < 0 ? string.Empty : rest[(space + 1)..].Trim();
        var args = new List<string>();
        while (rest.Length > 0 && args.Count < max - 1)
        {
            var end = rest.IndexOfAny([' ', '\n', '\t']);
            if (end < 0)
            {
                args.Add(rest);
                return args;
            }

            args.Add(rest[..end]);
            rest = rest[(end + 1)..].TrimStart();
        }

        if (rest.Length > 0)
        {
            args.Add(rest);
        }

        return args;
    }
}
