namespace HhFunctions.Telegram;

/// <summary>Messages the owner must see at once: token trouble, with a link to fix it.</summary>
public interface IOwnerAlerts
{
    Task ReconnectNeededAsync(string reason, CancellationToken ct);

    Task TokenNotSavedAsync(string vault, bool rescued, CancellationToken ct);

    Task ConfigurationProblemAsync(string message, CancellationToken ct);
}
