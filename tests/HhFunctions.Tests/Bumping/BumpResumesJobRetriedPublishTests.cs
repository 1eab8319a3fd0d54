using System.Net;
using HhFunctions.State;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Reliability;

namespace HhFunctions.Tests.Bumping;

/// <summary>A publish whose answer was lost and was retried must still be reported as what it was.</summary>
public sealed class BumpResumesJobRetriedPublishTests
{
    [Fact]
    public async Task RunAsync_PublishAnswerLostThenRetriedGets429_ReportedRaisedNotNotYet()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        var resume = app.Hh.AddResume("r1", "Backend developer");
        // hh.ru raises the resume but the gateway answers 503; the retry then meets touch_limit_exceeded.
        app.Hh.FailAfterHandling("resumes/r1/publish", () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));

        var run = await FaultHarness.RunJobAsync(app);

        var result = Assert.Single(run.Results);
        Assert.Equal(ResumeOutcome.Raised, result.Outcome);
        Assert.Single(resume.Raises);
        Assert.Equal(resume.Raises[0] + FakeHhApi.PublishInterval, result.NextAllowedAt);
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task RunAsync_GenuineTouchLimit_StaysNotYet()
    {
        using var app = new AppFactory();
        await app.ConnectAsync();
        var resume = app.Hh.AddResume("r1", "Backend developer");
        // hh.ru's listing said yes, its publish says no, and nothing was raised: a real "not yet".
        app.Hh.Fail("resumes/r1/publish", () => FakeHhApi.Errors(HttpStatusCode.TooManyRequests, "resumes", "touch_limit_exceeded"));

        var run = await FaultHarness.RunJobAsync(app);

        var result = Assert.Single(run.Results);
        Assert.Equal(ResumeOutcome.NotYet, result.Outcome);
        Assert.Empty(resume.Raises);
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }
}
