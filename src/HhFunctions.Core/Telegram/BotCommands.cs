using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using HhFunctions.Queues;
using HhFunctions.Web;
using HhFunctions.HeadHunter;
using HhFunctions.Bumping;
using HhFunctions.OAuth;
using HhFunctions.State;
using HhFunctions.Vacancies;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Types;
using HhFunctions.StatusPage;

namespace HhFunctions.Telegram;

/// <summary>What became of one Telegram update.</summary>
public enum BotUpdateOutcome
{
    /// <summary>A message from the owner's chat: answered.</summary>
    Handled,

    /// <summary>Telegram delivered this update id before (a webhook retry): ignored.</summary>
    Duplicate,

    /// <summary>Not a new message (an edit, a button, a member change...): ignored.</summary>
    NoMessage,

    /// <summary>A message from any chat but Telegram__ChatId: ignored, never answered.</summary>
    ForeignChat,

    /// <summary>A sticker, photo or other message without text: ignored.</summary>
    NotText,

    /// <summary>Telegram__BotToken / Telegram__ChatId are not set: nothing can be answered.</summary>
    NotConfigured,
}

/// <summary>
/// The bot's commands, shared by the webhook (Functions host) and long polling (standalone). Only messages from
/// Telegram__ChatId are answered, and every answer goes to that chat through <see cref="ITelegramNotifier"/>.
/// A failing command is answered with a short error and never thrown back to Telegram, so there is no retry loop.
/// </summary>
public sealed partial class BotCommands(
    IServiceScopeFactory scopes,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<BotCommands> logger)
{
    public const string BumpTrigger = RunReporter.OnDemandTrigger;

    public const string HelpText = """
        🤖 <b>HhFunctions bot</b>
        /status — account, token, and each resume's last raise, next time and outcome
        /bump — raise the resumes now (within hh.ru's limits)
        /pause — stop raising and vacancy watching until /resume
        /resume — raise and watch again on schedule
        /watch — vacancy watch: the sources and the last run
        /connect — a one-time link to connect or reconnect hh.ru
        /code &lt;code or address&gt; — finish connecting with a code hh.ru sent elsewhere
        /tokens &lt;access&gt; &lt;refresh&gt; — import a token pair you already have
        /apply &lt;vacancy id or hh.ru address&gt; — apply with your cover letter (docs/applying.md)
        /help — this list
        """;

    private const int RememberedUpdates = 512;

    private readonly ConcurrentDictionary<int, byte> _seen = new();
    private readonly ConcurrentQueue<int> _seenOrder = new();

    public async Task<BotUpdateOutcome> HandleAsync(Update update, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        var o = options.Value;
        if (!o.IsConfigured)
        {
            Log.NotConfigured(logger, update.Id);
            return BotUpdateOutcome.NotConfigured;
        }

        if (!Remember(update.Id))
        {
            Log.Duplicate(logger, update.Id);
            return BotUpdateOutcome.Duplicate;
        }

        if (update.CallbackQuery is { Data: { } data } button && data.StartsWith(VacancyDigest.HidePrefix, StringComparison.Ordinal))
        {
            return await HandleButtonAsync(update.Id, button, o, ct);
        }

        if (update.CallbackQuery is { } callback)
        {
            return await CallbackAsync(callback, update.Id, o, ct);
        }

        if (update.Message is not { } message)
        {
            Log.NoMessage(logger, update.Id, update.Type.ToString());
            return BotUpdateOutcome.NoMessage;
        }

        if (!IsOwnerChat(message.Chat.Id, o.ChatId))
        {
            Log.ForeignChat(logger, update.Id, message.Chat.Id);
            return BotUpdateOutcome.ForeignChat;
        }

        if (string.IsNullOrWhiteSpace(message.Text))
        {
            Log.NotText(logger, update.Id, message.Type.ToString());
            return BotUpdateOutcome.NotText;
        }

        var command = ParseCommand(message.Text);
        Log.Command(logger, update.Id, IsKnown(command) ? command : "(unknown)");
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var telegram = services.GetRequiredService<ITelegramNotifier>();
        try
        {
            var reply = command switch
            {
                "status" => await StatusAsync(services, ct),
                "bump" => await BumpAsync(services, ct),
                "pause" => await SetPausedAsync(services, paused: true, ct),
                "resume" => await SetPausedAsync(services, paused: false, ct),
                "connect" => await ConnectAsync(services, ct),
                "code" => await services.GetRequiredService<AccessCommands>().CodeAsync(message.Text, message.MessageId, ct),
                "tokens" => await services.GetRequiredService<AccessCommands>().TokensAsync(message.Text, message.MessageId, ct),
                "watch" => await services.GetRequiredService<VacancyWatchStatus>().TextAsync(ct),
                "apply" => await services.GetRequiredService<ApplyCommands>().ApplyAsync(message.Text, ct),
                "help" or "start" => HelpText,
                "" => await services.GetRequiredService<ApplyCommands>().TextAsync(message.Text, ct) ?? HelpText,
                _ => $"Unknown command /{E(command)}.\n\n{HelpText}",
            };
            if (reply is not null)
            {
                await telegram.SendAsync(reply, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, command, ex.Message);
            await telegram.SendAsync("⚠️ State storage is unavailable right now, so nothing was changed. Try again in a minute.", ct);
        }
#pragma warning disable CA1031 // A command's failure is answered and logged; Telegram must never see an error (it would retry).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CommandFailed(logger, ex, command);
            await telegram.SendAsync($"⛔ /{E(command)} failed unexpectedly ({E(ex.GetType().Name)}). The app's log has the details.", ct);
        }

        return BotUpdateOutcome.Handled;
    }

    /// <summary>A tap on an inline button (apply:/send:/edit:/skip:), only from the owner's chat.</summary>
    private async Task<BotUpdateOutcome> CallbackAsync(CallbackQuery callback, int updateId, TelegramOptions o, CancellationToken ct)
    {
        var chatId = callback.Message?.Chat.Id ?? callback.From.Id;
        if (!IsOwnerChat(chatId, o.ChatId))
        {
            Log.ForeignChat(logger, updateId, chatId);
            return BotUpdateOutcome.ForeignChat;
        }

        await using var scope = scopes.CreateAsyncScope();
        if (ApplyPrompts.ParseCallback(callback.Data) is null)
        {
            // Not one of applying's buttons: stop the client's spinner, otherwise ignore it.
            await scope.ServiceProvider.GetRequiredService<ApplyCommands>().HandleCallbackAsync(callback, ct);
            Log.NoMessage(logger, updateId, "unknown button");
            return BotUpdateOutcome.NoMessage;
        }

        try
        {
            await scope.ServiceProvider.GetRequiredService<ApplyCommands>().HandleCallbackAsync(callback, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, "button", ex.Message);
            await scope.ServiceProvider.GetRequiredService<ITelegramNotifier>().SendAsync("⚠️ State storage is unavailable right now, so nothing was sent. Try again in a minute.", ct);
        }
#pragma warning disable CA1031 // A button's failure is answered and logged; Telegram must never see an error (it would retry).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CommandFailed(logger, ex, "button");
            await scope.ServiceProvider.GetRequiredService<ITelegramNotifier>().SendAsync($"⛔ The button failed unexpectedly ({E(ex.GetType().Name)}). The app's log has the details.", ct);
        }

        return BotUpdateOutcome.Handled;
    }

    /// <summary>"/Status@MyBot now" → "status"; text that is not a command → "".</summary>
    public static string ParseCommand(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        if (first.Length < 2 || first[0] != '/')
        {
            return string.Empty;
        }

        var at = first.IndexOf('@', StringComparison.Ordinal);
        var name = (at > 0 ? first[1..at] : first[1..]).ToLowerInvariant();
        return name.Length > 32 ? name[..32] : name;
    }

    public static bool IsOwnerChat(long chatId, string? configuredChatId) =>
        long.TryParse(configuredChatId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var owner) && owner == chatId;

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

        return sb.ToString().TrimEnd();
    }

    /// <summary>The answer to /bump once its run finished.</summary>
    public static string BumpText(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var icon = run.Status switch
        {
            RunStatus.Succeeded => "✅",
            RunStatus.Skipped => "⏸",
            RunStatus.PartiallyFailed => "⚠️",
            _ => "⛔",
        };
        return $"{icon} <b>/bump</b> finished: {E(run.Summary)}\nDetails: /status";
    }

    private static async Task<string> StatusAsync(IServiceProvider services, CancellationToken ct) =>
        StatusText(await services.GetRequiredService<StatusService>().GetAsync(withConnectLink: false, ct));

    /// <summary>
    /// Queues the run (BumpOnDemand in Azure, the in-process queue standalone): it may wait minutes for hh.ru,
    /// and no work may outlive this webhook call on a Consumption instance. The run answers when it finishes.
    /// </summary>
    private async Task<string?> BumpAsync(IServiceProvider services, CancellationToken ct)
    {
        if (await RunInProgressAsync(services.GetRequiredService<IDistributedLock>(), ct))
        {
            return "⏳ A run is already in progress; its report follows when it finishes. Nothing new was started.";
        }

        await services.GetRequiredService<IQueue<BumpRequest>>().SendAsync(new BumpRequest(BumpTrigger, time.GetUtcNow()), ct);
        return "⏳ <b>/bump</b>: raising now. The result follows when the run finishes (it may wait a few minutes for hh.ru).";
    }

    /// <summary>The run lock is held by another run (timer, schedule, an earlier /bump)?</summary>
    private async Task<bool> RunInProgressAsync(IDistributedLock locks, CancellationToken ct)
    {
        try
        {
            var lease = await locks.TryAcquireAsync(BumpResumesJob.RunLockName, TimeSpan.FromSeconds(30), TimeSpan.Zero, ct);
            if (lease is null)
            {
                return true;
            }

            await lease.DisposeAsync();
            return false;
        }
        catch (StateStoreException ex)
        {
            // The job copes without the lock and says so in its report.
            Log.LockUnavailable(logger, ex.Message);
            return false;
        }
    }

    private async Task<string> SetPausedAsync(IServiceProvider services, bool paused, CancellationToken ct)
    {
        var was = false;
        var now = time.GetUtcNow();
        await services.GetRequiredService<IStateStore>().UpdateAccountAsync(
            a =>
            {
                was = a.Paused;
                return a with { Paused = paused, UpdatedAt = now };
            },
            ct);
        Log.PausedChanged(logger, paused);
        return (paused, was) switch
        {
            (true, true) => "⏸ Raising was already paused. /resume to continue.",
            (true, false) => "⏸ Raising paused: scheduled runs and /bump do nothing until /resume. Vacancy watching is paused too.",
            (false, false) => "▶️ Raising was not paused; nothing changed.",
            (false, true) => "▶️ Raising resumed: the next scheduled run raises what hh.ru allows. /bump runs one now. Vacancy watching resumes on its schedule too.",
        };
    }

    private static async Task<string> ConnectAsync(IServiceProvider services, CancellationToken ct)
    {
        var account = await services.GetRequiredService<IStateStore>().GetAccountAsync(ct);
        var link = await services.GetRequiredService<SetupLinks>().CreateAsync(ct);
        var connected = account.Status == AccountStatus.Connected;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"🔗 <a href=\"{E(link.AbsoluteUri)}\">{(account.Status == AccountStatus.NotConnected ? "Connect hh.ru" : "Reconnect hh.ru")}</a> — opens hh.ru to approve access. The link works once, for 24 hours.");
        if (connected)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\nConnected now as {E(account.DisplayName ?? "your hh.ru account")}; reconnecting replaces the stored token.");
        }

        if (!services.GetRequiredService<IOptions<HhOptions>>().Value.HasCredentials)
        {
            sb.Append("\n⚙️ HeadHunter__ClientId / HeadHunter__ClientSecret are not set: connecting fails until they are.");
        }

        return sb.ToString();
    }

    private bool Remember(int updateId)
    {
        if (!_seen.TryAdd(updateId, 0))
        {
            return false;
        }

        _seenOrder.Enqueue(updateId);
        while (_seenOrder.Count > RememberedUpdates && _seenOrder.TryDequeue(out var old))
        {
            _seen.TryRemove(old, out _);
        }

        return true;
    }

    private static bool IsKnown(string command) => command is "status" or "bump" or "pause" or "resume" or "connect" or "code" or "tokens" or "watch" or "apply" or "help" or "start" or "";

    /// <summary>A "Hide" button under a vacancy digest ("hide:{id}"); other buttons stay ignored (NoMessage).</summary>
    private async Task<BotUpdateOutcome> HandleButtonAsync(int updateId, CallbackQuery button, TelegramOptions o, CancellationToken ct)
    {
        if (!IsOwnerChat(button.Message?.Chat.Id ?? button.From.Id, o.ChatId))
        {
            Log.ForeignChat(logger, updateId, button.Message?.Chat.Id ?? button.From.Id);
            return BotUpdateOutcome.ForeignChat;
        }

        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var id = button.Data![VacancyDigest.HidePrefix.Length..];
        string answer;
        Log.Command(logger, updateId, "hide button");
        try
        {
            answer = id.Length == 0 ? "This button names no vacancy." : await services.GetRequiredService<VacancyWatchStatus>().HideAsync(id, ct);
        }
        catch (StateStoreException ex)
        {
            Log.StateUnavailable(logger, "hide", ex.Message);
            answer = "State storage is unavailable right now; nothing was changed. Try again in a minute.";
        }

        await services.GetRequiredService<IVacancyMessenger>().AnswerButtonAsync(button.Id, answer, ct);
        return BotUpdateOutcome.Handled;
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

    private static partial class Log
    {
        [LoggerMessage(2101, LogLevel.Information, "Telegram update {UpdateId}: command {Command}.")]
        public static partial void Command(ILogger logger, int updateId, string command);

        [LoggerMessage(2102, LogLevel.Warning, "Telegram update {UpdateId} ignored: it comes from chat {ChatId}, not Telegram__ChatId.")]
        public static partial void ForeignChat(ILogger logger, int updateId, long chatId);

        [LoggerMessage(2103, LogLevel.Information, "Telegram update {UpdateId} ignored: a {MessageType} message has no command text.")]
        public static partial void NotText(ILogger logger, int updateId, string messageType);

        [LoggerMessage(2104, LogLevel.Information, "Telegram update {UpdateId} ignored: a {UpdateType} update is not a new message.")]
        public static partial void NoMessage(ILogger logger, int updateId, string updateType);

        [LoggerMessage(2105, LogLevel.Information, "Telegram update {UpdateId} ignored: already handled.")]
        public static partial void Duplicate(ILogger logger, int updateId);

        [LoggerMessage(2106, LogLevel.Warning, "Telegram update {UpdateId} ignored: Telegram__BotToken / Telegram__ChatId are not set.")]
        public static partial void NotConfigured(ILogger logger, int updateId);

        [LoggerMessage(2107, LogLevel.Warning, "Bot command {Command}: state storage unavailable: {Reason}")]
        public static partial void StateUnavailable(ILogger logger, string command, string reason);

        [LoggerMessage(2108, LogLevel.Error, "Bot command {Command} failed unexpectedly.")]
        public static partial void CommandFailed(ILogger logger, Exception exception, string command);

        [LoggerMessage(2111, LogLevel.Information, "Raising paused set to {Paused} from Telegram.")]
        public static partial void PausedChanged(ILogger logger, bool paused);

        [LoggerMessage(2112, LogLevel.Warning, "/bump: the run lock could not be checked: {Reason}")]
        public static partial void LockUnavailable(ILogger logger, string reason);
    }
}
