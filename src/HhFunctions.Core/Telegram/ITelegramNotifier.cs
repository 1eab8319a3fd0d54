namespace HhFunctions.Telegram;

/// <summary>Sends HTML messages to the owner's chat. Never throws for Telegram trouble: returns false instead.</summary>
public interface ITelegramNotifier
{
    Task<bool> SendAsync(string html, CancellationToken ct);
}
