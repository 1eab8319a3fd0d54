using HhFunctions.Bumping;
using HhFunctions.Configuration;

namespace HhFunctions.Standalone;

/// <summary>
/// What the Functions host's timer triggers do, for the standalone host: runs one job on a six-field NCRONTAB
/// schedule, each next occurrence computed from <see cref="TimeProvider"/> and never fired early, surviving
/// any run's failure. Each scheduler logs with its own event ids (first id: next run, +1: failed run,
/// +2: no future occurrence, +3: run ended).
/// </summary>
public abstract class CronScheduler : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly Action<ILogger, string, DateTimeOffset, Exception?> _nextRun;
    private readonly Action<ILogger, string, Exception?> _runCrashed;
    private readonly Action<ILogger, string, string, Exception?> _noOccurrence;
    private readonly Action<ILogger, string, string, Exception?> _runEnded;

    protected CronScheduler(IServiceScopeFactory scopes, TimeProvider time, ILogger logger, string name, int firstEventId)
    {
        _scopes = scopes;
        _time = time;
        _logger = logger;
        _name = name;
        _nextRun = LoggerMessage.Define<string, DateTimeOffset>(LogLevel.Information, new EventId(firstEventId, "NextRun"), "{Scheduler}: next run at {Next:O}.");
        _runCrashed = LoggerMessage.Define<string>(LogLevel.Error, new EventId(firstEventId + 1, "RunCrashed"), "{Scheduler}: the run failed unexpectedly.");
        _noOccurrence = LoggerMessage.Define<string, string>(LogLevel.Warning, new EventId(firstEventId + 2, "NoOccurrence"), "{Scheduler}: schedule {Schedule} has no future occurrence.");
        _runEnded = LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(firstEventId + 3, "RunEnded"), "{Scheduler}: {Summary}");
    }

    /// <summary>The NCRONTAB expression, read when the scheduler starts.</summary>
    protected abstract string Schedule { get; }

    /// <summary>One run in its own scope; returns its one-line summary.</summary>
    protected abstract Task<string> RunOnceAsync(IServiceProvider services, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = Schedule;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (Cron.NextOccurrence(schedule, _time.GetUtcNow()) is not { } next)
            {
                _noOccurrence(_logger, _name, schedule, null);
                return;
            }

            _nextRun(_logger, _name, next, null);
            try
            {
                // A delay may end a hair early on some clocks: never fire before the occurrence.
                while (_time.GetUtcNow() < next)
                {
                    await Task.Delay(next - _time.GetUtcNow(), _time, stoppingToken);
                }

                await using var scope = _scopes.CreateAsyncScope();
                _runEnded(_logger, _name, await RunOnceAsync(scope.ServiceProvider, stoppingToken), null);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The scheduler must survive any run's failure.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _runCrashed(_logger, _name, ex);
            }
        }
    }
}
