using System.Net;
using System.Text;
using System.Text.Json;
using HhFunctions.State;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Functions;

/// <summary>The timer trigger as the Functions host invokes a custom handler: POST /BumpResumes with the timer payload.</summary>
public sealed class BumpResumesFunctionTests
{
    [Fact]
    public async Task PostBumpResumes_TimerInvocation_RunsJobAndAnswersOutputsLogsReturnValue()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        using var client = app.CreateClient();
        using var body = new StringContent(Payloads.Read("timer-invocation.json"), Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/BumpResumes", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], root.EnumerateObject().Select(p => p.Name));
        Assert.Empty(root.GetProperty("Outputs").EnumerateObject());
        var log = Assert.Single(root.GetProperty("Logs").EnumerateArray()).GetString();
        Assert.Equal("Succeeded: 1 raised, 0 not yet, 0 skipped, 0 failed.", log);
        Assert.Equal(log, root.GetProperty("ReturnValue").GetString());
        Assert.Single(app.Hh.Resumes[0].Raises);
        var run = Assert.Single(await app.Services.GetRequiredService<IStateStore>().GetRecentRunsAsync(5, CancellationToken.None));
        Assert.Equal("timer", run.Trigger);
    }

    [Fact]
    public async Task PostBumpResumes_PastDueTimer_RunRecordedAsPastDue()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        using var client = app.CreateClient();
        var payload = Payloads.Read("timer-invocation.json").Replace("\"IsPastDue\": false", "\"IsPastDue\": true", StringComparison.Ordinal);
        using var body = new StringContent(payload, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/BumpResumes", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = Assert.Single(await app.Services.GetRequiredService<IStateStore>().GetRecentRunsAsync(5, CancellationToken.None));
        Assert.Equal("timer (past due)", run.Trigger);
        Assert.Single(app.Hh.Resumes[0].Raises);
    }

    [Fact]
    public async Task PostBumpResumes_PayloadWithoutTimer_400AndNothingRaised()
    {
        await using var app = BumpTestExtensions.CreateApp();
        await app.ConnectAsync();
        app.Hh.AddResume("r1", "Developer");
        using var client = app.CreateClient();
        using var body = new StringContent("""{"Data":{},"Metadata":{}}""", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/BumpResumes", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Hh.Requests);
    }
}
