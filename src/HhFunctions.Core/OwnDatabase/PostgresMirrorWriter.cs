using System.Text.Json;
using System.Text.Json.Serialization;
using HhFunctions.Applying;
using HhFunctions.Vacancies;
using Npgsql;
using NpgsqlTypes;

namespace HhFunctions.OwnDatabase;

/// <summary>A vacancy entry's payload: the app's record, and the hh.ru item as the watch read it (null for a back-fill).</summary>
public sealed record VacancyPayload(VacancyRecord Record, JsonElement? Raw);

/// <summary>
/// Upserts into the mirror's tables, keyed by hh.ru ids, one statement per table and batch (arrays unnested on
/// the server). A row is only ever replaced by a newer one (last_seen / updated_at), so entries that arrive twice
/// or out of order land once, as the newest.
/// </summary>
public static class PostgresMirrorWriter
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private const string UpsertVacancies = """
        INSERT INTO hh.vacancies AS v (id, name, employer, area, salary_from, salary_to, salary_currency, salary_gross, experience,
            schedule, employment, published_at, url, has_test, letter_required, archived, source_query, sources, first_seen, last_seen, raw)
        SELECT u.id, u.name, u.employer, u.area, u.salary_from, u.salary_to, u.salary_currency, u.salary_gross, u.experience,
            u.schedule, u.employment, u.published_at, u.url, u.has_test, u.letter_required, u.archived, u.sources[1],
            u.sources, u.first_seen, u.last_seen, u.raw::jsonb
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::text[], $8::boolean[], $9::text[],
            $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::boolean[], $15::boolean[], $16::boolean[], $17::text[],
            $18::timestamptz[], $19::timestamptz[], $20::text[])
            AS t(id, name, employer, area, salary_from, salary_to, salary_currency, salary_gross, experience, schedule, employment,
                 published_at, url, has_test, letter_required, archived, sources_json, first_seen, last_seen, raw)
        CROSS JOIN LATERAL (SELECT t.*, ARRAY(SELECT jsonb_array_elements_text(t.sources_json::jsonb)) AS sources) AS u
        ON CONFLICT (id) DO UPDATE SET
            name = EXCLUDED.name, employer = EXCLUDED.employer, area = EXCLUDED.area, salary_from = EXCLUDED.salary_from,
            salary_to = EXCLUDED.salary_to, salary_currency = EXCLUDED.salary_currency, salary_gross = EXCLUDED.salary_gross,
            experience = EXCLUDED.experience, schedule = EXCLUDED.schedule, employment = EXCLUDED.employment,
            published_at = EXCLUDED.published_at, url = EXCLUDED.url, has_test = EXCLUDED.has_test,
            letter_required = EXCLUDED.letter_required, archived = EXCLUDED.archived,
            source_query = coalesce(v.source_query, EXCLUDED.source_query), sources = EXCLUDED.sources,
            first_seen = least(v.first_seen, EXCLUDED.first_seen), last_seen = EXCLUDED.last_seen,
            raw = coalesce(EXCLUDED.raw, v.raw), mirrored_at = now()
        WHERE v.last_seen <= EXCLUDED.last_seen
        """;

    private const string UpsertApplications = """
        INSERT INTO hh.applications AS a (vacancy_id, negotiation_id, vacancy_name, employer, vacancy_url, source, resume_id, status,
            reason, letter_kind, attempts, state, viewed, viewed_at, has_updates, created_at, updated_at, sent_at, hh_created_at,
            hh_updated_at, raw)
        SELECT t.vacancy_id, t.negotiation_id, t.vacancy_name, t.employer, t.vacancy_url, t.source, t.resume_id, t.status, t.reason,
            t.letter_kind, t.attempts, t.state, t.viewed, t.viewed_at, t.has_updates, t.created_at, t.updated_at, t.sent_at,
            t.hh_created_at, t.hh_updated_at, t.raw::jsonb
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::text[], $11::integer[], $12::text[], $13::boolean[], $14::timestamptz[], $15::boolean[], $16::timestamptz[],
            $17::timestamptz[], $18::timestamptz[], $19::timestamptz[], $20::timestamptz[], $21::text[])
            AS t(vacancy_id, negotiation_id, vacancy_name, employer, vacancy_url, source, resume_id, status, reason, letter_kind,
                 attempts, state, viewed, viewed_at, has_updates, created_at, updated_at, sent_at, hh_created_at, hh_updated_at, raw)
        ON CONFLICT (vacancy_id) DO UPDATE SET
            negotiation_id = EXCLUDED.negotiation_id, vacancy_name = EXCLUDED.vacancy_name, employer = EXCLUDED.employer,
            vacancy_url = EXCLUDED.vacancy_url, source = EXCLUDED.source, resume_id = EXCLUDED.resume_id, status = EXCLUDED.status,
            reason = EXCLUDED.reason, letter_kind = EXCLUDED.letter_kind, attempts = EXCLUDED.attempts, state = EXCLUDED.state,
            viewed = EXCLUDED.viewed, viewed_at = EXCLUDED.viewed_at, has_updates = EXCLUDED.has_updates,
            created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, sent_at = EXCLUDED.sent_at,
            hh_created_at = EXCLUDED.hh_created_at, hh_updated_at = EXCLUDED.hh_updated_at, raw = EXCLUDED.raw, mirrored_at = now()
        WHERE a.updated_at <= EXCLUDED.updated_at
        """;

    private const string InsertStates = """
        INSERT INTO hh.application_states (vacancy_id, state, at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
        ON CONFLICT DO NOTHING
        """;

    private const string UpsertResponses = """
        INSERT INTO hh.responses AS r (topic_id, vacancy_id, vacancy_name, resume_id, stage, source, crm_kind, crm_id, first_seen_at, updated_at, raw)
        SELECT t.topic_id, t.vacancy_id, t.vacancy_name, t.resume_id, t.stage, t.source, t.crm_kind, t.crm_id, t.first_seen_at, t.updated_at, t.raw::jsonb
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::timestamptz[],
            $10::timestamptz[], $11::text[])
            AS t(topic_id, vacancy_id, vacancy_name, resume_id, stage, source, crm_kind, crm_id, first_seen_at, updated_at, raw)
        ON CONFLICT (topic_id) DO UPDATE SET
            vacancy_id = coalesce(EXCLUDED.vacancy_id, r.vacancy_id), vacancy_name = coalesce(EXCLUDED.vacancy_name, r.vacancy_name),
            resume_id = coalesce(EXCLUDED.resume_id, r.resume_id), stage = coalesce(EXCLUDED.stage, r.stage), source = coalesce(r.source, EXCLUDED.source),
            crm_kind = coalesce(EXCLUDED.crm_kind, r.crm_kind), crm_id = coalesce(EXCLUDED.crm_id, r.crm_id),
            first_seen_at = least(r.first_seen_at, EXCLUDED.first_seen_at), updated_at = EXCLUDED.updated_at, raw = EXCLUDED.raw, mirrored_at = now()
        WHERE r.updated_at <= EXCLUDED.updated_at
        """;

    private const string InsertStages = """
        INSERT INTO hh.response_stages (topic_id, stage, at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
        ON CONFLICT DO NOTHING
        """;

    /// <summary>Writes the entries in one transaction (unknown kinds are skipped: an older app's outbox never blocks a newer one).</summary>
    public static async Task WriteAsync(NpgsqlDataSource database, IReadOnlyList<MirrorEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var vacancies = entries.Where(e => e.Kind == MirrorKinds.Vacancy)
            .Select(e => JsonSerializer.Deserialize<VacancyPayload>(e.Payload, Json)!)
            .ToList();
        var applications = entries.Where(e => e.Kind == MirrorKinds.Application)
            .Select(e => JsonSerializer.Deserialize<ApplicationRecord>(e.Payload, Json)!)
            .ToList();
        var responses = entries.Where(e => e.Kind == MirrorKinds.Response)
            .Select(e => JsonSerializer.Deserialize<ResponseMirrorRecord>(e.Payload, Json)!)
            .ToList();
        await WriteAsync(database, vacancies, applications, responses, ct);
    }

    public static Task WriteAsync(NpgsqlDataSource database, IReadOnlyList<VacancyPayload> vacancies, IReadOnlyList<ApplicationRecord> applications, CancellationToken ct) =>
        WriteAsync(database, vacancies, applications, [], ct);

    public static async Task WriteAsync(NpgsqlDataSource database, IReadOnlyList<VacancyPayload> vacancies, IReadOnlyList<ApplicationRecord> applications, IReadOnlyList<ResponseMirrorRecord> responses, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(vacancies);
        ArgumentNullException.ThrowIfNull(applications);
        ArgumentNullException.ThrowIfNull(responses);
        if (vacancies.Count == 0 && applications.Count == 0 && responses.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (vacancies.Count > 0)
        {
            await WriteVacanciesAsync(connection, transaction, vacancies, ct);
        }

        if (applications.Count > 0)
        {
            await WriteApplicationsAsync(connection, transaction, applications, ct);
        }

        if (responses.Count > 0)
        {
            await WriteResponsesAsync(connection, transaction, responses, ct);
        }

        await transaction.CommitAsync(ct);
    }

    private static async Task WriteResponsesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ResponseMirrorRecord> records, CancellationToken ct)
    {
        // Every stage seen goes to the history; the row keeps the newest.
        var stages = records.Where(r => r.Stage is not null).Select(r => (r.TopicId, Stage: r.Stage!, r.UpdatedAt)).Distinct().ToList();
        var rows = records.GroupBy(r => r.TopicId, StringComparer.Ordinal).Select(g => g.OrderByDescending(r => r.UpdatedAt).First()).ToList();
        await using (var command = new NpgsqlCommand(UpsertResponses, connection, transaction))
        {
            Add(command, rows.Select(r => r.TopicId));
            Add(command, rows.Select(r => r.VacancyId));
            Add(command, rows.Select(r => r.VacancyName));
            Add(command, rows.Select(r => r.ResumeId));
            Add(command, rows.Select(r => r.Stage));
            Add(command, rows.Select(r => r.Source));
            Add(command, rows.Select(r => r.CrmKind));
            Add(command, rows.Select(r => r.CrmId));
            Add(command, rows.Select(r => r.FirstSeenAt.UtcDateTime));
            Add(command, rows.Select(r => r.UpdatedAt.UtcDateTime));
            Add(command, rows.Select(r => StripNulls(JsonSerializer.Serialize(r, Json))));
            await command.ExecuteNonQueryAsync(ct);
        }

        if (stages.Count > 0)
        {
            await using var command = new NpgsqlCommand(InsertStages, connection, transaction);
            Add(command, stages.Select(s => s.TopicId));
            Add(command, stages.Select(s => s.Stage));
            Add(command, stages.Select(s => s.UpdatedAt.UtcDateTime));
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task WriteVacanciesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<VacancyPayload> payloads, CancellationToken ct)
    {
        // One row per id in a statement (ON CONFLICT may touch a row once): the newest sighting, with a raw item if any has one.
        var rows = payloads.GroupBy(p => p.Record.Id, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(p => p.Record.LastSeen).ThenByDescending(p => p.Raw.HasValue).First())
            .ToList();
        await using var command = new NpgsqlCommand(UpsertVacancies, connection, transaction);
        Add(command, rows.Select(p => p.Record.Id));
        Add(command, rows.Select(p => p.Record.Name));
        Add(command, rows.Select(p => p.Record.Employer));
        Add(command, rows.Select(p => p.Record.Area));
        Add(command, rows.Select(p => p.Record.SalaryFrom));
        Add(command, rows.Select(p => p.Record.SalaryTo));
        Add(command, rows.Select(p => p.Record.Currency));
        Add(command, rows.Select(p => p.Record.Gross));
        Add(command, rows.Select(p => p.Record.Experience));
        Add(command, rows.Select(p => p.Record.Schedule));
        Add(command, rows.Select(p => p.Record.Employment));
        Add(command, rows.Select(p => p.Record.PublishedAt?.UtcDateTime));
        Add(command, rows.Select(p => p.Record.Url));
        Add(command, rows.Select(p => p.Record.HasTest));
        Add(command, rows.Select(p => p.Record.ResponseLetterRequired));
        Add(command, rows.Select(p => p.Record.Archived));
        Add(command, rows.Select(p => JsonSerializer.Serialize(p.Record.Sources, Json)));
        Add(command, rows.Select(p => p.Record.FirstSeen.UtcDateTime));
        Add(command, rows.Select(p => p.Record.LastSeen.UtcDateTime));
        Add(command, rows.Select(p => p.Raw is { } raw ? StripNulls(raw.GetRawText()) : null));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task WriteApplicationsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ApplicationRecord> records, CancellationToken ct)
    {
        var rows = records.GroupBy(r => r.VacancyId, StringComparer.Ordinal).Select(g => g.OrderByDescending(r => r.UpdatedAt).First()).ToList();
        await using (var command = new NpgsqlCommand(UpsertApplications, connection, transaction))
        {
            Add(command, rows.Select(r => r.VacancyId));
            Add(command, rows.Select(r => r.NegotiationId));
            Add(command, rows.Select(r => r.VacancyName));
            Add(command, rows.Select(r => r.Employer));
            Add(command, rows.Select(r => r.VacancyUrl));
            Add(command, rows.Select(r => r.Source));
            Add(command, rows.Select(r => r.ResumeId));
            Add(command, rows.Select(r => r.Status.ToString()));
            Add(command, rows.Select(r => r.Reason));
            Add(command, rows.Select(r => FunnelReport.LetterKey(r.Letter)));
            Add(command, rows.Select(r => r.Attempts));
            Add(command, rows.Select(r => r.State));
            Add(command, rows.Select(r => r.ViewedByEmployer));
            Add(command, rows.Select(r => r.ViewedAt?.UtcDateTime));
            Add(command, rows.Select(r => r.HasUpdates));
            Add(command, rows.Select(r => r.CreatedAt.UtcDateTime));
            Add(command, rows.Select(r => r.UpdatedAt.UtcDateTime));
            Add(command, rows.Select(r => r.SentAt?.UtcDateTime));
            Add(command, rows.Select(r => r.HhCreatedAt?.UtcDateTime));
            Add(command, rows.Select(r => r.HhUpdatedAt?.UtcDateTime));
            Add(command, rows.Select(r => StripNulls(JsonSerializer.Serialize(r, Json))));
            await command.ExecuteNonQueryAsync(ct);
        }

        var states = rows.SelectMany(r => r.History.Select(h => (r.VacancyId, h.State, h.At))).Distinct().ToList();
        if (states.Count > 0)
        {
            await using var command = new NpgsqlCommand(InsertStates, connection, transaction);
            Add(command, states.Select(s => s.VacancyId));
            Add(command, states.Select(s => s.State));
            Add(command, states.Select(s => s.At.UtcDateTime));
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static void Add<T>(NpgsqlCommand command, IEnumerable<T> values) =>
        command.Parameters.Add(new NpgsqlParameter<T[]> { TypedValue = values.ToArray() });

    /// <summary>jsonb refuses the NUL character (\u0000) that text from the web now and then carries.</summary>
    private static string StripNulls(string json) => json.Replace("\\u0000", string.Empty, StringComparison.Ordinal);
}
