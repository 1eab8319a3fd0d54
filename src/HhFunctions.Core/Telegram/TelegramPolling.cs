using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace HhFunctions.Telegram;

/// <summary>
/// Standalone mode only: receives bot commands by long polling (getUpdates) and hands each update to
/// <see cref="BotCommands"/> once. The offset moves past every update it has seen, handled or not, so a bad
/// update never comes back. Errors are logged and retried after a growing pause; the app never stops for them.
/// </summary>
public sealed partial class TelegramPolling(
    IHttpClientFactory httpClients,
    BotCommands commands,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<TelegramPolling> logger) : BackgroundService
{
    /// <summary>The HttpClient for getUpdates: no resilience pipeline (a long poll outlives its timeouts), no logging (token in the path).</summary>
    public const string HttpClientName = "telegram-polling";

    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    private static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery];

    /// <summary>The offset the next getUpdates call sends (last seen update id + 1).</summary>
    public int? Offset { get; private set; }

    /// <summary>Pause after the n-th failure in a row: 5 s, 10 s, 20 s, ... at most 5 minutes.</summary>
    public static TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks * (1L << Math.Clamp(failures - 1, 0, 16))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.IsConfigured)
        {
            Log.NotConfigured(logger);
            return;
        }

        var http = httpClients.CreateClient(HttpClientName);
        http.Timeout = TimeSpan.FromSeconds(o.PollTimeoutSeconds) + TimeSpan.FromSeconds(30);
        var bot = new TelegramBotClient(new TelegramBotClientOptions(o.BotToken!, o.ApiBaseUrl.AbsoluteUri.TrimEnd('/')), http, stoppingToken);
        Log.Started(logger, o.PollTimeoutSeconds);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            Update[] updates;
            try
            {
                updates = await bot.GetUpdates(Offset, limit: 100, timeout: o.PollTimeoutSeconds, allowedUpdates: AllowedUpdates, cancellationToken: stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 409)
            {
                Log.WebhookActive(logger, ex.Message);
                await PauseAsync(++failures, stoppingToken);
                continue;
            }
            catch (ApiRequestException ex)
            {
                Log.Rejected(logger, ex.ErrorCode, ex.Message);
                await PauseAsync(++failures, stoppingToken);
                continue;
            }
#pragma warning disable CA1031 // Polling must outlive any network or Telegram trouble.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // The exception's message may carry the request URL, and so the token: only its type is logged.
                Log.Failed(logger, ex.InnerException is { } inner ? $"{ex.GetType().Name}: {inner.GetType().Name}" : ex.GetType().Name);
                await PauseAsync(++failures, stoppingToken);
                continue;
            }

            foreach (var update in updates.OrderBy(u => u.Id))
            {
                Offset = update.Id + 1;
                try
                {
                    await commands.HandleAsync(update, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // One update's failure must not stop the others, nor come back.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.UpdateFailed(logger, ex, update.Id);
                }
            }
        }
    }

    private async Task PauseAsync(int failures, CancellationToken ct)
    {
        var delay = RetryDelay(failures);
        Log.Pausing(logger, delay, failures);
        try
        {
            await Task.Delay(delay, time, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the loop ends.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2301, LogLevel.Information, "Telegram long polling started (getUpdates, {Timeout} s per call).")]
        public static partial void Started(ILogger logger, int timeout);

        [LoggerMessage(2302, LogLevel.Information, "Telegram long polling is off: Telegram__BotToken / Telegram__ChatId are not set.")]
        public static partial void NotConfigured(ILogger logger);

        [LoggerMessage(2303, LogLevel.Warning, "Telegram refused getUpdates because a webhook is set ({Description}). Delete it (deleteWebhook) to use polling here, or set Telegram__Polling=false.")]
        public static partial void WebhookActive(ILogger logger, string description);

        [LoggerMessage(2304, LogLevel.Warning, "Telegram refused getUpdates: {Code} {Description}")]
        public static partial void Rejected(ILogger logger, int code, string description);

        [LoggerMessage(2305, LogLevel.Warning, "Telegram getUpdates failed ({Error}).")]
        public static partial void Failed(ILogger logger, string error);

        [LoggerMessage(2306, LogLevel.Information, "Telegram long polling pauses {Delay} after {Failures} failure(s) in a row.")]
        public static partial void Pausing(ILogger logger, TimeSpan delay, int failures);

        [LoggerMessage(2307, LogLevel.Error, "Telegram update {UpdateId} failed; skipped.")]
        public static partial void UpdateFailed(ILogger logger, Exception exception, int updateId);
    }
}
