using HhFunctions.Applying;
using HhFunctions.OwnDatabase;
using HhFunctions.State;
using HhFunctions.StatusPage;
using HhFunctions.Testing;
using HhFunctions.Tests.Applying;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Tests.Vacancies;
using HhFunctions.Vacancies;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HhFunctions.Tests.OwnDatabase;

/// <summary>The mirror in the whole app: fake hh.ru, the watch, applying's store, a real PostgreSQL server.</summary>
public sealed class OwnDatabaseMirrorTests
{
    private static readonly DateTimeOffset T0 = FakeClock.Start;

    private static void Seed(AppFactory app, int count, int firstId = 1000)
    {
        for (var i = 0; i < count; i++)
        {
            app.Hh.Search.Add((firstId + i).ToString(System.Globalization.CultureInfo.InvariantCulture), $"C# developer {i}", T0.AddMinutes(-1 - i), 200_000 + i, 300_000 + i);
        }
    }

    private static AppFactory MirrorApp(string connectionString) =>
        WatchTestExtensions.WatchApp(more: new Dictionary<string, string?> { ["Sql:ConnectionString"] = connectionString });

    private static MirrorPump Pump(AppFactory app) => app.Services.GetRequiredService<MirrorPump>();

    private static IMirrorOutbox Outbox(AppFactory app) => app.Services.GetRequiredService<IMirrorOutbox>();

    private static Task<ApplicationRecord?> ChangeAsync(AppFactory app, string vacancyId, Func<ApplicationRecord?, ApplicationRecord?> change) =>
        app.Services.GetRequiredService<IApplicationStore>().UpdateAsync(vacancyId, change, CancellationToken.None).ContinueWith(t => t.Result.Record, TaskScheduler.Default);

    private static ApplicationRecord Sent(string id, DateTimeOffset at) => new(id)
    {
        VacancyName = "C# developer",
        Source = "C# jobs",
        Status = ApplicationStatus.Sent,
        Letter = LetterKind.Template,
        Attempts = 1,
        CreatedAt = at,
        UpdatedAt = at,
        SentAt = at,
        NegotiationId = "n" + id,
        State = "response",
        History = [new StateChange("response", at)],
    };

    [Fact]
    public async Task Watch_DatabaseUp_EveryStoredVacancyMirroredOnceWithHhJson()
    {
        var cs = await Postgres.NewDatabaseAsync();
        using var app = MirrorApp(cs);
        await app.ConnectAsync();
        Seed(app, 30);

        var run = await app.RunWatchAsync();
        await Pump(app).RunOnceAsync(CancellationToken.None);
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await app.RunWatchAsync(); // seen again: still one row each
        var pass = await Pump(app).RunOnceAsync(CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.True(pass.Ok, pass.Problem);
        Assert.Equal(30L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.vacancies"));
        Assert.Equal(30L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.vacancies WHERE raw ? 'employer' AND source_query = 'C# jobs'"));
        Assert.Equal("Acme", await Postgres.ScalarAsync<string>(cs, "SELECT raw->'employer'->>'name' FROM hh.vacancies WHERE id = '1000'"));
        Assert.Equal(200_000m, await Postgres.ScalarAsync<decimal>(cs, "SELECT salary_from FROM hh.vacancies WHERE id = '1000'"));
        Assert.Equal(0, await Outbox(app).CountAsync(CancellationToken.None));
        app.AssertNoSecretLeaked(new NpgsqlConnectionStringBuilder(cs).Password!);
    }

    [Fact]
    public async Task Watch_DatabaseDownDuringRun_RunSucceedsAndOutboxDrainsAfterwardsNothingLost()
    {
        var cs = await Postgres.NewDatabaseAsync();
        await using var relay = new PostgresRelay(cs);
        using var app = MirrorApp(relay.ConnectionString);
        await app.ConnectAsync();
        await Pump(app).RunOnceAsync(CancellationToken.None); // schema in place while up
        Seed(app, 40);
        relay.Down();

        var run = await app.RunWatchAsync();
        await ChangeAsync(app, "1000", _ => Sent("1000", T0));
        await ChangeAsync(app, "1000", r => r! with { State = "invitation", UpdatedAt = T0.AddHours(1), History = [.. r.History, new StateChange("invitation", T0.AddHours(1))] });
        var failed = await Pump(app).RunOnceAsync(CancellationToken.None);
        var line = await app.Services.GetRequiredService<OwnDatabaseStatus>().LineAsync(CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(40, (await app.Vacancies().ListAsync(null, default)).Count);
        Assert.False(failed.Ok);
        Assert.True(await Outbox(app).CountAsync(CancellationToken.None) >= 42);
        Assert.StartsWith("PostgreSQL cannot be reached", line!.Text, StringComparison.Ordinal);
        Assert.Equal("bad", line.Tone);
        Assert.Single(line.Text.Split('\n'));

        relay.Up();
        var drained = await Pump(app).RunOnceAsync(CancellationToken.None);

        Assert.True(drained.Ok, drained.Problem);
        Assert.Equal(0, await Outbox(app).CountAsync(CancellationToken.None));
        Assert.Equal(40L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.vacancies"));
        Assert.Equal(1L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.applications"));
        Assert.Equal("invitation", await Postgres.ScalarAsync<string>(cs, "SELECT state FROM hh.applications WHERE vacancy_id = '1000'"));
        Assert.Equal(2L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.application_states WHERE vacancy_id = '1000'"));
        Assert.StartsWith("Mirrored to PostgreSQL", (await app.Services.GetRequiredService<OwnDatabaseStatus>().LineAsync(CancellationToken.None))!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAndTrack_EveryApplicationAndStateChangeMirroredOnce()
    {
        var cs = await Postgres.NewDatabaseAsync();
        using var app = await ApplyTestKit.StartAsync(new Dictionary<string, string?> { ["Sql:ConnectionString"] = cs });
        app.Vacancy("1", "Job 1");
        app.Vacancy("2", "Job 2");
        await app.ApplyAsync("1");
        await app.ApplyAsync("2");
        await app.TrackAsync();
        await Pump(app).RunOnceAsync(CancellationToken.None);

        app.Time.Advance(TimeSpan.FromHours(1));
        app.Hh.EmployerActs("1", viewed: true);
        await app.TrackAsync();
        app.Time.Advance(TimeSpan.FromHours(1));
        app.Hh.EmployerActs("1", state: "invitation");
        app.Hh.EmployerActs("2", state: "discard", viewed: true);
        await app.TrackAsync();
        await app.TrackAsync(); // nothing new: nothing new in the database either
        var pass = await Pump(app).RunOnceAsync(CancellationToken.None);

        Assert.True(pass.Ok, pass.Problem);
        Assert.Equal(0, await Outbox(app).CountAsync(CancellationToken.None));
        Assert.Equal(
            ["1|Sent|invitation|True|n", "2|Sent|discard|True|n"],
            (await Postgres.RowsAsync(cs, "SELECT vacancy_id, status, state, viewed, left(negotiation_id, 0) || 'n' FROM hh.applications ORDER BY 1"))
                .Select(r => string.Join('|', r)));
        Assert.Equal(
            ["1|invitation", "1|response", "2|discard", "2|response"],
            (await Postgres.RowsAsync(cs, "SELECT vacancy_id, state FROM hh.application_states ORDER BY 1, 2")).Select(r => $"{r[0]}|{r[1]}"));
        var record = (await app.RecordAsync("1"))!;
        Assert.Equal(record.UpdatedAt.UtcDateTime, await Postgres.ScalarAsync<DateTime>(cs, "SELECT updated_at FROM hh.applications WHERE vacancy_id = '1'"));
        Assert.Equal(
            ["telegram|2|2|1|1|0"],
            (await Postgres.RowsAsync(cs, "SELECT source, applied, viewed, invited, rejected, silent FROM hh.application_funnel_per_source")).Select(r => string.Join('|', r)));
    }

    [Fact]
    public async Task Connect_AppAlreadyHoldingData_BackfillsEverythingOnce()
    {
        var cs = await Postgres.NewDatabaseAsync();
        using var before = WatchTestExtensions.WatchApp();
        await before.ConnectAsync();
        Seed(before, 25);
        await before.RunWatchAsync();
        for (var i = 0; i < 5; i++)
        {
            var id = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ChangeAsync(before, id, _ => Sent(id, T0));
        }

        // Connected: the pump runs at start (in the background) and whenever asked; the back-fill happens once.
        using var after = before.Sibling(new Dictionary<string, string?> { ["Sql:ConnectionString"] = cs });
        var pass = await Pump(after).RunOnceAsync(CancellationToken.None);
        var again = await Pump(after).RunOnceAsync(CancellationToken.None);

        Assert.True(pass.Ok, pass.Problem);
        Assert.Equal(0, again.Backfilled);
        var backfilled = Assert.Single(after.LogsWithId(9802));
        Assert.Contains("back-filled 30 record(s)", backfilled.Message, StringComparison.Ordinal);
        Assert.True((await Outbox(after).GetStateAsync(CancellationToken.None)).Backfilled);
        Assert.Equal(25L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.vacancies"));
        Assert.Equal(5L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.applications"));
        Assert.Equal(5L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.application_states"));
    }

    [Theory]
    [InlineData("Username=hh;Password=pw-DO-NOT-LOG-1;Database=hh", "Sql__ConnectionString names no server")]
    [InlineData("Host=db.example;Port=five;Password=pw-DO-NOT-LOG-2", "Sql__ConnectionString is not a PostgreSQL connection string (an unknown key, or a value of the wrong kind")]
    [InlineData("Host=db.example;Pasword=pw-DO-NOT-LOG-3", "Sql__ConnectionString is not a PostgreSQL connection string")]
    public async Task Start_MalformedConnectionString_RefusedInOneLineWithoutThePassword(string connectionString, string expected)
    {
        var ex = await StartUp.FailsAsync(new Dictionary<string, string?> { ["Sql:ConnectionString"] = connectionString });

        var line = HhFunctions.Configuration.StartupGuard.Describe(ex);
        Assert.NotNull(line);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n'));
        Assert.DoesNotContain("DO-NOT-LOG", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_LoginRefused_NamedInOneLineWithoutThePassword()
    {
        var cs = await Postgres.NewDatabaseAsync();
        var wrong = new NpgsqlConnectionStringBuilder(cs) { Password = "wrong-password-DO-NOT-LOG" }.ConnectionString;
        using var app = MirrorApp(wrong);
        await app.ConnectAsync();
        Seed(app, 3);

        var run = await app.RunWatchAsync();
        var pass = await Pump(app).RunOnceAsync(CancellationToken.None);
        var status = await app.Services.GetRequiredService<StatusService>().GetAsync(withConnectLink: false, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.False(pass.Ok);
        Assert.Equal("PostgreSQL refused the login (password authentication failed for user \"hh\"); check the user and password in Sql__ConnectionString.", pass.Problem);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Message.Contains(pass.Problem!, StringComparison.Ordinal));
        var section = Assert.Single(status.Sections, s => s.Id == OwnDatabaseStatus.SectionId);
        Assert.StartsWith(pass.Problem!, Assert.Single(section.Lines).Text, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(pass.Problem!), StatusCommand.StatusText(status), StringComparison.Ordinal);
        app.AssertNoSecretLeaked("wrong-password-DO-NOT-LOG", new NpgsqlConnectionStringBuilder(cs).Password!);
    }
}
