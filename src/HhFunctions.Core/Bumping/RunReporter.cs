using System.Globalization;
using System.Net;
using System.Text;
using HhFunctions.OAuth;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Tokens;
using Microsoft.Extensions.Options;

namespace HhFunctions.Bumping;

/// <summary>Turns a run into a Telegram message and decides, by Telegram__Notify, whether to send it.</summary>
public sealed class RunReporter(ITelegramNotifier telegram, SetupLinks links, OwnerNotices notices, IOptions<TelegramOptions> options)
{
    /// <summary>The trigger of runs the owner started with the bot's /bump.</summary>
    public const string OnDemandTrigger = "telegram /bump";

    /// <summary>The notice key of "No hh.ru account is connected yet".</summary>
    public const string NotConnectedNotice = "not-connected";

    public async Task<bool> ReportAsync(RunRecord run, IReadOnlyList<ResumeState> previous, TokenUnavailableException? tokenProblem, IReadOnlyList<string> notes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(notes);
        if (tokenProblem?.Problem is TokenProblem.NotConnected or TokenProblem.NoApplicantAccess or TokenProblem.Configuration && run.Trigger != OnDemandTrigger)
        {
            // A standing condition: told once, then again only when something changes (not every scheduled run).
            var onceLink = OffersReconnect(tokenProblem) ? await links.CreateOrFallbackAsync(ct) : null;
            var key = tokenProblem.NoticeKey ?? (tokenProblem.Problem == TokenProblem.NotConnected ? NotConnectedNotice : "configuration:" + tokenProblem.Message);
            return await notices.TellOnceAsync(key, BuildHtml(run, tokenProblem, notes, onceLink), ct);
        }

        if (!ShouldSend(options.Value.Notify, run, previous, tokenProblem, notes))
        {
            return false;
        }

        var link = OffersReconnect(tokenProblem) ? await links.CreateOrFallbackAsync(ct) : null;
        return await telegram.SendAsync(BuildHtml(run, tokenProblem, notes, link), ct);
    }

    public static bool ShouldSend(NotifyLevel level, RunRecord run, IReadOnlyList<ResumeState> previous, TokenUnavailableException? tokenProblem, IReadOnlyList<string> notes)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(notes);
        if (tokenProblem?.NeedsOwner == true)
        {
            return true; // Token trouble is always reported.
        }

        if (run.Trigger == OnDemandTrigger)
        {
            return false; // The bot answers /bump itself; a second message would repeat it.
        }

        var hasErrors = run.Status is RunStatus.Failed or RunStatus.PartiallyFailed || tokenProblem is not null || notes.Count > 0;
        var changed = run.Results.Any(r => previous.FirstOrDefault(p => p.ResumeId == r.ResumeId)?.LastOutcome != r.Outcome);
        return level switch
        {
            NotifyLevel.All => true,
            NotifyLevel.Changes => hasErrors || changed,
            _ => hasErrors,
        };
    }

    public static string BuildHtml(RunRecord run, TokenUnavailableException? tokenProblem, IReadOnlyList<string> notes, Uri? reconnectLink)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(notes);
        var sb = new StringBuilder();
        var icon = run.Status switch
        {
            RunStatus.Succeeded => "✅",
            RunStatus.Skipped => "⏸",
            RunStatus.PartiallyFailed => "⚠️",
            _ => "⛔",
        };
        sb.Append(CultureInfo.InvariantCulture, $"{icon} <b>hh.ru resumes</b> — {E(run.Summary)}\n");
        foreach (var r in run.Results)
        {
            var line = r.Outcome switch
            {
                ResumeOutcome.Raised => $"🔼 {E(r.Title)} — raised" + (r.NextAllowedAt is { } n ? $", next ≈ {Time(n)}" : string.Empty),
                ResumeOutcome.NotYet => $"⏳ {E(r.Title)} — not yet" + (r.NextAllowedAt is { } n2 ? $", next at {Time(n2)}" : string.Empty),
                ResumeOutcome.Skipped => $"➖ {E(r.Title)} — skipped: {E(r.Message)}",
                _ => $"❌ {E(r.Title)} — failed: {E(r.Message)}",
            };
            sb.Append(line).Append('\n');
        }

        foreach (var note in notes)
        {
            sb.Append("ℹ️ ").Append(E(note)).Append('\n');
        }

        if (tokenProblem?.NeedsOwner == true)
        {
            sb.Append("\n🔑 ").Append(E(tokenProblem.Message));
            if (reconnectLink is not null && OffersReconnect(tokenProblem))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n<a href=\"{E(reconnectLink.AbsoluteUri)}\">Reconnect hh.ru</a>");
            }
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary>A (re)connect link helps only when no pair is usable; wrong app settings are not fixed by reconnecting.</summary>
    private static bool OffersReconnect(TokenUnavailableException? problem) =>
        problem?.Problem is TokenProblem.NotConnected or TokenProblem.ReconnectRequired;

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("dd MMM HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);
}
