using HhFunctions.Recruiting.Invitations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Functions;

/// <summary>The invite form (function key): GET shows it, POST sends the invitation. The logic is in <see cref="InvitationEndpoints"/>.</summary>
public sealed class RecruitingInviteFunction(InvitationEndpoints endpoints)
{
    [Function("RecruitingInvite")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = InvitationRoutes.Invite)] HttpRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        return HttpMethods.IsPost(req.Method)
            ? FunctionsHost.RunAsync(req, "RecruitingInvite", endpoints.PostAsync)
            : FunctionsHost.RunAsync(req, "RecruitingInvite", endpoints.GetAsync);
    }
}

/// <summary>The daily Telegram summary for recruiters (Recruiting__Notify=summary, at Recruiting__SummaryTime): woken every 5 minutes, it sends once a day.</summary>
public sealed partial class RecruitingSummaryFunction(SummaryJob job, ILogger<RecruitingSummaryFunction> logger)
{
    [Function("RecruitingSummary")]
    public async Task Run([TimerTrigger(SummaryJob.Tick)] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var outcome = await job.RunAsync(ct);
        Log.Ran(logger, outcome);
    }

    private static partial class Log
    {
        [LoggerMessage(9622, LogLevel.Debug, "RecruitingSummary: {Outcome}.")]
        public static partial void Ran(ILogger logger, string outcome);
    }
}
