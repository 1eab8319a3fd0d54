using System.Globalization;
using HhFunctions.Benchmarks;

// 30 simulated days of raising three resumes, under the same network latency and timer jitter, with
// the fixed-cron policy peer scripts use, the real app on the timer alone (timer + in-run wait), and the real
// app with the due-time queue (with and without 5% of its messages lost).
// Prints figures; exits non-zero when the job misses its target. Not a test: nothing here is timed.
if (args is ["vacancies", ..])
{
    // dotnet run -c Release --project tests/HhFunctions.Benchmarks -- vacancies
    return await VacancyBenchmark.RunAsync();
}

if (args is ["mirror", ..])
{
    // dotnet run -c Release --project tests/HhFunctions.Benchmarks -- mirror   (PostgreSQL: HH_TEST_POSTGRES, or tests/postgres.sh)
    return await MirrorBenchmark.RunAsync();
}

if (args is ["recruiting", ..])
{
    // dotnet run -c Release --project tests/HhFunctions.Benchmarks -- recruiting [nopdf] [pdf] [webhook]   (issue 21; all three by default)
    return await RecruitingBenchmark.RunAsync(args[1..]);
}

if (args is ["desk", ..])
{
    // dotnet run -c Release --project tests/HhFunctions.Benchmarks -- desk [file-only]   (issue 22: 200 vacancies, 20,000 responses)
    return await DeskBenchmark.RunAsync(args[1..]);
}

var settings = SimulationSettings.Default;
if (args is ["--seed", var seedText] && int.TryParse(seedText, CultureInfo.InvariantCulture, out var seed))
{
    // Another latency/jitter sequence, e.g. to see how much the figures move between seeds.
    settings = settings with { LatencySeed = seed, JitterSeed = seed };
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Simulating {settings.Days} days from {settings.Start:yyyy-MM-dd HH:mm} UTC, schedule \"{settings.Schedule}\", latency {settings.MinLatency.TotalMilliseconds:0}-{settings.MaxLatency.TotalMilliseconds:0} ms per request, trigger {settings.MaxLateJitter.TotalSeconds:0} s late at most (early by up to {settings.MaxEarlyJitter.TotalSeconds:0} s in {settings.EarlyJitterShare:P0} of runs), seeds {settings.LatencySeed}/{settings.JitterSeed}."));

var fixedCron = BumpSimulation.RunFixedCron(settings);
var timerWait = BumpSimulation.RunJob(settings);
var dueQueue = DueQueueSimulation.Run(settings, dropShare: 0, "timer + due-time queue");
var dueQueueLossy = DueQueueSimulation.Run(settings, dropShare: 0.05, "timer + due-time queue, 5% of messages lost");
Report.Print(settings, [fixedCron, timerWait, dueQueue, dueQueueLossy]);
Console.WriteLine();
var pass = Report.Verdict(timerWait, settings.TargetRaisesPerDay);
pass &= Report.Verdict(dueQueue, 5.99, maxP99Seconds: 15);
pass &= Report.Verdict(dueQueueLossy, 5.95);
return pass ? 0 : 1;
