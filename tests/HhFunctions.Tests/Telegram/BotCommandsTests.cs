using HhFunctions.Telegram;

namespace HhFunctions.Tests.Telegram;

public sealed class BotCommandsTests
{
    [Theory]
    [InlineData("/status", "status")]
    [InlineData("  /Status@HhRaiserBot  now", "status")]
    [InlineData("/bump\nplease", "bump")]
    [InlineData("/PAUSE", "pause")]
    [InlineData("hello", "")]
    [InlineData("/", "")]
    [InlineData("", "")]
    [InlineData("status /status", "")]
    public void ParseCommand_Text_ReturnsLowerCaseCommandName(string text, string expected)
    {
        Assert.Equal(expected, BotCommands.ParseCommand(text));
    }

    [Fact]
    public void ParseCommand_VeryLongCommand_IsCutTo32Characters()
    {
        Assert.Equal(32, BotCommands.ParseCommand("/" + new string('x', 500)).Length);
    }

    [Theory]
    [InlineData(424242, "424242", true)]
    [InlineData(-1001234567890, "-1001234567890", true)]
    [InlineData(424243, "424242", false)]
    [InlineData(424242, null, false)]
    [InlineData(424242, "", false)]
    [InlineData(424242, "not-a-number", false)]
    public void IsOwnerChat_ChatId_MatchesOnlyTheConfiguredChat(long chatId, string? configured, bool expected)
    {
        Assert.Equal(expected, BotCommands.IsOwnerChat(chatId, configured));
    }
}
