using System.Globalization;
using HhFunctions.Benchmarks;

// 30 simulated days of raising three resumes, under the same network latency and timer jitter, with
// (1) the real BumpResumesJob on the default schedule and (2) the fixed-cron policy peer scripts use.
// Prints figures; exits non-zero when the job misses its target. Not a test: nothing here is timed.
if (args is ["vacancies", ..])
{
    // dotnet run -c Release --project tests/HhFunctions.Benchmarks -- vacancies
    return await VacancyBenchmark.RunAsync();
}

var settings = SimulationSettings.Default;
if (args is ["--seed", var seedText] && int.TryParse(seedText, CultureInfo.InvariantCulture, out var seed))
{
    // Another latency/jitter sequence, e.g. to see how much the figures move between seeds.
    settings = settings with { LatencySeed = seed, JitterSeed = seed };
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Simulating {settings.Days} days from {settings.Start:yyyy-MM-dd HH:mm} UTC, schedule \"{settings.Schedule}\", latency {settings.MinLatency.TotalMilliseconds:0}-{settings.MaxLatency.TotalMilliseconds:0} ms per request, trigger {settings.MaxLateJitter.TotalSeconds:0} s late at most (early by up to {settings.MaxEarlyJitter.TotalSeconds:0} s in {settings.EarlyJitterShare:P0} of runs), seeds {settings.LatencySeed}/{settings.JitterSeed}."));

var ours = BumpSimulation.RunJob(settings);
var fixedCron = BumpSimulation.RunFixedCron(settings);
Report.Print(settings, [ours, fixedCron]);
return Report.Verdict(ours, settings) ? 0 : 1;
