using Npgsql;

namespace HhFunctions.OwnDatabase;

/// <summary>
/// The mirror's schema "hh", created and migrated by numbered scripts (docs/own-database.md). Each start runs
/// <see cref="MigrateAsync"/>: under a PostgreSQL advisory lock (so two instances starting at once take turns),
/// the scripts not yet in hh.schema_versions run in order, each in its own transaction with its version row.
/// A database that is up to date is left as it is.
/// </summary>
public static class PostgresSchema
{
    /// <summary>The advisory lock key: any fixed number, the same in every instance ("hhmirror" in ASCII).</summary>
    public const long MigrationLockKey = 0x68686d6972726f72;

    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } =
    [
        (1, "tables", """
            CREATE TABLE hh.vacancies (
                id              text PRIMARY KEY,
                name            text NOT NULL,
                employer        text,
                area            text,
                salary_from     numeric,
                salary_to       numeric,
                salary_currency text,
                salary_gross    boolean,
                experience      text,
                schedule        text,
                employment      text,
                published_at    timestamptz,
                url             text,
                has_test        boolean NOT NULL DEFAULT false,
                letter_required boolean NOT NULL DEFAULT false,
                archived        boolean NOT NULL DEFAULT false,
                source_query    text,
                sources         text[] NOT NULL DEFAULT '{}',
                first_seen      timestamptz NOT NULL,
                last_seen       timestamptz NOT NULL,
                raw             jsonb,
                mirrored_at     timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX vacancies_first_seen ON hh.vacancies (first_seen);
            CREATE INDEX vacancies_source_query ON hh.vacancies (source_query);

            CREATE TABLE hh.applications (
                vacancy_id     text PRIMARY KEY,
                negotiation_id text,
                vacancy_name   text,
                employer       text,
                vacancy_url    text,
                source         text,
                resume_id      text,
                status         text NOT NULL,
                reason         text,
                letter_kind    text NOT NULL,
                attempts       integer NOT NULL,
                state          text,
                viewed         boolean NOT NULL,
                viewed_at      timestamptz,
                has_updates    boolean NOT NULL,
                created_at     timestamptz NOT NULL,
                updated_at     timestamptz NOT NULL,
                sent_at        timestamptz,
                hh_created_at  timestamptz,
                hh_updated_at  timestamptz,
                raw            jsonb NOT NULL,
                mirrored_at    timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX applications_sent_at ON hh.applications (sent_at);

            CREATE TABLE hh.application_states (
                vacancy_id text NOT NULL,
                state      text NOT NULL,
                at         timestamptz NOT NULL,
                PRIMARY KEY (vacancy_id, state, at)
            );
            """),
        (2, "views", """
            CREATE VIEW hh.new_vacancies_per_day AS
            SELECT (first_seen AT TIME ZONE 'UTC')::date AS day, coalesce(source_query, '') AS query, count(*) AS new_vacancies
            FROM hh.vacancies
            GROUP BY 1, 2;

            CREATE VIEW hh.salary_by_query AS
            SELECT q.query,
                   v.salary_currency AS currency,
                   count(*) AS vacancies,
                   min(coalesce(v.salary_from, v.salary_to)) AS lowest,
                   max(coalesce(v.salary_to, v.salary_from)) AS highest,
                   round(avg(v.salary_from)) AS average_from,
                   round(avg(v.salary_to)) AS average_to,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY coalesce((v.salary_from + v.salary_to) / 2, v.salary_from, v.salary_to)) AS median
            FROM hh.vacancies v
            CROSS JOIN LATERAL unnest(v.sources) AS q(query)
            WHERE v.salary_from IS NOT NULL OR v.salary_to IS NOT NULL
            GROUP BY 1, 2;

            -- One row per application hh.ru has, with its outcome. Silent: sent 14 days ago or more with no view,
            -- answer or message (the funnel page's rule with its default Apply__SilentAfter).
            CREATE VIEW hh.application_outcomes AS
            SELECT a.vacancy_id,
                   coalesce(a.sent_at, a.created_at) AS sent_at,
                   date_trunc('week', coalesce(a.sent_at, a.created_at) AT TIME ZONE 'UTC')::date AS week,
                   coalesce(a.source, 'unknown') AS source,
                   a.letter_kind,
                   a.viewed,
                   (a.state = 'invitation' OR EXISTS (SELECT 1 FROM hh.application_states s WHERE s.vacancy_id = a.vacancy_id AND s.state = 'invitation')) AS invited,
                   (a.state = 'discard' OR EXISTS (SELECT 1 FROM hh.application_states s WHERE s.vacancy_id = a.vacancy_id AND s.state = 'discard')) AS rejected,
                   a.state
            FROM hh.applications a
            WHERE a.status = 'Sent';

            CREATE VIEW hh.application_funnel_per_week AS
            SELECT week, count(*) AS applied, count(*) FILTER (WHERE viewed) AS viewed,
                   count(*) FILTER (WHERE invited) AS invited, count(*) FILTER (WHERE rejected) AS rejected,
                   count(*) FILTER (WHERE NOT viewed AND NOT invited AND NOT rejected AND sent_at <= now() - interval '14 days') AS silent
            FROM hh.application_outcomes GROUP BY week;

            CREATE VIEW hh.application_funnel_per_source AS
            SELECT source, count(*) AS applied, count(*) FILTER (WHERE viewed) AS viewed,
                   count(*) FILTER (WHERE invited) AS invited, count(*) FILTER (WHERE rejected) AS rejected,
                   count(*) FILTER (WHERE NOT viewed AND NOT invited AND NOT rejected AND sent_at <= now() - interval '14 days') AS silent
            FROM hh.application_outcomes GROUP BY source;

            CREATE VIEW hh.application_funnel_per_letter AS
            SELECT letter_kind, count(*) AS applied, count(*) FILTER (WHERE viewed) AS viewed,
                   count(*) FILTER (WHERE invited) AS invited, count(*) FILTER (WHERE rejected) AS rejected,
                   count(*) FILTER (WHERE NOT viewed AND NOT invited AND NOT rejected AND sent_at <= now() - interval '14 days') AS silent
            FROM hh.application_outcomes GROUP BY letter_kind;
            """),
        (3, "responses", """
            -- For recruiting responses (the employer's side): one row per hh.ru response (topic), its stage history.
            CREATE TABLE hh.responses (
                topic_id      text PRIMARY KEY,
                vacancy_id    text,
                vacancy_name  text,
                resume_id     text,
                stage         text,
                source        text,
                crm_kind      text,
                crm_id        bigint,
                first_seen_at timestamptz NOT NULL,
                updated_at    timestamptz NOT NULL,
                raw           jsonb NOT NULL,
                mirrored_at   timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX responses_vacancy ON hh.responses (vacancy_id);

            CREATE TABLE hh.response_stages (
                topic_id text NOT NULL,
                stage    text NOT NULL,
                at       timestamptz NOT NULL,
                PRIMARY KEY (topic_id, stage, at)
            );
            """),
    ];

    /// <summary>Brings the schema up to date; returns the versions this call applied (none when already current).</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource database, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(" + MigrationLockKey + ")", ct);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE SCHEMA IF NOT EXISTS hh;
                CREATE TABLE IF NOT EXISTS hh.schema_versions (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
                """, ct);
            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("SELECT version FROM hh.schema_versions", connection))
            await using (var reader = await read.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var done = new List<int>();
            foreach (var (version, name, sql) in Scripts.Where(s => !applied.Contains(s.Version)).OrderBy(s => s.Version))
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, transaction, sql, ct);
                await using (var record = new NpgsqlCommand("INSERT INTO hh.schema_versions (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter { Value = version });
                    record.Parameters.Add(new NpgsqlParameter { Value = name });
                    await record.ExecuteNonQueryAsync(ct);
                }

                await transaction.CommitAsync(ct);
                done.Add(version);
            }

            return done;
        }
        finally
        {
            await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(" + MigrationLockKey + ")", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }
}
