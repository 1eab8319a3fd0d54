using HhFunctions.OwnDatabase;
using HhFunctions.Tests.Infrastructure;
using Npgsql;

namespace HhFunctions.Tests.OwnDatabase;

/// <summary>The mirror's schema against a real PostgreSQL server (tests/postgres.sh).</summary>
public sealed class PostgresSchemaTests
{
    [Fact]
    public async Task MigrateAsync_EmptyDatabase_CreatesTablesAndViewsThenSecondStartChangesNothing()
    {
        var cs = await Postgres.NewDatabaseAsync();
        await using var database = NpgsqlDataSource.Create(cs);

        var first = await PostgresSchema.MigrateAsync(database, CancellationToken.None);
        var objects = await Postgres.RowsAsync(cs, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'hh' ORDER BY 1");
        var appliedAt = await Postgres.RowsAsync(cs, "SELECT version, applied_at FROM hh.schema_versions ORDER BY 1");
        var second = await PostgresSchema.MigrateAsync(database, CancellationToken.None);

        Assert.Equal([1, 2, 3], first);
        Assert.Empty(second);
        Assert.Equal(
            ["application_funnel_per_letter", "application_funnel_per_source", "application_funnel_per_week", "application_outcomes", "application_states",
             "applications", "new_vacancies_per_day", "response_stages", "responses", "salary_by_query", "schema_versions", "vacancies"],
            objects.Select(r => (string)r[0]!));
        Assert.Equal(appliedAt.Select(r => r[1]), (await Postgres.RowsAsync(cs, "SELECT version, applied_at FROM hh.schema_versions ORDER BY 1")).Select(r => r[1]));
    }

    [Fact]
    public async Task MigrateAsync_FourInstancesAtOnce_EachScriptRunsOnceAndNoneFails()
    {
        var cs = await Postgres.NewDatabaseAsync();
        var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(cs)).ToList();
        try
        {
            using var start = new Barrier(4);
            var runs = sources.Select(s => Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return await PostgresSchema.MigrateAsync(s, CancellationToken.None);
            })).ToList();
            var applied = await Task.WhenAll(runs);

            Assert.Equal([1, 2, 3], applied.SelectMany(a => a).Order());
            Assert.Equal(3L, await Postgres.ScalarAsync<long>(cs, "SELECT count(*) FROM hh.schema_versions"));
        }
        finally
        {
            foreach (var s in sources)
            {
                await s.DisposeAsync();
            }
        }
    }
}
