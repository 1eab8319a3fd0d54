using HhFunctions.Bitrix24;
using HhFunctions.Recruiting;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Recruiting;

/// <summary>Recruiting__StageMap: the default maps, the pipeline prefix, reading a stage back, and clear messages for a bad map; sync back's settings checked at start.</summary>
public sealed class StageMapTests
{
    private static StageMap Parse(string? text, bool deal = false, int category = 0)
    {
        var map = StageMap.TryParse(text, deal, category, out var problems);
        Assert.Empty(problems);
        return map!;
    }

    private static IReadOnlyList<string> Problems(string? text, bool deal = false, int category = 0)
    {
        Assert.Null(StageMap.TryParse(text, deal, category, out var problems));
        return problems;
    }

    [Fact]
    public void DefaultLeadMap_NamesTheLeadStatuses_AndReadsStagesBackToTheFirstState()
    {
        var map = Parse(null);

        Assert.Equal("NEW", map.NewStage);
        Assert.Equal("IN_PROCESS", map.ToCrm("interview"));
        Assert.Equal("JUNK", map.ToCrm("discard_after_interview"));
        Assert.Null(map.ToCrm("some_custom_state"));
        Assert.Equal("discard", map.ToHh("JUNK"));
        Assert.Equal("consider", map.ToHh("in_process"));
        Assert.True(map.InStep("discard_by_employer", "JUNK"));
        Assert.False(map.InStep("response", "JUNK"));
    }

    [Fact]
    public void DefaultDealMap_InAPipeline_GetsItsPrefix()
    {
        var map = Parse("", deal: true, category: 7);

        Assert.Equal("C7:NEW", map.NewStage);
        Assert.Equal("C7:WON", map.ToCrm("hired"));
        Assert.Equal("offer", map.ToHh("C7:FINAL_INVOICE"));
        Assert.Equal("WON", Parse(null, deal: true).ToCrm("hired"));
    }

    [Fact]
    public void CustomMap_TrimsSpaces_KeepsAGivenPrefixOfThePipeline_IgnoresEmptyEntries()
    {
        var map = Parse(" response = NEW ;interview=C3:uc_kn8kfi;; discard=LOSE; ", deal: true, category: 3);

        Assert.Equal([("response", "C3:NEW"), ("interview", "C3:UC_KN8KFI"), ("discard", "C3:LOSE")], map.Entries);
    }

    [Theory]
    [InlineData("interview", false, 0, "entry 1 ('interview') must be 'hh state=Bitrix24 stage'")]
    [InlineData("interview=IN_PROCESS;offer=", false, 0, "entry 2 ('offer=') must be")]
    [InlineData("Interview=IN_PROCESS", false, 0, "'Interview' is not an hh.ru employer state id")]
    [InlineData("interview=IN PROCESS", false, 0, "'IN PROCESS' is not a Bitrix24 status or stage id")]
    [InlineData("interview=C3:WON", false, 0, "leads (Bitrix24__Entity=lead) have statuses without one")]
    [InlineData("interview=C3:WON", true, 0, "the default pipeline (Bitrix24__DealCategoryId=0) has stages without a prefix")]
    [InlineData("interview=C4:WON", true, 3, "another pipeline than Bitrix24__DealCategoryId=3")]
    [InlineData("interview=NEW;interview=WON", false, 0, "names the hh.ru state 'interview' twice")]
    [InlineData(" ; ;", false, 0, "has no entries")]
    [InlineData("a=b=c", false, 0, "entry 1 ('a=b=c') must be")]
    public void BadMap_SaysWhichEntryAndWhy(string text, bool deal, int category, string expected)
    {
        var problem = Assert.Single(Problems(text, deal, category));

        Assert.StartsWith("Recruiting__StageMap", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_SyncBackWithoutToken_AndAMalformedToken_FailWithoutShowingIt()
    {
        static IReadOnlyList<string> Validate(RecruitingOptions options, string? token) =>
            new StageSyncOptionsValidator(Options.Create(new Bitrix24Options { OutgoingToken = token })).Validate(null, options) is { Failed: true } r ? [.. r.Failures!] : [];

        Assert.Contains("Recruiting__SyncBack=true needs Bitrix24__OutgoingToken", Assert.Single(Validate(new RecruitingOptions { SyncBack = true }, null)), StringComparison.Ordinal);
        var malformed = Assert.Single(Validate(new RecruitingOptions(), "short secret!"));
        Assert.Contains("Bitrix24__OutgoingToken must be", malformed, StringComparison.Ordinal);
        Assert.DoesNotContain("short secret!", malformed, StringComparison.Ordinal);
        Assert.Empty(Validate(new RecruitingOptions { SyncBack = true, StageMap = "offer=PROCESSED" }, "abcdef0123456789abcdef0123456789"));
        Assert.Contains("Recruiting__SyncBackMessage", Assert.Single(Validate(new RecruitingOptions { SyncBackMessage = new string('x', 2001) }, null)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Recruiting:StageMap", "interview", "Recruiting__StageMap entry 1")]
    [InlineData("Recruiting:SyncBack", "true", "Recruiting__SyncBack=true needs Bitrix24__OutgoingToken")]
    public async Task Start_BadStageSettings_FailNamingTheSetting(string key, string value, string expected)
    {
        var ex = await StartUp.FailsAsync(new Dictionary<string, string?> { [key] = value });

        Assert.Contains(expected, HhFunctions.Configuration.StartupGuard.Describe(ex), StringComparison.Ordinal);
    }
}
