using Microsoft.Extensions.Configuration.Json;

namespace HhFunctions.Standalone;

/// <summary>
/// Where the standalone host reads its settings files and keeps its data folder (Data__Path, default ".data"),
/// whatever the working directory: its content root.
/// </summary>
public static class AppFolder
{
    /// <summary>The optional settings file for a first run (copy appsettings.Local.example.json); ignored by git.</summary>
    public const string LocalSettingsFile = "appsettings.Local.json";

    private const string ProjectFile = "HhFunctions.Standalone.csproj";

    /// <summary>
    /// The content root: the project folder (src/HhFunctions.Standalone) when the app runs from a build in the source
    /// tree (bin/{Configuration}/{framework}[/{runtime}]), as with <c>dotnet run --project src/HhFunctions.Standalone</c>
    /// from any folder; otherwise the folder the app's files are in (a published app). Null when the user chose one
    /// (--contentRoot, ASPNETCORE_CONTENTROOT or DOTNET_CONTENTROOT), so that choice stands.
    /// </summary>
    public static string? ContentRoot(string[] args, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT")))
        {
            return null;
        }

        var folder = new DirectoryInfo(baseDirectory);
        for (var depth = 0; depth < 5 && folder is not null; depth++, folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, ProjectFile)))
            {
                return folder.FullName;
            }
        }

        return baseDirectory;
    }

    /// <summary>
    /// Reads <see cref="LocalSettingsFile"/> from the content root when it exists: after appsettings.json and
    /// appsettings.{Environment}.json, before environment variables and the command line (which still win).
    /// </summary>
    public static void AddLocalSettings(ConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sources = configuration.Sources;
        var lastJson = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            {
                lastJson = i;
            }
        }

        var local = new JsonConfigurationSource { Path = LocalSettingsFile, Optional = true, ReloadOnChange = false };
        if (lastJson < 0)
        {
            ((IConfigurationBuilder)configuration).Add(local);
        }
        else
        {
            sources.Insert(lastJson + 1, local);
        }
    }
}
