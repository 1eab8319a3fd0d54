using HhFunctions.Configuration;
using HhFunctions.Scheduling;

namespace HhFunctions.Standalone;

/// <summary>
/// The standalone host's timers: every <see cref="ScheduleRegistration"/> the features made runs here on its own
/// cron loop, all on <see cref="TimeProvider"/> (Azure runs the same jobs with [TimerTrigger] on the same settings).
/// A run never starts before its occurrence; a failing run is logged and the next occurrence still comes.
/// </summary>
public sealed class StandaloneSchedules(IEnumerable<ScheduleRegistration> registrations, IServiceScopeFactory scopes, TimeProvider time, ILogger<StandaloneSchedules> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(registrations.Select(r => new Loop(r, r.Schedule, scopes, time, logger).RunAsync(stoppingToken)));

    private sealed class Loop
    {
        private readonly ScheduleRegistration _registration;
        private readonly string _schedule;
        private readonly IServiceScopeFactory _scopes;
        private readonly TimeProvider _time;
        private readonly ILogger _logger;
        private readonly Action<ILogger, string, DateTimeOffset, Exception?> _nextRun;
        private readonly Action<ILogger, string, Exception?> _runCrashed;
        private readonly Action<ILogger, string, string, Exception?> _noOccurrence;
        private readonly Action<ILogger, string, string, Exception?> _runEnded;

        public Loop(ScheduleRegistration registration, string schedule, IServiceScopeFactory scopes, TimeProvider time, ILogger logger)
        {
            _registration = registration;
            _schedule = schedule;
            _scopes = scopes;
            _time = time;
            _logger = logger;
            var id = registration.FirstEventId;
            _nextRun = LoggerMessage.Define<string, DateTimeOffset>(LogLevel.Information, new EventId(id, "NextRun"), "{Scheduler}: next run at {Next:O}.");
            _runCrashed = LoggerMessage.Define<string>(LogLevel.Error, new EventId(id + 1, "RunCrashed"), "{Scheduler}: the run failed unexpectedly.");
            _noOccurrence = LoggerMessage.Define<string, string>(LogLevel.Warning, new EventId(id + 2, "NoOccurrence"), "{Scheduler}: schedule {Schedule} has no future occurrence.");
            _runEnded = LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(id + 3, "RunEnded"), "{Scheduler}: {Summary}");
        }

        public async Task RunAsync(CancellationToken stoppingToken)
        {
            var name = _registration.Name;
            while (!stoppingToken.IsCancellationRequested)
            {
                if (Cron.NextOccurrence(_schedule, _time.GetUtcNow()) is not { } next)
                {
                    _noOccurrence(_logger, name, _schedule, null);
                    return;
                }

                _nextRun(_logger, name, next, null);
                try
                {
                    // A delay may end a hair early on some clocks: never fire before the occurrence.
                    while (_time.GetUtcNow() < next)
                    {
                        await Task.Delay(next - _time.GetUtcNow(), _time, stoppingToken);
                    }

                    await using var scope = _scopes.CreateAsyncScope();
                    _runEnded(_logger, name, await _registration.RunAsync(scope.ServiceProvider, stoppingToken), null);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // The scheduler must survive any run's failure.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _runCrashed(_logger, name, ex);
                }
            }
        }
    }
}
