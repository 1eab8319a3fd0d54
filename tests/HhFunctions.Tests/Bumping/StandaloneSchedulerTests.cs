using System.Collections.Concurrent;
using System.Globalization;
using HhFunctions.Bumping;
using HhFunctions.Standalone;
using HhFunctions.State;
using HhFunctions.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Moq;
using HhFunctions.Configuration;

namespace HhFunctions.Tests.Bumping;

/// <summary>
/// The standalone scheduler inside the real host, on fake time. Each run's first act is taking the run lock, so
/// a substitute <see cref="IDistributedLock"/> records the fake time of every firing.
/// </summary>
public sealed class StandaloneSchedulerTests
{
    private const int NextRunEventId = 5001;
    private const int RunCrashedEventId = 5002;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("2026-03-02T08:00:30Z", "2026-03-02T08:01:00Z")]
    [InlineData("2026-03-02T08:01:00Z", "2026-03-02T12:01:00Z")]
    [InlineData("2026-03-02T00:00:59.999Z", "2026-03-02T00:01:00Z")]
    [InlineData("2026-03-02T20:01:00.001Z", "2026-03-03T00:01:00Z")]
    public void NextOccurrence_DefaultSchedule_MinuteOneOfEveryFourthHourUtcStrictlyAfter(string after, string expected)
    {
        var next = Cron.NextOccurrence(new BumpOptions().Schedule, DateTimeOffset.Parse(after, CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), next);
    }

    [Fact]
    public async Task ExecuteAsync_FakeTime_FiresExactlyAtEachOccurrenceAndNeverBefore()
    {
        var fires = new ConcurrentQueue<DateTimeOffset>();
        await using var root = AppFactory.With(new Dictionary<string, string?> { ["Bump:StandaloneScheduler"] = "true", ["Telegram:Notify"] = "errors" });
        await using var app = WithRecordingLock(root, fires, throwFirst: false);
        var logs = app.Services.GetFakeLogCollector(); // starts the host, and with it the scheduler
        var time = root.Time; // 08:00:30

        await WaitForAsync(() => Count(logs, NextRunEventId) >= 1);
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        var beforeFirst = fires.Count;
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => !fires.IsEmpty);

        await WaitForAsync(() => Count(logs, NextRunEventId) >= 2);
        time.Advance(new TimeSpan(3, 59, 59));
        await Task.Delay(50);
        var beforeSecond = fires.Count;
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => fires.Count >= 2);

        await WaitForAsync(() => Count(logs, NextRunEventId) >= 3);
        time.Advance(TimeSpan.FromHours(4));
        await WaitForAsync(() => fires.Count >= 3);

        Assert.Equal(0, beforeFirst);
        Assert.Equal(1, beforeSecond);
        Assert.Equal(
            [At("2026-03-02T08:01:00Z"), At("2026-03-02T12:01:00Z"), At("2026-03-02T16:01:00Z")],
            fires.ToArray());
    }

    [Fact]
    public async Task ExecuteAsync_RunThrows_LogsAndFiresAgainAtNextOccurrence()
    {
        var fires = new ConcurrentQueue<DateTimeOffset>();
        await using var root = AppFactory.With(new Dictionary<string, string?> { ["Bump:StandaloneScheduler"] = "true", ["Telegram:Notify"] = "errors" });
        await using var app = WithRecordingLock(root, fires, throwFirst: true);
        var logs = app.Services.GetFakeLogCollector();
        var time = root.Time;

        await WaitForAsync(() => Count(logs, NextRunEventId) >= 1);
        time.Advance(TimeSpan.FromSeconds(30));
        await WaitForAsync(() => Count(logs, RunCrashedEventId) >= 1);
        await WaitForAsync(() => Count(logs, NextRunEventId) >= 2);
        time.Advance(TimeSpan.FromHours(4));
        await WaitForAsync(() => fires.Count >= 2);

        Assert.Equal([At("2026-03-02T08:01:00Z"), At("2026-03-02T12:01:00Z")], fires.ToArray());
        var crash = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == RunCrashedEventId);
        Assert.IsType<InvalidOperationException>(crash.Exception);
    }

    private static WebApplicationFactory<Program> WithRecordingLock(AppFactory root, ConcurrentQueue<DateTimeOffset> fires, bool throwFirst)
    {
        var locks = new Mock<IDistributedLock>();
        locks.Setup(l => l.TryAcquireAsync(BumpResumesJob.RunLockName, It.IsAny<TimeSpan>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                fires.Enqueue(root.Time.GetUtcNow());
                return throwFirst && fires.Count == 1
                    ? Task.FromException<ILease?>(new InvalidOperationException("lock exploded"))
                    : Task.FromResult<ILease?>(null); // "another run is in progress": the run ends at once
            });
        return root.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(locks.Object)));
    }

    private static DateTimeOffset At(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    private static int Count(FakeLogCollector logs, int eventId) => logs.GetSnapshot().Count(r => r.Id.Id == eventId);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var guard = Task.Delay(Guard);
        while (!condition())
        {
            Assert.False(guard.IsCompleted, "The scheduler did not get there within the real-time guard.");
            await Task.Delay(5);
        }
    }
}
