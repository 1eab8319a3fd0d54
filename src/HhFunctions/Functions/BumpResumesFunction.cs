using HhFunctions.Jobs;

namespace HhFunctions.Functions;

/// <summary>Timer trigger (schedule %Bump__Schedule%): one bump run.</summary>
public sealed class BumpResumesFunction(BumpResumesJob job) : ITimerFunction
{
    public string Name => "BumpResumes";

    public async Task<string> RunAsync(TimerInvocation timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var run = await job.RunAsync(timer.IsPastDue ? "timer (past due)" : "timer", ct);
        return $"{run.Status}: {run.Summary}";
    }
}
