using System.Net;
using System.Text.Json.Nodes;
using HhFunctions.Bitrix24;
using HhFunctions.Recruiting;
using HhFunctions.Testing;

namespace HhFunctions.Tests.Bitrix24;

/// <summary>
/// The fake portal itself keeps the contract (../shared/bitrix24-api.md), since every Bitrix24 test leans on it:
/// requests sent straight to it, without the client or its gate.
/// </summary>
public sealed class FakeBitrix24PortalTests
{
    private static JsonObject Cmd(params (string Key, string Command)[] commands)
    {
        var cmd = new JsonObject();
        foreach (var (key, command) in commands)
        {
            cmd[key] = command;
        }

        return new JsonObject { ["halt"] = 0, ["cmd"] = cmd };
    }

    private static async Task<long> AddLead(Bitrix24Kit kit, string originId, string originator = "hh.ru")
    {
        var lead = Bitrix24Kit.Lead(originId);
        lead["fields"]!["originatorId"] = originator;
        var (status, body) = await kit.Post("crm.item.add", lead);
        Assert.Equal(HttpStatusCode.OK, status);
        return body["result"]!["item"]!["id"]!.GetValue<long>();
    }

    private static async Task<long> AddComment(Bitrix24Kit kit, string entityType, long entityId, string text)
    {
        var (status, body) = await kit.Post("crm.timeline.comment.add", new JsonObject
        {
            ["fields"] = new JsonObject { ["ENTITY_ID"] = entityId, ["ENTITY_TYPE"] = entityType, ["COMMENT"] = text },
        });
        Assert.Equal(HttpStatusCode.OK, status);
        return body["result"]!.GetValue<long>();
    }

    [Fact]
    public async Task Requests_OverTheBurst_QueryLimitUntilTheBucketDrains()
    {
        using var kit = new Bitrix24Kit();

        var answers = new List<(HttpStatusCode Status, JsonObject Body)>();
        for (var i = 0; i < 52; i++)
        {
            answers.Add(await kit.Post("crm.status.list", new JsonObject()));
        }

        kit.Time.Advance(TimeSpan.FromSeconds(1)); // drains 2
        var afterASecond = await kit.Post("crm.status.list", new JsonObject());

        // The counter may reach X = 50 and one more; a request that finds it above 50 is refused and not counted.
        Assert.All(answers.Take(51), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answers[51].Status);
        Assert.Equal("QUERY_LIMIT_EXCEEDED", answers[51].Body["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, afterASecond.Status);
        Assert.Equal(1, kit.Portal.RateLimitedRequests);
    }

    [Fact]
    public async Task Requests_EnterprisePlan_TwoHundredFiftyBeforeBlocking()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Burst = 250;
        kit.Portal.RatePerSecond = 5;

        for (var i = 0; i < 251; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await kit.Post("crm.status.list", new JsonObject())).Status);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await kit.Post("crm.status.list", new JsonObject())).Status);
        kit.Time.Advance(TimeSpan.FromSeconds(1)); // drains 5; the refused request was not counted
        Assert.Equal(246, kit.Portal.BucketLevel, precision: 6);
    }

    [Fact]
    public async Task Batch_FiftyOneCommands_RefusedWholeAndNothingDone()
    {
        using var kit = new Bitrix24Kit();
        var fifty = Enumerable.Range(0, 50).Select(i => ("k" + i, Bitrix24Query.Command("crm.item.add", Bitrix24Kit.Lead("n" + i)))).ToArray();

        var tooMany = await kit.Post("batch", Cmd([.. fifty, ("k50", Bitrix24Query.Command("crm.item.add", Bitrix24Kit.Lead("n50")))]));
        var enough = await kit.Post("batch", Cmd(fifty));

        Assert.Equal(HttpStatusCode.BadRequest, tooMany.Status);
        Assert.Equal("ERROR_BATCH_LENGTH_EXCEEDED", tooMany.Body["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, enough.Status);
        Assert.Equal(50, enough.Body["result"]!["result"]!.AsObject().Count);
        Assert.Equal(50, kit.Portal.Count(1));
    }

    [Fact]
    public async Task Batch_HaltOne_StopsAtTheFirstFailure()
    {
        using var kit = new Bitrix24Kit();
        var body = Cmd(
            ("a", Bitrix24Query.Command("crm.item.add", Bitrix24Kit.Lead("a"))),
            ("b", "crm.item.get?entityTypeId=1&id=999999"),
            ("c", Bitrix24Query.Command("crm.item.add", Bitrix24Kit.Lead("c"))));
        body["halt"] = 1;

        var (status, answer) = await kit.Post("batch", body);

        Assert.Equal(HttpStatusCode.OK, status); // a batch answers 200 whatever its commands did
        Assert.Equal("NOT_FOUND", answer["result"]!["result_error"]!["b"]!["error"]!.GetValue<string>());
        Assert.Equal(1, kit.Portal.Count(1)); // c never ran
        Assert.NotNull(answer["time"]);
    }

    [Theory]
    [InlineData(true, "[]")]
    [InlineData(false, "{}")]
    public async Task Batch_EmptyParts_AsTheSettingSays(bool emptyAsArrays, string empty)
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.EmptyAsArrays = emptyAsArrays;

        var (_, answer) = await kit.Post("batch", Cmd(("a", "crm.status.list?filter[ENTITY_ID]=SOURCE")));

        Assert.Equal(empty, answer["result"]!["result_error"]!.ToJsonString());
        Assert.Equal(empty, answer["result"]!["result_next"]!.ToJsonString());
    }

    [Fact]
    public async Task CommentList_FiltersByEntityTypeAndId()
    {
        using var kit = new Bitrix24Kit();
        var lead1 = await AddLead(kit, "1");
        var lead2 = await AddLead(kit, "2");
        var (_, dealAnswer) = await kit.Post("crm.item.add", new JsonObject { ["entityTypeId"] = 2, ["fields"] = new JsonObject { ["title"] = "deal" } });
        var deal = dealAnswer["result"]!["item"]!["id"]!.GetValue<long>();
        var first = await AddComment(kit, "lead", lead1, "first on lead 1");
        await AddComment(kit, "lead", lead2, "on lead 2");
        await AddComment(kit, "deal", deal, "on the deal");
        var second = await AddComment(kit, "lead", lead1, "second on lead 1");

        var (status, answer) = await kit.Post("crm.timeline.comment.list", new JsonObject
        {
            ["filter"] = new JsonObject { ["ENTITY_ID"] = lead1, ["ENTITY_TYPE"] = "lead" },
        });
        var (_, onDeal) = await kit.Post("crm.timeline.comment.list", new JsonObject
        {
            ["filter"] = new JsonObject { ["ENTITY_ID"] = deal, ["ENTITY_TYPE"] = "deal" },
            ["select"] = new JsonArray("ID", "COMMENT"),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var rows = answer["result"]!.AsArray();
        Assert.Equal(new[] { first, second }, rows.Select(r => long.Parse(r!["ID"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(new[] { "first on lead 1", "second on lead 1" }, rows.Select(r => r!["COMMENT"]!.GetValue<string>()));
        Assert.All(rows, r => Assert.Equal(("lead", lead1.ToString(System.Globalization.CultureInfo.InvariantCulture)), (r!["ENTITY_TYPE"]!.GetValue<string>(), r["ENTITY_ID"]!.GetValue<string>())));
        Assert.Equal(2, answer["total"]!.GetValue<long>());
        var dealRow = Assert.Single(onDeal["result"]!.AsArray());
        Assert.Equal(new[] { "ID", "COMMENT" }, dealRow!.AsObject().Select(p => p.Key));
        Assert.Equal("on the deal", dealRow["COMMENT"]!.GetValue<string>());
    }

    [Fact]
    public async Task CommentList_OrderAndPages()
    {
        using var kit = new Bitrix24Kit();
        var lead = await AddLead(kit, "1");
        for (var i = 0; i < 55; i++)
        {
            await AddComment(kit, "lead", lead, "comment " + i);
            kit.Time.Advance(TimeSpan.FromSeconds(1)); // keep under the rate limit
        }

        var filter = new JsonObject { ["ENTITY_ID"] = lead, ["ENTITY_TYPE"] = "lead" };
        var (_, first) = await kit.Post("crm.timeline.comment.list", new JsonObject { ["filter"] = filter.DeepClone() });
        var (_, second) = await kit.Post("crm.timeline.comment.list", new JsonObject { ["filter"] = filter.DeepClone(), ["start"] = 50 });
        var (_, newest) = await kit.Post("crm.timeline.comment.list", new JsonObject { ["filter"] = filter.DeepClone(), ["order"] = new JsonObject { ["ID"] = "DESC" } });

        Assert.Equal(50, first["result"]!.AsArray().Count);
        Assert.Equal(55, first["total"]!.GetValue<long>());
        Assert.Equal(50, first["next"]!.GetValue<long>());
        Assert.Equal(5, second["result"]!.AsArray().Count);
        Assert.Null(second["next"]);
        Assert.Equal("comment 0", first["result"]![0]!["COMMENT"]!.GetValue<string>());
        Assert.Equal("comment 54", newest["result"]![0]!["COMMENT"]!.GetValue<string>());
    }

    [Fact]
    public async Task CommentList_WithoutBothFilterFieldsOrForAMissingOwner_Refused()
    {
        using var kit = new Bitrix24Kit();
        var lead = await AddLead(kit, "1");

        var noType = await kit.Post("crm.timeline.comment.list", new JsonObject { ["filter"] = new JsonObject { ["ENTITY_ID"] = lead } });
        var noFilter = await kit.Post("crm.timeline.comment.list", new JsonObject());
        var wrongType = await kit.Post("crm.timeline.comment.list", new JsonObject { ["filter"] = new JsonObject { ["ENTITY_ID"] = lead, ["ENTITY_TYPE"] = "deal" } });

        Assert.Equal(HttpStatusCode.BadRequest, noType.Status);
        Assert.Equal(HttpStatusCode.BadRequest, noFilter.Status);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.Status);
        Assert.Equal(string.Empty, wrongType.Body["error"]!.GetValue<string>()); // the documented empty code
        Assert.Equal("Access denied.", wrongType.Body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task CommentList_InABatch_FindsTheWritersMarker()
    {
        // The recruiting CRM writer's look-up before a re-send: crm.timeline.comment.list inside a batch.
        using var kit = new Bitrix24Kit();
        var lead = await AddLead(kit, "1");
        await AddComment(kit, "lead", lead, "an unrelated note");
        var comment = await AddComment(kit, "lead", lead, "New response on hh.ru: Менеджер\n" + CrmRecords.ResponseMarker("4574397199"));
        var pdf = await kit.Client.CallAsync("crm.timeline.comment.add", CrmRecords.PdfComment("4574397199", "lead", lead, [1, 2, 3]), CancellationToken.None);

        var answer = await kit.Batch(
            new Bitrix24Command("m", "crm.timeline.comment.list", CrmRecords.CommentsOf("lead", lead)),
            new Bitrix24Command("none", "crm.timeline.comment.list", CrmRecords.CommentsOf("lead", lead)));

        Assert.Equal(comment, CrmRecords.FoundComment(answer.Results["m"], CrmRecords.ResponseMarker("4574397199")));
        Assert.Equal(CrmRecords.Id(pdf), CrmRecords.FoundComment(answer.Results["m"], CrmRecords.PdfMarker("4574397199")));
        Assert.Null(CrmRecords.FoundComment(answer.Results["none"], CrmRecords.ResponseMarker("1111111111")));
        var withFile = kit.Portal.Comments.Single(c => c.Files.Count > 0);
        Assert.Equal("resume-4574397199.pdf", withFile.Files[0].Name);
        Assert.Equal(new byte[] { 1, 2, 3 }, withFile.Files[0].Content);
    }

    [Fact]
    public async Task ItemList_FilterByOriginAndSelect()
    {
        using var kit = new Bitrix24Kit();
        var mine = await AddLead(kit, "4574397199");
        await AddLead(kit, "4574397199", originator: "another-app");
        await AddLead(kit, "1111111111");

        var (status, answer) = await kit.Post("crm.item.list", CrmRecords.ByOrigin(1, "4574397199"));

        Assert.Equal(HttpStatusCode.OK, status);
        var item = Assert.Single(answer["result"]!["items"]!.AsArray());
        Assert.Equal(mine, item!["id"]!.GetValue<long>());
        Assert.Equal(new[] { "id", "originId", "originatorId" }, item.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Null(item["fm"]); // fm only with select *
        Assert.Equal(1, answer["total"]!.GetValue<long>());
        Assert.Equal(mine, CrmRecords.FoundByOrigin(answer["result"], "4574397199"));
    }

    [Fact]
    public async Task ItemList_OperatorsPagesAndSelectAll()
    {
        using var kit = new Bitrix24Kit();
        var ids = new List<long>();
        for (var i = 0; i < 55; i++)
        {
            ids.Add(await AddLead(kit, "n" + i));
            kit.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var (_, first) = await kit.Post("crm.item.list", new JsonObject { ["entityTypeId"] = 1, ["select"] = new JsonArray("*") });
        var (_, greater) = await kit.Post("crm.item.list", new JsonObject { ["entityTypeId"] = 1, ["filter"] = new JsonObject { [">id"] = ids[52] }, ["start"] = -1 });
        var (_, some) = await kit.Post("crm.item.list", new JsonObject { ["entityTypeId"] = 1, ["filter"] = new JsonObject { ["@originId"] = new JsonArray("n1", "n3") } });
        var (_, notOne) = await kit.Post("crm.item.list", new JsonObject { ["entityTypeId"] = 1, ["filter"] = new JsonObject { ["!originId"] = "n1" } });
        var (_, wrongType) = await kit.Post("crm.item.list", new JsonObject { ["entityTypeId"] = 7 });

        Assert.Equal(50, first["result"]!["items"]!.AsArray().Count);
        Assert.Equal((55L, 50L), (first["total"]!.GetValue<long>(), first["next"]!.GetValue<long>()));
        Assert.NotNull(first["result"]!["items"]![0]!["fm"]);
        Assert.Equal(new[] { ids[53], ids[54] }, greater["result"]!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()));
        Assert.Equal(0, greater["total"]!.GetValue<long>()); // start=-1: not counted
        Assert.Equal(2, some["total"]!.GetValue<long>());
        Assert.Equal(54, notOne["total"]!.GetValue<long>());
        Assert.Equal("NOT_FOUND", wrongType["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Envelope_CarriesTheTimeWithTheMethodsBudget()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.MethodCost["crm.status.list"] = 1.5;

        await kit.Post("crm.status.list", new JsonObject());
        var (_, answer) = await kit.Post("crm.status.list", new JsonObject());

        var time = answer["time"]!;
        Assert.Equal(3, time["operating"]!.GetValue<double>(), precision: 6);
        Assert.Equal(kit.Time.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds(), time["operating_reset_at"]!.GetValue<long>());
        Assert.NotNull(time["date_start"]);
        Assert.NotNull(time["duration"]);
    }

    [Fact]
    public async Task Webhook_JsonSuffixPlainHttpAndWrongSecret_AsThePortalAnswers()
    {
        using var kit = new Bitrix24Kit();

        var withSuffix = await kit.Post("crm.status.list.json", new JsonObject());
        var plainHttp = await kit.Post("crm.status.list", new JsonObject(), $"http://{FakeBitrix24Portal.Host}/rest/1/{FakeBitrix24Portal.Secret}/");
        var wrongUser = await kit.Post("crm.status.list", new JsonObject(), $"https://{FakeBitrix24Portal.Host}/rest/2/{FakeBitrix24Portal.Secret}/");

        Assert.Equal(HttpStatusCode.OK, withSuffix.Status);
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_REQUEST"), (plainHttp.Status, plainHttp.Body["error"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.Unauthorized, "NO_AUTH_FOUND"), (wrongUser.Status, wrongUser.Body["error"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TimeBudget_OverTheLimit_429ForThatMethodOnlyUntilTheOldestBasketExpires()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.MethodCost["crm.item.add"] = 300;
        kit.Portal.OperatingLimit = 480;

        await AddLead(kit, "a");
        kit.Time.Advance(TimeSpan.FromMinutes(2));
        await AddLead(kit, "b"); // 600 s used
        var blocked = await kit.Post("crm.item.add", Bitrix24Kit.Lead("c"));
        var other = await kit.Post("crm.item.list", new JsonObject { ["entityTypeId"] = 1 });
        kit.Time.Advance(TimeSpan.FromMinutes(8)); // the first basket has expired: 300 s left
        var again = await kit.Post("crm.item.add", Bitrix24Kit.Lead("c"));

        Assert.Equal((HttpStatusCode.TooManyRequests, "OPERATION_TIME_LIMIT"), (blocked.Status, blocked.Body["error"]!.GetValue<string>()));
        Assert.Equal(FakeClock.Start.AddMinutes(10).ToUnixTimeSeconds(), blocked.Body["time"]!["operating_reset_at"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(3, kit.Portal.Count(1));
    }

    [Theory]
    [InlineData(true, "[]")]
    [InlineData(false, "{}")]
    public async Task FindByComm_NothingFound_EmptyAsTheSettingSays(bool emptyAsArrays, string empty)
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.EmptyAsArrays = emptyAsArrays;
        await AddLead(kit, "1");

        var (_, none) = await kit.Post("crm.duplicate.findbycomm", new JsonObject { ["type"] = "PHONE", ["values"] = new JsonArray("+70000000000") });
        var (_, found) = await kit.Post("crm.duplicate.findbycomm", new JsonObject { ["type"] = "PHONE", ["values"] = new JsonArray("84955527367", "+7 (495) 552-73-67"), ["entity_type"] = "LEAD" });

        Assert.Equal(empty, none["result"]!.ToJsonString());
        Assert.Single(found["result"]!["LEAD"]!.AsArray());
    }
}
