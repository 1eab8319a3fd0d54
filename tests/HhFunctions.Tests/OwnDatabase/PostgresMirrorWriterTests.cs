using System.Text.Json;
using HhFunctions.Applying;
using HhFunctions.OwnDatabase;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Vacancies;
using Npgsql;

namespace HhFunctions.Tests.OwnDatabase;

/// <summary>Upserts and the ready views against a real PostgreSQL server (tests/postgres.sh).</summary>
public sealed class PostgresMirrorWriterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero); // a Monday

    internal static VacancyRecord Vacancy(string id, string source, DateTimeOffset firstSeen, decimal? from = null, decimal? to = null, string? currency = "RUR", DateTimeOffset? lastSeen = null, string name = "C# developer") =>
        new(id, name, "Acme", "Москва", from, to, from is null && to is null ? null : currency, false, "between3And6", "remote", "full",
            firstSeen.AddHours(-1), "https://hh.ru/vacancy/" + id, false, false, false, [source], firstSeen, lastSeen ?? firstSeen);

    internal static ApplicationRecord Application(string vacancyId, DateTimeOffset sentAt, string source = "C# jobs", LetterKind letter = LetterKind.Template,
        bool viewed = false, string state = "response", params StateChange[] history) =>
        new(vacancyId)
        {
            VacancyName = "Vacancy " + vacancyId,
            Employer = "Acme",
            Source = source,
            Status = ApplicationStatus.Sent,
            Letter = letter,
            Attempts = 1,
            CreatedAt = sentAt,
            UpdatedAt = history.Length > 0 ? history.Max(h => h.At) : sentAt,
            SentAt = sentAt,
            NegotiationId = "n" + vacancyId,
            State = state,
            ViewedByEmployer = viewed,
            History = [new StateChange("response", sentAt), .. history],
        };

    private static DateOnly Day(object? value) => value switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        _ => throw new InvalidOperationException("not a date: " + value),
    };

    private static async Task<(string Cs, NpgsqlDataSource Db)> DatabaseAsync()
    {
        var cs = await Postgres.NewDatabaseAsync();
        var db = NpgsqlDataSource.Create(cs);
        await PostgresSchema.MigrateAsync(db, CancellationToken.None);
        return (cs, db);
    }

    [Fact]
    public async Task WriteAsync_SameIdsTwice_OneRowEachWithTheNewestValues()
    {
        var (cs, db) = await DatabaseAsync();
        await using var _ = db;
        var raw = JsonSerializer.SerializeToElement(new { id = "1", name = "C# developer", key_skills = new[] { "C#" } });
        var vacancies = new[] { new VacancyPayload(Vacancy("1", "C# jobs", T0, 100, 200), raw), new VacancyPayload(Vacancy("2", "C# jobs", T0), null) };
        var application = Application("1", T0, history: new StateChange("invitation", T0.AddDays(2)));

        await PostgresMirrorWriter.WriteAsync(db, vacancies, [application], CancellationToken.None);
        await PostgresMirrorWriter.WriteAsync(db, vacancies, [application], CancellationToken.None);
        // Seen again later (a newer sighting, no raw item): one row, newer values, raw kept; an older copy changes nothing.
        var later = Vacancy("1", "C# jobs", T0, 150, 250, lastSeen: T0.AddDays(1)) with { Sources = ["C# jobs", "Remote"] };
        await PostgresMirrorWriter.WriteAsync(db, [new VacancyPayload(later, null), vacancies[0]], [application with { State = "invitation", UpdatedAt = T0.AddDays(3) }, application], CancellationToken.None);

        Assert.Equal(2L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.vacancies"));
        var row = Assert.Single(await Postgres.RowsAsync(cs, "SELECT salary_from, salary_to, salary_currency, source_query, sources, raw->'key_skills'->>0, first_seen, last_seen FROM hh.vacancies WHERE id = '1'"));
        Assert.Equal(150m, row[0]);
        Assert.Equal(250m, row[1]);
        Assert.Equal("RUR", row[2]);
        Assert.Equal("C# jobs", row[3]);
        Assert.Equal(new[] { "C# jobs", "Remote" }, (string[])row[4]!);
        Assert.Equal("C#", row[5]);
        Assert.Equal(T0.UtcDateTime, (DateTime)row[6]!);
        Assert.Equal(T0.AddDays(1).UtcDateTime, (DateTime)row[7]!);

        Assert.Equal(1L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.applications"));
        Assert.Equal("invitation", await Postgres.ScalarAsync<string>(cs, "SELECT state FROM hh.applications"));
        Assert.Equal("template", await Postgres.ScalarAsync<string>(cs, "SELECT letter_kind FROM hh.applications"));
        Assert.Equal("n1", await Postgres.ScalarAsync<string>(cs, "SELECT raw->>'negotiationId' FROM hh.applications"));
        Assert.Equal(
            ["invitation", "response"],
            (await Postgres.RowsAsync(cs, "SELECT state FROM hh.application_states ORDER BY state")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task WriteAsync_RecruitingResponsesTwice_OneRowEachWithItsStageHistory()
    {
        var (cs, db) = await DatabaseAsync();
        await using var _ = db;
        var seen = new ResponseMirrorRecord("t1", "v1", "C# developer", "res1", "response", "webhook", T0, T0);
        var invited = seen with { Stage = "interview", UpdatedAt = T0.AddDays(1), CrmKind = "lead", CrmId = 42 };

        await PostgresMirrorWriter.WriteAsync(db, [], [], [seen, new ResponseMirrorRecord("t2", "v1", null, "res2", "response", "poll", T0, T0)], CancellationToken.None);
        await PostgresMirrorWriter.WriteAsync(db, [], [], [seen], CancellationToken.None);
        await PostgresMirrorWriter.WriteAsync(db, [], [], [invited, seen], CancellationToken.None); // an older copy changes nothing

        Assert.Equal(2L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.responses"));
        var row = Assert.Single(await Postgres.RowsAsync(cs, "SELECT stage, source, crm_kind, crm_id, first_seen_at, raw->>'topicId' FROM hh.responses WHERE topic_id = 't1'"));
        Assert.Equal(["interview", "webhook", "lead", 42L, T0.UtcDateTime, "t1"], row);
        Assert.Equal(
            ["t1|interview", "t1|response", "t2|response"],
            (await Postgres.RowsAsync(cs, "SELECT topic_id, stage FROM hh.response_stages ORDER BY 1, 2")).Select(r => $"{r[0]}|{r[1]}"));
    }

    [Fact]
    public async Task Views_SeededData_AnswerPerDayPerQuerySalaryAndFunnel()
    {
        var (cs, db) = await DatabaseAsync();
        await using var _ = db;
        var old = T0.AddDays(-60); // old enough for "silent" (14 days) whatever the server's clock says
        VacancyPayload V(VacancyRecord r) => new(r, null);
        await PostgresMirrorWriter.WriteAsync(db,
            [
                V(Vacancy("1", "C# jobs", T0, 100_000, 200_000)),
                V(Vacancy("2", "C# jobs", T0.AddHours(2), 150_000, null)),
                V(Vacancy("3", "C# jobs", T0.AddDays(1), null, 300_000)),
                V(Vacancy("4", "Remote", T0.AddDays(1))),
                V(Vacancy("5", "Remote", T0.AddDays(1), 2_000, 3_000, "USD")),
            ],
            [
                Application("1", old, viewed: true, state: "invitation", history: new StateChange("invitation", old.AddDays(1))),
                Application("2", old, viewed: true, state: "discard", letter: LetterKind.Generated, history: new StateChange("discard", old.AddDays(2))),
                Application("3", old, source: "Remote"),
                Application("4", old.AddDays(7), source: "telegram", letter: LetterKind.Generated, viewed: true),
                Application("5", old.AddDays(7)) with { Status = ApplicationStatus.Skipped, SentAt = null },
            ],
            CancellationToken.None);

        Assert.Equal(
            ["2026-03-02|C# jobs|2", "2026-03-03|C# jobs|1", "2026-03-03|Remote|2"],
            (await Postgres.RowsAsync(cs, "SELECT day, query, new_vacancies FROM hh.new_vacancies_per_day ORDER BY day, query"))
                .Select(r => $"{Day(r[0]):yyyy-MM-dd}|{r[1]}|{r[2]}"));

        Assert.Equal(
            ["C# jobs|RUR|3|100000|300000|125000|250000|150000", "Remote|USD|1|2000|3000|2000|3000|2500"],
            (await Postgres.RowsAsync(cs, "SELECT query, currency, vacancies, lowest, highest, average_from, average_to, median FROM hh.salary_by_query ORDER BY query"))
                .Select(r => string.Join('|', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))));

        var week1 = DateOnly.FromDateTime(old.UtcDateTime.AddDays(-(((int)old.DayOfWeek + 6) % 7)));
        Assert.Equal(
            [$"{week1:yyyy-MM-dd}|3|2|1|1|1", $"{week1.AddDays(7):yyyy-MM-dd}|1|1|0|0|0"],
            (await Postgres.RowsAsync(cs, "SELECT week, applied, viewed, invited, rejected, silent FROM hh.application_funnel_per_week ORDER BY week"))
                .Select(r => $"{Day(r[0]):yyyy-MM-dd}|{r[1]}|{r[2]}|{r[3]}|{r[4]}|{r[5]}"));
        Assert.Equal(
            ["C# jobs|2|2|1|1|0", "Remote|1|0|0|0|1", "telegram|1|1|0|0|0"],
            (await Postgres.RowsAsync(cs, "SELECT source, applied, viewed, invited, rejected, silent FROM hh.application_funnel_per_source ORDER BY source"))
                .Select(r => string.Join('|', r)));
        Assert.Equal(
            ["generated|2|2|0|1|0", "template|2|1|1|0|1"],
            (await Postgres.RowsAsync(cs, "SELECT letter_kind, applied, viewed, invited, rejected, silent FROM hh.application_funnel_per_letter ORDER BY letter_kind"))
                .Select(r => string.Join('|', r)));
    }
}
