using System.Text.Json;

namespace HhFunctions.State;

/// <summary>
/// One folder of an embedded store's JSON files: each change runs under an in-process gate and a cross-process
/// file lock, and each file is written atomically (temp file + rename), so a crash never leaves half a file.
/// </summary>
public sealed class JsonFileFolder(string folder, string lockFile, JsonSerializerOptions json, string kind) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Folder => folder;

    /// <summary>Runs <paramref name="body"/> holding the folder's locks; <see cref="ReadAsync"/> and <see cref="WriteAsync"/> belong inside it.</summary>
    public async Task<T> LockedAsync<T>(Func<Task<T>> body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        await _gate.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(folder);
            using var fileLock = await FileLock.AcquireAsync(Path.Combine(folder, lockFile), Timeout.InfiniteTimeSpan, TimeProvider.System, ct);
            return await body();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The file's content, or default when it does not exist; a file that is not JSON is a <see cref="StateStoreException"/>.</summary>
    public async Task<T?> ReadAsync<T>(string file, CancellationToken ct)
    {
        var path = Path.Combine(folder, file);
        if (!File.Exists(path))
        {
            return default;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<T>(stream, json, ct);
        }
        catch (JsonException ex)
        {
            throw new StateStoreException($"The {kind} file {path} is not valid JSON; move it away to start fresh.", ex);
        }
    }

    /// <summary>The file's bytes, or null when it does not exist.</summary>
    public async Task<byte[]?> ReadBytesAsync(string file, CancellationToken ct)
    {
        var path = Path.Combine(folder, file);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, ct) : null;
    }

    public Task WriteAsync<T>(string file, T value, CancellationToken ct) =>
        ReplaceAsync(file, stream => JsonSerializer.SerializeAsync(stream, value, json, ct));

    /// <summary>Writes <paramref name="bytes"/> as the file, as <see cref="WriteAsync"/> does.</summary>
    public Task WriteBytesAsync(string file, byte[] bytes, CancellationToken ct) =>
        ReplaceAsync(file, stream => stream.WriteAsync(bytes, ct).AsTask());

    /// <summary>The file replaced atomically: written to a temp file beside it, then renamed over it.</summary>
    private async Task ReplaceAsync(string file, Func<Stream, Task> write)
    {
        var path = Path.Combine(folder, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // the folder, or a subfolder of it (recruiting's topics/, people/)
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await using (var stream = File.Create(temp))
        {
            await write(stream);
        }

        File.Move(temp, path, overwrite: true);
    }

    public void Dispose() => _gate.Dispose();
}
