using System.Text.RegularExpressions;
using HhFunctions.Telegram;
using HhFunctions.Tests.Functions;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Telegram;

/// <summary>
/// The registrations are the one source of the bot's command list: the docs' command table, the README's lists and
/// the setMyCommands example name the registered commands, in registration order (the order of /help).
/// </summary>
public sealed partial class BotCommandDocsTests
{
    private static readonly string Root = FunctionsMetadataTests.RepoRoot();

    [Fact]
    public void TelegramDoc_CommandTable_IsTheRegisteredCommandsThenHelp()
    {
        var doc = File.ReadAllText(Path.Combine(Root, "docs", "telegram.md"));
        var section = Section(doc, "### Commands");
        var names = section.Split('\n')
            .Where(l => l.StartsWith("| `/", StringComparison.Ordinal))
            .SelectMany(l => Names(l.Split(" | ")[0]))
            .ToList();

        Assert.Equal([.. Registered(), "help", "start"], names);
    }

    [Fact]
    public void Readme_CommandLists_AreTheRegisteredCommands()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var webhookRow = readme.Split('\n').Single(l => l.StartsWith("| `TelegramWebhook` |", StringComparison.Ordinal));
        var telegramSection = Section(readme, "## Telegram");

        Assert.Equal(Registered(), Names(webhookRow));
        Assert.Equal([.. Registered(), "help"], Names(telegramSection));
    }

    [Fact]
    public void SetMyCommandsExample_IsTheRegisteredCommandsThenHelp()
    {
        var examples = Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Append(Path.Combine(Root, "README.md"))
            .Select(File.ReadAllText)
            .Where(text => text.Contains("/setMyCommands", StringComparison.Ordinal))
            .Select(text => text[text.IndexOf("/setMyCommands", StringComparison.Ordinal)..])
            .Select(text => SetMyCommand().Matches(text[..text.IndexOf("```", StringComparison.Ordinal)]).Select(m => m.Groups[1].Value).ToList())
            .ToList();

        Assert.NotEmpty(examples);
        foreach (var commands in examples)
        {
            Assert.Equal([.. Registered(), "help"], commands);
        }
    }

    private static List<string> Registered()
    {
        using var app = new AppFactory();
        return [.. app.Services.GetRequiredService<BotCommands>().Commands.Select(c => c.Name)];
    }

    /// <summary>From <paramref name="heading"/> to the next heading of the same or a higher level.</summary>
    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No \"{heading}\" heading.");
        var level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        var body = markdown[(start + heading.Length + 2)..];
        var next = Regex.Match(body, "^#{1," + (level.Length - 1) + "} ", RegexOptions.Multiline);
        return next.Success ? body[..next.Index] : body;
    }

    /// <summary>The commands named in code spans, in order: "`/code <code>`, `/help`" → code, help.</summary>
    private static List<string> Names(string text) => [.. CodeSpanCommand().Matches(text).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("`/([a-z0-9_]+)[` ]")]
    private static partial Regex CodeSpanCommand();

    [GeneratedRegex("""\\"command\\":\\"([a-z0-9_]+)\\" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex SetMyCommand();
}
