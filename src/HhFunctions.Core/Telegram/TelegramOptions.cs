using System.ComponentModel.DataAnnotations;

namespace HhFunctions.Telegram;

public enum NotifyLevel
{
    /// <summary>A report after every run.</summary>
    All,

    /// <summary>A report only when a resume's outcome differs from its previous run, or something failed.</summary>
    Changes,

    /// <summary>Only failures (token trouble is always reported).</summary>
    Errors,
}

public sealed class TelegramOptions
{
    public const string SectionName = "Telegram";

    /// <summary>Bot token from @BotFather. Empty: reports are only logged. Never logged.</summary>
    public string? BotToken { get; set; }

    /// <summary>Chat that receives the reports (and the only chat whose commands are accepted); numeric (checked by ConfigurationValidator).</summary>
    public string? ChatId { get; set; }

    [Required(ErrorMessage = "Telegram__ApiBaseUrl must be an absolute URL.")]
    public Uri ApiBaseUrl { get; set; } = new("https://api.telegram.org");

    public NotifyLevel Notify { get; set; } = NotifyLevel.All;

    /// <summary>
    /// Secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token for webhook calls (setWebhook's secret_token).
    /// Empty: the webhook refuses every call. Never logged.
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Standalone mode only: receive bot commands by long polling (getUpdates). Tests switch it off.</summary>
    public bool Polling { get; set; } = true;

    /// <summary>How long one getUpdates call may wait for an update, in seconds: 1 to 50 (checked by ConfigurationValidator).</summary>
    public int PollTimeoutSeconds { get; set; } = 30;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BotToken) && !string.IsNullOrWhiteSpace(ChatId);
}
