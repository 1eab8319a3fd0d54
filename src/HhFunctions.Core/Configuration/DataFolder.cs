namespace HhFunctions.Configuration;

/// <summary>
/// The embedded stores' folder (state, vacancies, applications, locks, the encrypted token pair and the Data
/// Protection keys), resolved once: Data__Path when it is absolute; otherwise Data__Path (default ".data") under the
/// app's content root (<see cref="IHostEnvironment.ContentRootPath"/>), never under the working directory. The
/// standalone host's content root is its project folder when it runs from a build in the source tree
/// (<c>dotnet run --project src/HhFunctions.Standalone</c> gives src/HhFunctions.Standalone/.data) and the app's own
/// folder when published, wherever it is started from; the Functions worker's is the function app's folder.
/// </summary>
public sealed class DataFolder
{
    public DataFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The folder, as an absolute path.</summary>
    public string Path { get; }

    /// <summary>A file or folder inside the data folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public override string ToString() => Path;

    /// <summary><paramref name="configured"/> (Data__Path; empty: the default ".data") resolved against <paramref name="contentRoot"/> unless absolute.</summary>
    public static DataFolder Resolve(string? configured, string contentRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentRoot);
        var path = string.IsNullOrWhiteSpace(configured) ? new DataOptions().Path : configured;
        return new DataFolder(System.IO.Path.GetFullPath(path, System.IO.Path.GetFullPath(contentRoot)));
    }

    /// <summary>
    /// The data folder of the app being composed: the one <see cref="ConfigurationExtensions.AddAppConfiguration"/>
    /// registered, or Data__Path from its configuration resolved against its content root.
    /// </summary>
    public static DataFolder Of(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Services.LastOrDefault(d => d.ServiceType == typeof(DataFolder))?.ImplementationInstance as DataFolder
            ?? Resolve(builder.Configuration[DataOptions.SectionName + ":" + nameof(DataOptions.Path)], builder.Environment.ContentRootPath);
    }
}
