using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using HhFunctions.State;

namespace HhFunctions.Vacancies;

/// <summary>
/// Every stored vacancy as CSV (UTF-8 with a byte order mark, RFC 4180, written by CsvHelper, text that a
/// spreadsheet would run as a formula escaped) or JSON, newest first.
/// </summary>
public sealed class VacancyExport(IVacancyStore store)
{
    public static readonly string[] Columns =
    [
        "id", "name", "employer", "area", "salary_from", "salary_to", "currency", "gross", "experience", "schedule", "employment",
        "published_at", "url", "has_test", "response_letter_required", "archived", "hidden", "sources", "first_seen", "last_seen",
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public async Task<(IReadOnlyList<VacancyRecord> Records, IReadOnlySet<string> Hidden)> ReadAllAsync(CancellationToken ct)
    {
        var records = (await store.ListAsync(null, ct)).OrderByDescending(r => r.PublishedAt ?? r.FirstSeen).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        return (records, await store.GetHiddenAsync(ct));
    }

    public async Task<string> CsvAsync(CancellationToken ct)
    {
        var (records, hidden) = await ReadAllAsync(ct);
        return Csv(records, hidden);
    }

    public async Task<string> JsonAsync(CancellationToken ct)
    {
        var (records, hidden) = await ReadAllAsync(ct);
        return JsonSerializer.Serialize(records.Select(r => new ExportRow(r, hidden.Contains(r.Id))), Json);
    }

    /// <summary>The CSV text, starting with U+FEFF (written as the UTF-8 byte order mark).</summary>
    public static string Csv(IReadOnlyList<VacancyRecord> records, IReadOnlySet<string> hidden)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(hidden);
        using var buffer = new MemoryStream(records.Count * 320 + 1024);
        using (var csv = CsvWriter.Create(buffer, CsvWriterOptions.Default with { WriteByteOrderMark = true, TrueValue = "true", FalseValue = "false", Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            csv.WriteHeader(Columns);
            foreach (var r in records)
            {
                csv.WriteField(r.Id);
                csv.WriteField(r.Name);
                csv.WriteField(r.Employer);
                csv.WriteField(r.Area);
                csv.WriteField(r.SalaryFrom, default);
                csv.WriteField(r.SalaryTo, default);
                csv.WriteField(r.Currency);
                csv.WriteField(r.Gross is { } g ? (g ? "true" : "false") : null);
                csv.WriteField(r.Experience);
                csv.WriteField(r.Schedule);
                csv.WriteField(r.Employment);
                csv.WriteField(Time(r.PublishedAt));
                csv.WriteField(r.Url);
                csv.WriteField(r.HasTest);
                csv.WriteField(r.ResponseLetterRequired);
                csv.WriteField(r.Archived);
                csv.WriteField(hidden.Contains(r.Id));
                csv.WriteField(string.Join("; ", r.Sources));
                csv.WriteField(Time(r.FirstSeen));
                csv.WriteField(Time(r.LastSeen));
                csv.EndRecord();
            }
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string? Time(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record ExportRow(
        string Id, string Name, string? Employer, string? Area, decimal? SalaryFrom, decimal? SalaryTo, string? Currency, bool? Gross,
        string? Experience, string? Schedule, string? Employment, DateTimeOffset? PublishedAt, string? Url, bool HasTest,
        bool ResponseLetterRequired, bool Archived, bool Hidden, IReadOnlyList<string> Sources, DateTimeOffset FirstSeen, DateTimeOffset LastSeen)
    {
        public ExportRow(VacancyRecord r, bool hidden)
            : this(r.Id, r.Name, r.Employer, r.Area, r.SalaryFrom, r.SalaryTo, r.Currency, r.Gross, r.Experience, r.Schedule, r.Employment,
                r.PublishedAt, r.Url, r.HasTest, r.ResponseLetterRequired, r.Archived, hidden, r.Sources, r.FirstSeen, r.LastSeen)
        {
        }
    }
}
