using System.Globalization;
using System.Net;
using System.Text;
using HhFunctions.State;

namespace HhFunctions.StatusPage;

/// <summary>The bot's /status: the status page's facts, short, one line per resume.</summary>
public sealed class StatusCommand(StatusService status)
{
    /// <summary>/status: no one-time setup link is minted (the answer says /connect instead).</summary>
    public async Task<string> StatusAsync(CancellationToken ct) =>
        StatusText(await status.GetAsync(withConnectLink: false, ct));

    /// <summary>The /status answer: short, one line per resume.</summary>
    public static string StatusText(StatusModel m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var sb = new StringBuilder("📋 <b>hh.ru status</b>\n");
        sb.Append(m.AccountStatus switch
        {
            AccountStatus.Connected => $"Account: <b>{E(m.Account ?? "hh.ru account")}</b> — connected\n",
            AccountStatus.NeedsReconnect => $"Account: <b>{E(m.Account ?? "hh.ru account")}</b> — needs reconnect: /connect\n",
            AccountStatus.NoApplicantAccess => $"Account: <b>{E(m.Account ?? "hh.ru account")}</b> — connected, but hh.ru refuses applicant access\n",
            _ => "Account: not connected — /connect\n",
        });
        if (m.AccountKind == AccountKind.Employer)
        {
            sb.Append("Kind: employer").Append(m.EmployerName is { Length: > 0 } company ? $" ({E(company)})" : string.Empty)
                .Append(" — recruiting runs; raising and applying need a job seeker's account\n");
        }

        sb.Append("Token: ").Append(E(m.TokenState));
        if (m.TokenState == "valid" && m.TokenValidUntil is { } until)
        {
            sb.Append(" until ").Append(Time(until));
        }

        sb.Append('\n');
        if (m.Problem is { Length: > 0 } problem)
        {
            sb.Append("⚠️ ").Append(E(problem)).Append('\n');
        }

        if (!m.Configured)
        {
            sb.Append("⚙️ HeadHunter__ClientId / HeadHunter__ClientSecret are not set.\n");
        }

        if (m.Paused)
        {
            sb.Append("⏸ Raising is paused — /resume to continue.\n");
        }

        if (m.Resumes.Count == 0)
        {
            sb.Append("No resumes seen yet.\n");
        }
        else
        {
            foreach (var r in m.Resumes)
            {
                sb.Append(CultureInfo.InvariantCulture, $"• <b>{E(r.Title)}</b> — {E(Outcome(r))}; last raise {Time(r.LastRaisedAt)}; next {Time(r.NextAllowedAt)}; planned raise {E(PlannedText.Of(r))}\n");
            }
        }

        if (m.Runs.Count > 0)
        {
            var last = m.Runs[0];
            sb.Append(CultureInfo.InvariantCulture, $"Last run: {Time(last.StartedAt)} ({E(last.Trigger)}) — {E(last.Summary)}");
        }
        else
        {
            sb.Append("No runs yet.");
        }

        foreach (var section in m.Sections)
        {
            sb.Append("\n\n<b>").Append(E(section.Title)).Append("</b>\n");
            foreach (var line in section.Lines)
            {
                sb.Append(line.Tone == "bad" ? "⚠️ " : "• ").Append(E(line.Text)).Append('\n');
            }
        }

        return sb.ToString().TrimEnd();
    }

    private static string Outcome(ResumeState r) => r.LastOutcome switch
    {
        ResumeOutcome.Raised => "raised",
        ResumeOutcome.NotYet => "not yet",
        ResumeOutcome.Skipped => "skipped: " + r.LastMessage,
        ResumeOutcome.Failed => "failed: " + r.LastMessage,
        _ => "no run yet",
    };

    private static string Time(DateTimeOffset? t) =>
        t is { } v ? v.ToUniversalTime().ToString("dd MMM HH:mm 'UTC'", CultureInfo.InvariantCulture) : "—";

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);
}
