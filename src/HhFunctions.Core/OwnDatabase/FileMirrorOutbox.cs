using System.Globalization;
using System.Text.Json;
using HhFunctions.Configuration;
using HhFunctions.State;

namespace HhFunctions.OwnDatabase;

/// <summary>
/// The outbox under {Data__Path}/mirror: one JSON file per batch added ("{ticks}-{guid}-{count}.json", so names sort
/// oldest first and the count needs no read), removed once PostgreSQL has the batch; the mirror's state in state.json.
/// </summary>
public sealed class FileMirrorOutbox : IMirrorOutbox, IDisposable
{
    private const string StateFile = "state.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly JsonFileFolder _files;
    private readonly TimeProvider _time;
    private readonly string _outbox;

    public FileMirrorOutbox(DataFolder data, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(data);
        _files = new JsonFileFolder(data.Combine("mirror"), ".lock", Json, "mirror");
        _outbox = Path.Combine(_files.Folder, "outbox");
        _time = time;
    }

    public async Task AddAsync(IReadOnlyList<MirrorEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(_outbox);
            var name = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow().UtcTicks:D19}-{Guid.NewGuid():N}-{entries.Count}.json");
            var temp = Path.Combine(_outbox, name + ".tmp");
            await using (var stream = File.Create(temp))
            {
                await JsonSerializer.SerializeAsync(stream, entries, Json, ct);
            }

            File.Move(temp, Path.Combine(_outbox, name));
        }
        catch (IOException ex)
        {
            throw new StateStoreException("The mirror's outbox under the data folder cannot be written: " + ex.Message, ex);
        }
    }

    public async Task<IReadOnlyList<OutboxItem>> PeekAsync(int max, CancellationToken ct)
    {
        var items = new List<OutboxItem>();
        foreach (var file in Files())
        {
            if (items.Count >= max)
            {
                break;
            }

            List<MirrorEntry>? entries;
            try
            {
                await using var stream = File.OpenRead(file);
                entries = await JsonSerializer.DeserializeAsync<List<MirrorEntry>>(stream, Json, ct);
            }
            catch (FileNotFoundException)
            {
                continue; // taken by another drain meanwhile
            }
            catch (JsonException)
            {
                // A damaged file is set aside, not retried for ever.
                File.Move(file, file + ".damaged", overwrite: true);
                continue;
            }

            items.AddRange((entries ?? []).Select(e => new OutboxItem(file, e)));
        }

        return items;
    }

    public Task RemoveAsync(IReadOnlyList<OutboxItem> items, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var file in items.Select(i => i.Handle).Distinct(StringComparer.Ordinal))
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }

    public Task<int> CountAsync(CancellationToken ct) =>
        Task.FromResult(Files().Sum(f => int.TryParse(Path.GetFileNameWithoutExtension(f).Split('-')[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0));

    public Task<MirrorState> GetStateAsync(CancellationToken ct) =>
        _files.LockedAsync(async () => await _files.ReadAsync<MirrorState>(StateFile, ct) ?? MirrorState.Empty, ct);

    public Task SaveStateAsync(MirrorState state, CancellationToken ct) =>
        _files.LockedAsync(async () =>
        {
            await _files.WriteAsync(StateFile, state, ct);
            return true;
        }, ct);

    public void Dispose() => _files.Dispose();

    private IEnumerable<string> Files() =>
        Directory.Exists(_outbox)
            ? Directory.EnumerateFiles(_outbox, "*.json").Order(StringComparer.Ordinal)
            : [];
}
