using System.Net;
using System.Text.Json.Nodes;
using HhFunctions.Bitrix24;
using HhFunctions.Testing;

namespace HhFunctions.Tests.Bitrix24;

/// <summary><see cref="Bitrix24Client"/> against the fake portal: the request it sends, the envelope it reads and every error kind.</summary>
public sealed class Bitrix24ClientTests
{
    [Fact]
    public async Task CallAsync_ItemAdd_PostsJsonToTheWebhookWithHeadersAndReturnsResult()
    {
        using var kit = new Bitrix24Kit();

        var result = await kit.Call("crm.item.add", Bitrix24Kit.Lead());

        var item = result!["item"]!;
        Assert.Equal("4574397199", item["originId"]!.GetValue<string>());
        Assert.Equal(1, kit.Portal.CountByOrigin(1, "4574397199"));
        var request = Assert.Single(kit.Portal.Requests);
        Assert.Equal("crm.item.add", request.Method);
        Assert.Equal("POST", request.HttpMethod);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("application/json", request.Accept);
        Assert.StartsWith("HhFunctions/", request.UserAgent, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(Bitrix24Kit.Lead(), request.Json));
        Assert.Equal(1, kit.Client.RequestCount);
    }

    [Fact]
    public async Task CallAsync_WebhookWithoutTrailingSlash_StillCallsTheMethodUnderTheSecret()
    {
        using var kit = new Bitrix24Kit(o => o.WebhookUrl = FakeBitrix24Portal.WebhookUrl.AbsoluteUri.TrimEnd('/'));

        var result = await kit.Call("crm.status.list", new JsonObject { ["filter"] = new JsonObject { ["ENTITY_ID"] = "SOURCE" } });

        Assert.Contains(result!.AsArray(), s => s!["STATUS_ID"]!.GetValue<string>() == "WEB");
    }

    [Fact]
    public async Task CallAsync_NotConfigured_ThrowsWithoutARequest()
    {
        using var kit = new Bitrix24Kit(o => o.WebhookUrl = "");

        Assert.False(kit.Client.IsConfigured);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => kit.Client.CallAsync("crm.item.add", [], CancellationToken.None));
        Assert.Contains("Bitrix24__WebhookUrl", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, kit.Portal.HttpRequests);
    }

    [Fact]
    public async Task CallAsync_MethodNameWithAPath_ThrowsArgumentException()
    {
        using var kit = new Bitrix24Kit();

        await Assert.ThrowsAsync<ArgumentException>(() => kit.Client.CallAsync("../2/other/crm.item.add", [], CancellationToken.None));
        Assert.Equal(0, kit.Portal.HttpRequests);
    }

    [Fact]
    public async Task CallAsync_UnknownEntityType_DataErrorNotRetried()
    {
        using var kit = new Bitrix24Kit();
        var lead = Bitrix24Kit.Lead();
        lead["entityTypeId"] = 7;

        var ex = await kit.Fails("crm.item.add", lead);

        Assert.Equal(Bitrix24ErrorKind.DataError, ex.Kind);
        Assert.Equal(400, ex.Error!.Status);
        Assert.Equal("NOT_FOUND", ex.Error.Code);
        Assert.Equal(1, kit.Portal.HttpRequests);
    }

    [Fact]
    public async Task CallAsync_WrongSecret_AccessDeniedWithoutTheSecretInTheMessage()
    {
        const string wrong = "wrongsecretABC123xyz";
        using var kit = new Bitrix24Kit(o => o.WebhookUrl = $"https://{FakeBitrix24Portal.Host}/rest/1/{wrong}/");

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.AccessDenied, ex.Kind);
        Assert.Equal(401, ex.Error!.Status);
        Assert.Equal("NO_AUTH_FOUND", ex.Error.Code);
        Assert.DoesNotContain(wrong, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, kit.Portal.Count(1));
    }

    [Fact]
    public async Task CallAsync_RevokedWebhook_AccessDenied()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Revoked = true;

        var ex = await kit.Fails("crm.item.list", new JsonObject { ["entityTypeId"] = 1 });

        Assert.Equal(Bitrix24ErrorKind.AccessDenied, ex.Kind);
        Assert.Equal(1, kit.Portal.HttpRequests);
    }

    [Fact]
    public async Task CallAsync_MissingCrmScope_AccessDeniedInsufficientScope()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.MissingCrmScope = true;

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.AccessDenied, ex.Kind);
        Assert.Equal(403, ex.Error!.Status);
        Assert.Equal("insufficient_scope", ex.Error.Code);
    }

    [Theory]
    [InlineData(403, "", Bitrix24ErrorKind.AccessDenied)]
    [InlineData(400, "", Bitrix24ErrorKind.DataError)]
    [InlineData(400, "ACCESS_DENIED", Bitrix24ErrorKind.AccessDenied)]
    [InlineData(403, "INVALID_CREDENTIALS", Bitrix24ErrorKind.AccessDenied)]
    [InlineData(403, "ACCESS_DENIED", Bitrix24ErrorKind.AccessDenied)]
    [InlineData(401, "expired_token", Bitrix24ErrorKind.AccessDenied)]
    [InlineData(400, "CRM_FIELD_ERROR_VALUE_NOT_VALID", Bitrix24ErrorKind.DataError)]
    [InlineData(400, "100", Bitrix24ErrorKind.DataError)]
    [InlineData(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", Bitrix24ErrorKind.DataError)]
    [InlineData(404, "ERROR_METHOD_NOT_FOUND", Bitrix24ErrorKind.DataError)]
    [InlineData(500, "INTERNAL_SERVER_ERROR", Bitrix24ErrorKind.Transient)]
    [InlineData(500, "ERROR_UNEXPECTED_ANSWER", Bitrix24ErrorKind.Transient)]
    [InlineData(502, "", Bitrix24ErrorKind.Transient)]
    [InlineData(503, "", Bitrix24ErrorKind.Transient)]
    [InlineData(500, "PORTAL_DELETED", Bitrix24ErrorKind.PortalUnavailable)]
    [InlineData(503, "OVERLOAD_LIMIT", Bitrix24ErrorKind.PortalUnavailable)]
    [InlineData(429, "OPERATION_TIME_LIMIT", Bitrix24ErrorKind.TimeLimit)]
    public async Task CallAsync_ErrorAnswer_MapsToKind(int status, string code, Bitrix24ErrorKind kind)
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", () => FakeBitrix24Portal.Json((HttpStatusCode)status, new JsonObject { ["error"] = code, ["error_description"] = "Access denied." }));

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(status, ex.Error!.Status);
        Assert.Equal(code, ex.Error.Code);
        Assert.Equal("Access denied.", ex.Error.Description);
        Assert.Equal(1, kit.Portal.HttpRequests); // none of these is retried
        Assert.Equal(0, kit.Portal.Count(1));
    }

    [Theory]
    [InlineData(Bitrix24Fault.PortalDeleted, Bitrix24ErrorKind.PortalUnavailable)]
    [InlineData(Bitrix24Fault.OverloadLimit, Bitrix24ErrorKind.PortalUnavailable)]
    [InlineData(Bitrix24Fault.ServerError, Bitrix24ErrorKind.Transient)]
    [InlineData(Bitrix24Fault.HtmlPage, Bitrix24ErrorKind.Transient)]
    public async Task CallAsync_PortalFault_MapsToKindWithOneRequest(Bitrix24Fault fault, Bitrix24ErrorKind kind)
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", fault);

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(1, kit.Portal.HttpRequests);
    }

    [Fact]
    public async Task CallAsync_HtmlPage_TransientSayingNotJson()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.HtmlPage);

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.Transient, ex.Kind);
        Assert.Equal(502, ex.Error!.Status);
        Assert.Contains("not JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_PortalHangs_TransientAfterTheAttemptTimeout()
    {
        using var kit = new Bitrix24Kit(o => o.AttemptTimeout = TimeSpan.FromSeconds(20));
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.Hang);
        var started = kit.Time.GetUtcNow();

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.Transient, ex.Kind);
        Assert.Contains("did not answer within 20 s", ex.Message, StringComparison.Ordinal);
        Assert.InRange(kit.Time.GetUtcNow() - started, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(21));
        Assert.Equal(1, kit.Portal.HttpRequests);
    }

    [Fact]
    public async Task CallAsync_CallerCancels_OperationCanceledNotTransient()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.Hang);
        using var cts = new CancellationTokenSource();

        var call = kit.Client.CallAsync("crm.item.add", Bitrix24Kit.Lead(), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task CallAsync_AnswerLostAfterTheAdd_TransientAndTheLeadExists()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.AnswerLostAfterDone);

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.Transient, ex.Kind);
        Assert.Null(ex.Error);
        Assert.Equal(1, kit.Portal.CountByOrigin(1, "4574397199")); // done: a blind retry would make a duplicate
        Assert.Equal(1, kit.Portal.HttpRequests);
    }

    [Fact]
    public async Task CallAsync_ConnectionRefused_Transient()
    {
        using var kit = new Bitrix24Kit(handler: new RefusingHandler());

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.Transient, ex.Kind);
        Assert.Contains("ConnectionError", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeBitrix24Portal.Host, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_TwoQueryLimitRefusals_BacksOffGrowingAndSucceeds()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.QueryLimit, times: 2);

        var result = await kit.Call("crm.item.add", Bitrix24Kit.Lead());

        Assert.NotNull(result!["item"]);
        var at = kit.Portal.Requests.Select(r => r.At).ToList();
        Assert.Equal(3, at.Count);
        Assert.True(at[1] - at[0] >= Bitrix24Client.FirstBackOff, $"first retry after {at[1] - at[0]}");
        Assert.True(at[2] - at[1] >= 2 * Bitrix24Client.FirstBackOff, $"second retry after {at[2] - at[1]}");
        Assert.Equal(3, kit.Client.RequestCount);
        Assert.Equal(1, kit.Portal.Count(1));
        Assert.Equal(2, kit.Logs.GetSnapshot().Count(r => r.Id.Id == 9701));
    }

    [Fact]
    public async Task CallAsync_QueryLimitRefusal_FillsTheRateGate()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.QueryLimit);

        await kit.Call("crm.item.add", Bitrix24Kit.Lead());

        Assert.True(kit.Gate.Save().Level >= kit.Gate.Ceiling - 1, $"level {kit.Gate.Save().Level} after a 503");
    }

    [Fact]
    public async Task CallAsync_QueryLimitEveryTime_RateLimitedAfterFiveTries()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.QueryLimit, times: 10);

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.RateLimited, ex.Kind);
        Assert.Equal("QUERY_LIMIT_EXCEEDED", ex.Error!.Code);
        Assert.Equal(Bitrix24Client.MaxRateLimitedTries, kit.Portal.HttpRequests);
        Assert.Equal(0, kit.Portal.Count(1));
    }

    [Fact]
    public async Task CallAsync_PortalBucketFullFromOtherApps_WaitsForTheDrainAndSucceeds()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.FillBucket(58); // other apps on the same IP: above X=50 for a few seconds

        var result = await kit.Call("crm.item.add", Bitrix24Kit.Lead());

        Assert.NotNull(result);
        Assert.True(kit.Portal.RateLimitedRequests >= 1);
        Assert.Equal(1, kit.Portal.Count(1));
    }

    [Fact]
    public async Task CallAsync_MethodOverItsTimeBudget_TimeLimitUntilTheResetFromTheAnswer()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.MethodCost["crm.item.add"] = 100;
        kit.Portal.OperatingLimit = 250;
        for (var i = 0; i < 3; i++)
        {
            await kit.Call("crm.item.add", Bitrix24Kit.Lead("n" + i));
        }

        var expected = kit.Portal.OperatingResetAt("crm.item.add")!.Value;
        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead("n3"));

        Assert.Equal(Bitrix24ErrorKind.TimeLimit, ex.Kind);
        Assert.Equal(429, ex.Error!.Status);
        Assert.Equal(expected.ToUnixTimeSeconds(), ex.RetryAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(3, kit.Portal.Count(1));
        Assert.Equal(100 * 3, kit.Client.Operating["crm.item.add"], precision: 6);
    }

    [Fact]
    public async Task CallAsync_PausedMethod_FailsWithoutARequestWhileOtherMethodsWork()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.TimeLimitWithoutTime);
        var first = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());
        var requests = kit.Portal.HttpRequests;

        var again = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());
        await kit.Call("crm.item.list", new JsonObject { ["entityTypeId"] = 1 });

        Assert.Equal(Bitrix24ErrorKind.TimeLimit, again.Kind);
        Assert.Equal(first.RetryAt, again.RetryAt);
        Assert.Equal(requests + 1, kit.Portal.HttpRequests); // only the list went out
        kit.Time.Advance(Bitrix24Client.DefaultTimeLimitPause);
        Assert.NotNull(await kit.Call("crm.item.add", Bitrix24Kit.Lead()));
    }

    [Fact]
    public async Task CallAsync_TimeLimitWithoutTime_RetryAtFromTheLastSuccessOfThatMethod()
    {
        using var kit = new Bitrix24Kit();
        await kit.Call("crm.item.add", Bitrix24Kit.Lead("a"));
        var lastReset = kit.Portal.OperatingResetAt("crm.item.add")!.Value;
        kit.Time.Advance(TimeSpan.FromMinutes(3));
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.TimeLimitWithoutTime);

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead("b"));

        Assert.Equal(Bitrix24ErrorKind.TimeLimit, ex.Kind);
        Assert.Equal(lastReset.ToUnixTimeSeconds(), ex.RetryAt!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task CallAsync_TimeLimitWithoutTimeOrHistory_RetryAtTenMinutesOn()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.TimeLimitWithoutTime);

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.TimeLimit, ex.Kind);
        Assert.InRange(ex.RetryAt!.Value - kit.Time.GetUtcNow(), TimeSpan.FromMinutes(9.9), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Failures_MessagesAndLogs_NeverShowTheWebhookOrFieldValues()
    {
        using var kit = new Bitrix24Kit();
        var messages = new List<string>();
        kit.Portal.Fail("crm.item.add", () => FakeBitrix24Portal.Json(HttpStatusCode.BadRequest,
            new JsonObject { ["error"] = "CRM_FIELD_ERROR_VALUE_NOT_VALID", ["error_description"] = "Phone +74955527367 of Иванов is not valid" }));
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.ServerError);
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.HtmlPage);
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.Hang);
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.QueryLimit, times: 5);
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.AnswerLostAfterDone);
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.PortalDeleted);
        for (var i = 0; i < 7; i++)
        {
            var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());
            messages.Add(ex.ToString());
        }

        kit.Portal.Revoked = true;
        messages.Add((await kit.Fails("crm.item.add", Bitrix24Kit.Lead())).ToString());
        kit.Portal.Revoked = false;
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.TimeLimitWithoutTime);
        messages.Add((await kit.Fails("crm.item.add", Bitrix24Kit.Lead())).ToString());

        Assert.Equal(9, messages.Count);
        Assert.Contains(kit.Logs.GetSnapshot(), r => r.Id.Id == 9702);
        kit.AssertNothingLeaked(messages);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "", "text/html")]
    [InlineData(HttpStatusCode.OK, "   ", "application/json")]
    [InlineData(HttpStatusCode.OK, "garbage <<<", "text/plain")]
    [InlineData(HttpStatusCode.OK, "{\"result\":{\"item\":", "application/json")]
    [InlineData(HttpStatusCode.OK, "[1,2,3]", "application/json")]
    [InlineData(HttpStatusCode.OK, "\"ok\"", "application/json")]
    [InlineData(HttpStatusCode.OK, "null", "application/json")]
    [InlineData(HttpStatusCode.InternalServerError, "", "text/html")]
    public async Task CallAsync_EmptyOrGarbageBody_TransientSayingNotJson(HttpStatusCode status, string body, string mediaType)
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.list", () => new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, mediaType) });

        var ex = await kit.Fails("crm.item.list", new JsonObject { ["entityTypeId"] = 1 });

        Assert.Equal(Bitrix24ErrorKind.Transient, ex.Kind);
        Assert.Equal((int)status, ex.Error!.Status);
        Assert.Equal(string.Empty, ex.Error.Code);
        Assert.Contains("crm.item.list", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {(int)status}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not JSON", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, kit.Portal.HttpRequests);
    }

    [Fact]
    public async Task CallAsync_ErrorInA200Answer_DataErrorWithCodeAndDescription()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.get", () => FakeBitrix24Portal.Json(HttpStatusCode.OK, new JsonObject { ["error"] = "NOT_FOUND", ["error_description"] = "Element not found" }));

        var ex = await kit.Fails("crm.item.get", new JsonObject { ["entityTypeId"] = 1, ["id"] = 5 });

        Assert.Equal(Bitrix24ErrorKind.DataError, ex.Kind);
        Assert.Equal(new Bitrix24Error(200, "NOT_FOUND", "Element not found"), ex.Error);
        Assert.Contains("NOT_FOUND", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Element not found", ex.Message, StringComparison.Ordinal); // the portal's text is kept in Error, not the message
    }

    [Fact]
    public async Task CallAsync_NumericErrorCode_ReadAsText()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", () => FakeBitrix24Portal.Json(HttpStatusCode.BadRequest, new JsonObject { ["error"] = 100, ["error_description"] = "fm must be an array" }));

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.DataError, ex.Kind);
        Assert.Equal("100", ex.Error!.Code);
    }

    [Fact]
    public async Task CallAsync_AnswerWithoutResult_ReturnsNull()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.list", () => FakeBitrix24Portal.Json(HttpStatusCode.OK, new JsonObject { ["time"] = new JsonObject { ["operating"] = 0 } }));

        Assert.Null(await kit.Call("crm.item.list", new JsonObject { ["entityTypeId"] = 1 }));
    }

    [Fact]
    public async Task CallAsync_LegacyAdd_ReturnsTheNewIdAsResult()
    {
        using var kit = new Bitrix24Kit();

        var result = await kit.Call("crm.lead.add", Bitrix24Kit.LegacyLead());

        var id = result!.GetValue<long>();
        var lead = Assert.Single(kit.Portal.Items(1));
        Assert.Equal(id, lead["id"]!.GetValue<long>());
        Assert.Equal("4574397199", lead["originId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("crm.item.add", Bitrix24Fault.AnswerLostAfterDone)]
    [InlineData("crm.item.add", Bitrix24Fault.Hang)]
    [InlineData("crm.item.add", Bitrix24Fault.ServerError)]
    [InlineData("crm.item.add", Bitrix24Fault.HtmlPage)]
    [InlineData("crm.lead.add", Bitrix24Fault.AnswerLostAfterDone)]
    [InlineData("crm.lead.add", Bitrix24Fault.Hang)]
    [InlineData("crm.lead.add", Bitrix24Fault.ServerError)]
    [InlineData("crm.lead.add", Bitrix24Fault.HtmlPage)]
    public async Task CallAsync_CreateWithAnUnclearOutcome_NeverSentTwice(string method, Bitrix24Fault fault)
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail(method, fault);

        var ex = await kit.Fails(method, method == "crm.lead.add" ? Bitrix24Kit.LegacyLead() : Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.Transient, ex.Kind);
        Assert.Contains("may or may not have been done", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, kit.Portal.HttpRequests);
        Assert.Equal(fault == Bitrix24Fault.AnswerLostAfterDone ? 1 : 0, kit.Portal.Count(1));
        Assert.Empty(kit.Portal.DuplicateOrigins(1));
    }

    [Fact]
    public async Task CallAsync_503HtmlPageFromAProxy_TransientNotRetried()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
        {
            Content = new StringContent("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", System.Text.Encoding.UTF8, "text/html"),
        });

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        // Only the portal's own 503 QUERY_LIMIT_EXCEEDED says "nothing was done"; a proxy's page says nothing of the kind.
        Assert.Equal(Bitrix24ErrorKind.Transient, ex.Kind);
        Assert.Equal(503, ex.Error!.Status);
        Assert.Equal(1, kit.Portal.HttpRequests);
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError)]
    [InlineData(HttpRequestError.NameResolutionError)]
    [InlineData(HttpRequestError.SecureConnectionError)]
    public async Task CallAsync_PortalUnreachable_TransientNamingTheNetworkError(HttpRequestError error)
    {
        using var kit = new Bitrix24Kit(handler: new RefusingHandler(error));

        var ex = await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        Assert.Equal(Bitrix24ErrorKind.Transient, ex.Kind);
        Assert.Null(ex.Error);
        Assert.Contains(error.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.InnerException); // the handler's message names the host and port; it is not carried along
        Assert.DoesNotContain(FakeBitrix24Portal.Host, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, kit.Client.RequestCount);
    }

    [Fact]
    public async Task CallAsync_TimeLimit_LeavesTheRateGateAlone()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.TimeLimitWithoutTime);

        await kit.Fails("crm.item.add", Bitrix24Kit.Lead());

        // 429 is one method's time budget: the other methods keep the full pace.
        Assert.Equal(kit.Options.RatePerSecond, kit.Gate.Pace);
        Assert.True(kit.Gate.Save().Level <= 1, $"level {kit.Gate.Save().Level} after a 429");
    }

    [Fact]
    public async Task CallAsync_QueryLimitRefusal_HalvesThePaceOfLaterRequests()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.add", Bitrix24Fault.QueryLimit);

        await kit.Call("crm.item.add", Bitrix24Kit.Lead("a"));
        await kit.Call("crm.item.add", Bitrix24Kit.Lead("b"));
        await kit.Call("crm.item.add", Bitrix24Kit.Lead("c"));

        Assert.Equal(kit.Options.RatePerSecond / 2, kit.Gate.Pace);
        var at = kit.Portal.Requests.Select(r => r.At).ToList();
        Assert.Equal(4, at.Count);

        // The 503, its retry a second later, then one a second at half pace (at full pace the last would go at +2 s).
        Assert.True(at[3] - at[0] >= TimeSpan.FromSeconds(3), $"the last request {at[3] - at[0]} after the 503");
        Assert.Equal(0, kit.Portal.RateLimitedRequests); // the scripted 503 only
    }

    [Fact]
    public async Task RequestCount_CountsHttpRequestsOnly()
    {
        using var kit = new Bitrix24Kit();
        kit.Portal.Fail("crm.item.list", Bitrix24Fault.QueryLimit);
        kit.Portal.Fail("crm.item.get", Bitrix24Fault.TimeLimitWithoutTime);

        await kit.Call("crm.item.add", Bitrix24Kit.Lead()); // 1
        await kit.Call("crm.item.list", new JsonObject { ["entityTypeId"] = 1 }); // 2: a 503, then the answer
        await kit.Batch(
            new Bitrix24Command("a", "crm.item.list", new JsonObject { ["entityTypeId"] = 1 }),
            new Bitrix24Command("b", "crm.item.list", new JsonObject { ["entityTypeId"] = 2 }),
            new Bitrix24Command("c", "crm.status.list", [])); // 1 for three commands
        await kit.Fails("crm.item.get", new JsonObject { ["entityTypeId"] = 1, ["id"] = 1 }); // 1: the 429
        await kit.Fails("crm.item.get", new JsonObject { ["entityTypeId"] = 1, ["id"] = 1 }); // 0: paused, not sent
        await Assert.ThrowsAsync<ArgumentException>(() => kit.Client.CallAsync("bad name", [], CancellationToken.None)); // 0

        Assert.Equal(5, kit.Client.RequestCount);
        Assert.Equal(kit.Portal.HttpRequests, kit.Client.RequestCount);
    }

    private sealed class RefusingHandler(HttpRequestError error = HttpRequestError.ConnectionError) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException(error, $"Connection refused ({request.RequestUri!.Host}:443, {request.RequestUri.AbsolutePath})");
    }
}
