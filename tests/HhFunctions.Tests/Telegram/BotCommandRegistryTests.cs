using HhFunctions.Composition;
using HhFunctions.Telegram;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Telegram.Bot;

namespace HhFunctions.Tests.Telegram;

/// <summary>The bot's commands are registrations: a feature adds one without editing Telegram/.</summary>
public sealed class BotCommandRegistryTests
{
    /// <summary>The /help text as it was written by hand before the commands became registrations.</summary>
    private const string HandWrittenHelp = """
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
        /invite &lt;resume link&gt; &lt;vacancy id or link&gt; [message] — invite a candidate found on hh.ru to a vacancy (costs a resume contact; docs/recruiting.md)
        /import &lt;resume link&gt; — bring a candidate into Bitrix24: syncs their response or invitation, if any
        /help — this list
        """;

    [Fact]
    public async Task Help_FromTheFeaturesRegistrations_IsTheListAsBefore()
    {
        using var app = new AppFactory();

        using var response = await app.SendTextAsync("/help");

        Assert.Equal(HandWrittenHelp, Assert.Single(app.SentTexts()));
        Assert.Equal(
            ["status", "bump", "pause", "resume", "watch", "connect", "code", "tokens", "apply", "invite", "import"],
            app.Services.GetRequiredService<BotCommands>().Commands.Select(c => c.Name));
    }

    [Fact]
    public async Task AddBotCommand_ThrowawayHandler_IsDispatchedAndListedInHelp()
    {
        using var app = new AppFactory().WithServices(s => s
            .AddSingleton<EchoLog>()
            .AddBotCommand<EchoHandler>("echo", "<text>", "repeats <text>", (h, m, ct) => h.EchoAsync(m, ct)));

        using var echo = await app.SendTextAsync("/Echo@HhRaiserBot hello <there>");
        using var help = await app.SendTextAsync("/help");

        Assert.Equal("echo: hello &lt;there&gt;", app.SentTexts()[0]);
        var entry = app.Services.GetRequiredService<EchoLog>().Messages.Single();
        Assert.Equal("echo", entry.Command);
        Assert.Contains("/import &lt;resume link&gt; — bring a candidate into Bitrix24: syncs their response or invitation, if any\n/echo &lt;text&gt; — repeats &lt;text&gt;\n/help — this list", app.SentTexts()[1], StringComparison.Ordinal);
        Assert.Contains("command echo.", app.LogsWithId(2101)[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddBotCommand_ThrowingHandler_AnswersAShortErrorAndReturns200()
    {
        using var app = new AppFactory().WithServices(s => s
            .AddSingleton<EchoLog>()
            .AddBotCommand<EchoHandler>("boom", string.Empty, "fails", (h, _, _) => h.FailAsync()));

        using var response = await app.SendTextAsync("/boom");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("⛔ /boom failed unexpectedly (InvalidOperationException). The app's log has the details.", Assert.Single(app.SentTexts()));
    }

    [Fact]
    public async Task AddBotButton_ThrowawayHandler_GetsTapsWithItsPrefixOnly()
    {
        using var app = new AppFactory().WithServices(s => s
            .AddSingleton<EchoLog>()
            .AddBotButton<EchoHandler>("ping:", (h, b, ct) => h.TapAsync(b, ct)));

        using var known = await app.PostWebhookAsync(FakeTelegramApi.CallbackUpdate(61_001, "ping:42"));
        using var refused = await app.PostWebhookAsync(FakeTelegramApi.CallbackUpdate(61_002, "ping:"));
        using var foreign = await app.PostWebhookAsync(FakeTelegramApi.CallbackUpdate(61_003, "ping:43", FakeTelegramApi.StrangerChatId));

        Assert.Equal(["42", string.Empty], app.Services.GetRequiredService<EchoLog>().Taps);
        Assert.Equal("OK.", await known.Content.ReadAsStringAsync());
        Assert.Equal("Ignored.", await refused.Content.ReadAsStringAsync());
        Assert.Equal("Ignored.", await foreign.Content.ReadAsStringAsync());
        Assert.Equal(["cbq-61002"], app.Telegram.AnsweredCallbacks); // "Unknown button." for data the handler refused
        Assert.Single(app.LogsWithId(2104));
        Assert.Single(app.LogsWithId(2102));
    }

    [Fact]
    public async Task AddBotTextHandler_ThrowawayHandler_AnswersPlainTextBeforeHelp()
    {
        using var app = new AppFactory().WithServices(s => s
            .AddSingleton<EchoLog>()
            .AddBotTextHandler<EchoHandler>((h, m, _) => Task.FromResult(m.Text.Contains("ping", StringComparison.Ordinal) ? "pong" : null)));

        using var ping = await app.SendTextAsync("ping");
        using var other = await app.SendTextAsync("hello");

        Assert.Equal("pong", app.SentTexts()[0]);
        Assert.StartsWith("🤖 <b>HhFunctions bot</b>", app.SentTexts()[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_IsLoggedAsUnknown()
    {
        using var app = new AppFactory();

        using var response = await app.SendTextAsync("/secretstuff");

        Assert.Contains("command (unknown).", Assert.Single(app.LogsWithId(2101)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("start")]
    [InlineData("Status")]
    [InlineData("two words")]
    [InlineData("")]
    [InlineData("a_name_longer_than_thirty_two_chars")]
    public void AddBotCommand_NameTelegramWouldRefuseOrBuiltIn_Throws(string name)
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddBotCommand<EchoHandler>(name, string.Empty, "x", (h, m, ct) => h.EchoAsync(m, ct)));
    }

    [Fact]
    public void BotCommands_SameNameRegisteredTwice_Throws()
    {
        var services = new ServiceCollection()
            .AddComposition()
            .AddSingleton<EchoLog>()
            .AddSingleton(Mock.Of<ITelegramNotifier>())
            .AddSingleton(Mock.Of<ITelegramBotClient>())
            .AddSingleton(Options.Create(new TelegramOptions()))
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton<BotCommands>()
            .AddBotCommand<EchoHandler>("echo", string.Empty, "one", (h, m, ct) => h.EchoAsync(m, ct))
            .AddBotCommand<EchoHandler>("echo", string.Empty, "two", (h, m, ct) => h.EchoAsync(m, ct));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<BotCommands>());
        Assert.Contains("\"echo\" is registered twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sources_TelegramUsesNoFeature_AndBumpingNoBotCommands()
    {
        var core = Path.Combine(HhFunctions.Tests.Functions.FunctionsMetadataTests.RepoRoot(), "src", "HhFunctions.Core");
        var features = new System.Text.RegularExpressions.Regex(@"\bHhFunctions\.(Bumping|Vacancies|Applying|OAuth|StatusPage)\b");

        foreach (var file in Directory.GetFiles(Path.Combine(core, "Telegram"), "*.cs"))
        {
            Assert.False(features.IsMatch(File.ReadAllText(file)), $"{Path.GetFileName(file)} in Telegram/ refers to a feature folder.");
        }

        foreach (var file in Directory.GetFiles(Path.Combine(core, "Bumping"), "*.cs"))
        {
            Assert.DoesNotContain("BotCommands", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    /// <summary>What the throwaway handler was given (a singleton: each call gets a fresh handler in a fresh scope).</summary>
    private sealed class EchoLog
    {
        public List<BotMessage> Messages { get; } = [];

        public List<string> Taps { get; } = [];
    }

    /// <summary>A feature's command handler that lives only in this test, registered like the app's own.</summary>
    private sealed class EchoHandler(EchoLog log)
    {
        public Task<string?> EchoAsync(BotMessage message, CancellationToken ct)
        {
            log.Messages.Add(message);
            var space = message.Text.IndexOf(' ', StringComparison.Ordinal);
            return Task.FromResult<string?>("echo: " + System.Net.WebUtility.HtmlEncode(space < 0 ? string.Empty : message.Text[(space + 1)..]));
        }

        public Task<string?> FailAsync()
        {
            log.Messages.Add(new BotMessage(0, 0, "boom", "/boom"));
            throw new InvalidOperationException("the test handler fails");
        }

        public Task<bool> TapAsync(BotButton button, CancellationToken ct)
        {
            log.Taps.Add(button.Argument);
            return Task.FromResult(button.Argument.Length > 0);
        }
    }
}
