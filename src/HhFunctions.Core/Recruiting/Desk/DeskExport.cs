using System.Globalization;
using System.Text.Json;
using CsvHelper;
using HhFunctions.Bitrix24;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>
/// Every response written into Bitrix24, as CSV (UTF-8 with BOM, RFC 4180, CsvHelper, formula-like text escaped) or
/// JSON: ids, vacancy, hh.ru state, funnel step, times and the CRM record's link; nothing personal (the store keeps
/// nothing personal once a response is written). Newest first.
/// </summary>
public sealed class DeskExport(IRecruitingStore store, IOptions<Bitrix24Options> crmOptions, TimeProvider time)
{
    public static readonly string[] Columns =
    [
        "topic_id", "vacancy_id", "vacancy", "hh_stage", "funnel_step", "source", "first_seen_at", "written_at", "crm_kind", "crm_id", "crm_url",
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed record Row(
        string TopicId, string? VacancyId, string? Vacancy, string? HhStage, string FunnelStep, string? Source,
        DateTimeOffset FirstSeenAt, DateTimeOffset? WrittenAt, string? CrmKind, long? CrmId, string? CrmUrl);

    public async Task<IReadOnlyList<Row>> RowsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var names = (await store.ListVacanciesAsync(ct)).Where(v => v.Name is not null).ToDictionary(v => v.VacancyId, v => v.Name!, StringComparer.Ordinal);
        var portal = DeskService.PortalBase(crmOptions.Value.WebhookUrl);
        return [.. (await store.ListTopicsAsync(ct))
            .Where(t => t.Status == TopicStatus.Written)
            .OrderByDescending(t => t.WrittenAt ?? t.UpdatedAt).ThenBy(t => t.TopicId, StringComparer.Ordinal)
            .Select(t => new Row(
                t.TopicId, t.VacancyId, t.VacancyId is { } v && names.TryGetValue(v, out var n) ? n : null, t.HhStage,
                DeskFunnel.StepOf(t.HhStage, t.FirstSeenAt, now), t.Source, t.FirstSeenAt, t.WrittenAt, t.CrmKind, t.CrmId,
                DeskService.RecordUrl(portal, t)))];
    }

    public async Task<byte[]> CsvAsync(CancellationToken ct) => Csv(await RowsAsync(ct));

    public async Task<string> JsonAsync(CancellationToken ct) => JsonSerializer.Serialize(await RowsAsync(ct), Json);

    public static byte[] Csv(IReadOnlyList<Row> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var stream = new MemoryStream((rows.Count * 160) + 1024);
        using (var csv = CsvWriter.Create(stream, new CsvWriterOptions { WriteByteOrderMark = true, Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            csv.WriteHeader(Columns);
            foreach (var r in rows)
            {
                csv.WriteRecord([
                    r.TopicId, r.VacancyId ?? string.Empty, r.Vacancy ?? string.Empty, r.HhStage ?? string.Empty, r.FunnelStep, r.Source ?? string.Empty,
                    Iso(r.FirstSeenAt), Iso(r.WrittenAt), r.CrmKind ?? string.Empty, r.CrmId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, r.CrmUrl ?? string.Empty]);
            }

            csv.Flush();
        }

        return stream.ToArray();
    }

    private static string Iso(DateTimeOffset? t) => t is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : string.Empty;
}
