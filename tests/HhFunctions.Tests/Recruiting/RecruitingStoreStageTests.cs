using HhFunctions.Recruiting;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Recruiting;

/// <summary>Both stores list the responses whose stage is due (oldest first), and keep the claims of hh.ru actions and the refused moves.</summary>
public sealed class RecruitingStoreStageTests
{
    public static TheoryData<bool> Stores => new() { false, true };

    private static AppFactory App(bool table) => AppFactory.With(table
        ? new Dictionary<string, string?> { ["Storage:ConnectionString"] = Azurite.ConnectionString, ["Storage:TablePrefix"] = Azurite.NewPrefix() }
        : new Dictionary<string, string?>());

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task StageDue_ListedOldestFirst_UntilCleared_ClaimsAndRefusalsKept(bool table)
    {
        using var app = App(table);
        var store = app.Services.GetRequiredService<IRecruitingStore>();
        var t0 = app.Time.GetUtcNow();
        var ct = CancellationToken.None;
        foreach (var (id, minutes, due) in new[] { ("300", 3, true), ("100", 1, true), ("200", 2, false) })
        {
            await store.UpdateTopicAsync(id, _ => new TopicRecord(id, TopicStatus.Written, t0.AddMinutes(minutes), t0) { StageDue = due, HhStage = "interview" }, ct);
        }

        Assert.Equal(["100", "300"], (await store.ListStageDueAsync(10, ct)).Select(t => t.TopicId));
        Assert.Equal(["100"], (await store.ListStageDueAsync(1, ct)).Select(t => t.TopicId));

        var claim = new HhActionClaim("discard", HhActionStatus.Unknown, t0) { ActionId = "discard", Attempts = 1 };
        await store.UpdateTopicAsync("100", t => t! with { StageDue = false, CrmStage = "JUNK", HhActions = [claim] }, ct);
        await store.UpdateStateAsync(s => s with { RefusedMoves = [new RefusedStageMove("300", "lead", 7, "IN_PROCESS", "consider", "discard", "hh.ru offers no move", t0)] }, ct);

        Assert.Equal(["300"], (await store.ListStageDueAsync(10, ct)).Select(t => t.TopicId));
        var record = await store.GetTopicAsync("100", ct);
        Assert.Equal(("JUNK", claim), (record!.CrmStage, Assert.Single(record.HhActions)));
        Assert.Equal("consider", Assert.Single((await store.GetStateAsync(ct)).RefusedMoves).TargetState);
    }
}
