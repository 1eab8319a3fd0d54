using HhFunctions.Composition;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HhFunctions.Telegram;

/// <summary>A text message from the owner's chat, as a command or the free-text handler gets it.</summary>
/// <param name="UpdateId">Telegram's update id.</param>
/// <param name="MessageId">The message's id in the chat (to delete it, for example).</param>
/// <param name="Command">The command name, lower case, without "/" or "@bot" ("" for text that is not a command).</param>
/// <param name="Text">The whole text as sent.</param>
public sealed record BotMessage(int UpdateId, int MessageId, string Command, string Text);

/// <summary>A tap on an inline button from the owner's chat, routed by the prefix of its callback data.</summary>
/// <param name="UpdateId">Telegram's update id.</param>
/// <param name="CallbackQueryId">The id to answer (answerCallbackQuery) with.</param>
/// <param name="Data">The button's whole callback data ("hide:123").</param>
/// <param name="Prefix">The registered prefix that matched ("hide:").</param>
public sealed record BotButton(int UpdateId, string CallbackQueryId, string Data, string Prefix)
{
    /// <summary>The callback data after the prefix ("hide:123" → "123").</summary>
    public string Argument => Data[Prefix.Length..];
}

/// <summary>
/// One registered command: its name (without "/"), what follows it (plain text, "" for nothing), its line in /help
/// (plain text) and the invoker that runs its handler in a fresh DI scope.
/// </summary>
public sealed record BotCommand(string Name, string Usage, string HelpLine, Func<BotMessage, CancellationToken, Task<string?>> Invoke)
{
    /// <summary>The command's line in /help, HTML: "/code &amp;lt;code or address&amp;gt; — finish connecting …".</summary>
    public string HelpEntry =>
        "/" + Name + (Usage.Length == 0 ? string.Empty : " " + Escape(Usage)) + " — " + Escape(HelpLine);

    /// <summary>What Telegram's HTML needs escaped in text: &amp;, &lt; and &gt; (apostrophes and quotes stay readable).</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

/// <summary>
/// A registered inline-button handler: every tap whose callback data starts with <paramref name="Prefix"/>.
/// The invoker answers false when the data is not one it knows (the tap is then answered "Unknown button.").
/// </summary>
public sealed record BotButtonHandler(string Prefix, Func<BotButton, CancellationToken, Task<bool>> Invoke);

/// <summary>
/// A registered free-text handler: a message that is not a command. The invoker answers null when the text is not
/// for it; when no handler takes it, the bot answers with /help.
/// </summary>
public sealed record BotTextHandler(Func<BotMessage, CancellationToken, Task<string?>> Invoke);

/// <summary>
/// How a feature adds to the bot without Telegram/ knowing it: each feature's Add… registers its commands, buttons and
/// free-text handler here, with a handler class of its own; <see cref="BotCommands"/> dispatches to them and builds
/// /help from the commands in registration order. Each call runs its handler in a fresh DI scope
/// (<see cref="Scoped{T}"/>): this is the only place the bot's handlers are resolved.
/// </summary>
public static class BotCommandRegistry
{
    /// <summary>Built into the dispatcher: /help (and its alias /start). Not registrable.</summary>
    public static readonly IReadOnlyList<string> BuiltInNames = ["help", "start"];

    /// <summary>
    /// Registers <c>/name</c>: <paramref name="handle"/> gets a <typeparamref name="THandler"/> from a fresh scope and
    /// answers with the HTML to send to the owner (null: nothing to send). <paramref name="usage"/> (e.g.
    /// "&lt;vacancy id&gt;") and <paramref name="helpLine"/> are plain text for /help. <typeparamref name="THandler"/>
    /// is registered as transient unless it already is.
    /// </summary>
    public static IServiceCollection AddBotCommand<THandler>(
        this IServiceCollection services,
        string name,
        string usage,
        string helpLine,
        Func<THandler, BotMessage, CancellationToken, Task<string?>> handle)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentException.ThrowIfNullOrWhiteSpace(helpLine);
        ArgumentNullException.ThrowIfNull(handle);
        if (!IsValidName(name))
        {
            throw new ArgumentException($"A bot command name is 1–32 characters of a–z, 0–9 and _ (Telegram's rule), and not /help or /start; \"{name}\" is not.", nameof(name));
        }

        services.TryAddTransient<THandler>();
        services.AddSingleton(sp =>
        {
            var scoped = sp.GetRequiredService<Scoped<THandler>>();
            return new BotCommand(name, usage, helpLine, (message, ct) => scoped.RunAsync(h => handle(h, message, ct)));
        });
        return services;
    }

    /// <summary>
    /// Registers the inline buttons whose callback data starts with <paramref name="prefix"/> (e.g. "hide:"):
    /// <paramref name="handle"/> answers the tap itself (answerCallbackQuery) and returns false for data it does not know.
    /// </summary>
    public static IServiceCollection AddBotButton<THandler>(
        this IServiceCollection services,
        string prefix,
        Func<THandler, BotButton, CancellationToken, Task<bool>> handle)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentNullException.ThrowIfNull(handle);
        services.TryAddTransient<THandler>();
        services.AddSingleton(sp =>
        {
            var scoped = sp.GetRequiredService<Scoped<THandler>>();
            return new BotButtonHandler(prefix, (button, ct) => scoped.RunAsync(h => handle(h, button, ct)));
        });
        return services;
    }

    /// <summary>
    /// Registers a handler for messages that are not commands (applying's "send the new letter"): it answers null
    /// when the text is not for it.
    /// </summary>
    public static IServiceCollection AddBotTextHandler<THandler>(
        this IServiceCollection services,
        Func<THandler, BotMessage, CancellationToken, Task<string?>> handle)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(handle);
        services.TryAddTransient<THandler>();
        services.AddSingleton(sp =>
        {
            var scoped = sp.GetRequiredService<Scoped<THandler>>();
            return new BotTextHandler((message, ct) => scoped.RunAsync(h => handle(h, message, ct)));
        });
        return services;
    }

    private static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 32 }
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')
        && !BuiltInNames.Contains(name);
}
