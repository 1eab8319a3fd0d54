using HhFunctions.Configuration;
using HhFunctions.Standalone;
using Microsoft.Extensions.Configuration;

namespace HhFunctions.Tests.Configuration;

/// <summary>One data folder, wherever the app is started from: Data__Path resolved once against the content root.</summary>
public sealed class DataFolderTests
{
    [Fact]
    public async Task StandaloneProcess_StartedFromTwoWorkingDirectories_UsesOneDataFolder()
    {
        var relative = "hhfunctions-data-" + Guid.NewGuid().ToString("N");
        var first = Directory.CreateTempSubdirectory("hhfunctions-cwd-");
        var second = Directory.CreateTempSubdirectory("hhfunctions-cwd-");
        try
        {
            var fromFirst = await StandaloneProcess.DataFolderAsync(WithDataPath(StandaloneProcess.StartInfo(first.FullName), relative));
            var fromSecond = await StandaloneProcess.DataFolderAsync(WithDataPath(StandaloneProcess.StartInfo(second.FullName), relative));

            Assert.Equal(fromFirst, fromSecond);
            Assert.True(Path.IsPathFullyQualified(fromFirst), fromFirst);
            Assert.DoesNotContain(first.FullName, fromFirst, StringComparison.Ordinal);
            Assert.DoesNotContain(second.FullName, fromSecond, StringComparison.Ordinal);

            // The tests' build folder holds no project file: the app's own folder is its content root, as when published.
            Assert.Equal(Path.Combine(Path.GetFullPath(AppContext.BaseDirectory), relative), fromFirst);
        }
        finally
        {
            first.Delete(recursive: true);
            second.Delete(recursive: true);
            var created = Path.Combine(AppContext.BaseDirectory, relative);
            if (Directory.Exists(created))
            {
                Directory.Delete(created, recursive: true);
            }
        }
    }

    [Fact]
    public void Resolve_DefaultRelativeAndAbsolute_AgainstTheContentRootNotTheWorkingDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "hhfunctions-root");
        var absolute = Path.Combine(Path.GetTempPath(), "hhfunctions-elsewhere");

        Assert.Equal(Path.Combine(root, ".data"), DataFolder.Resolve(null, root).Path);
        Assert.Equal(Path.Combine(root, ".data"), DataFolder.Resolve(" ", root).Path);
        Assert.Equal(Path.Combine(root, "state-here"), DataFolder.Resolve("state-here", root).Path);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "up"), DataFolder.Resolve("../up", root).Path);
        Assert.Equal(absolute, DataFolder.Resolve(absolute, root).Path);
    }

    [Fact]
    public void ContentRoot_BuildInTheSourceTree_IsTheProjectFolder_PublishedApp_IsItsOwnFolder()
    {
        var tree = Directory.CreateTempSubdirectory("hhfunctions-tree-");
        try
        {
            var project = Directory.CreateDirectory(Path.Combine(tree.FullName, "src", "HhFunctions.Standalone"));
            File.WriteAllText(Path.Combine(project.FullName, "HhFunctions.Standalone.csproj"), "<Project />");
            var build = Directory.CreateDirectory(Path.Combine(project.FullName, "bin", "Debug", "net10.0"));
            var ridBuild = Directory.CreateDirectory(Path.Combine(project.FullName, "bin", "Release", "net10.0", "linux-x64"));
            var published = Directory.CreateDirectory(Path.Combine(tree.FullName, "publish"));

            Assert.Equal(project.FullName, AppFolder.ContentRoot([], build.FullName));
            Assert.Equal(project.FullName, AppFolder.ContentRoot([], ridBuild.FullName));
            Assert.Equal(published.FullName, AppFolder.ContentRoot([], published.FullName));
            Assert.Null(AppFolder.ContentRoot(["--contentRoot", published.FullName], build.FullName)); // the user's choice stands
            Assert.Null(AppFolder.ContentRoot(["--contentroot=/srv/hh"], build.FullName));
        }
        finally
        {
            tree.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task StandaloneProcess_ReadsAppSettingsLocalJsonFromItsContentRoot()
    {
        var root = Directory.CreateTempSubdirectory("hhfunctions-root-");
        var cwd = Directory.CreateTempSubdirectory("hhfunctions-cwd-");
        try
        {
            await File.WriteAllTextAsync(
                Path.Combine(root.FullName, AppFolder.LocalSettingsFile),
                """
                // comments are allowed, as in appsettings.Local.example.json
                { "Data": { "Path": "from-local-file" } }
                """);

            var folder = await StandaloneProcess.DataFolderAsync(StandaloneProcess.StartInfo(cwd.FullName, "--contentRoot", root.FullName));

            Assert.Equal(Path.Combine(root.FullName, "from-local-file"), folder);
        }
        finally
        {
            root.Delete(recursive: true);
            cwd.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task StandaloneProcess_EnvironmentVariableBeatsTheLocalFile()
    {
        var root = Directory.CreateTempSubdirectory("hhfunctions-root-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root.FullName, AppFolder.LocalSettingsFile), """{ "Data": { "Path": "from-local-file" } }""");
            var start = WithDataPath(StandaloneProcess.StartInfo(root.FullName, "--contentRoot", root.FullName), "from-environment");

            var folder = await StandaloneProcess.DataFolderAsync(start);

            Assert.Equal(Path.Combine(root.FullName, "from-environment"), folder);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void ExampleSettings_AreValidJsonWithTheFirstSettings()
    {
        var example = Path.Combine(HhFunctions.Tests.Functions.FunctionsMetadataTests.RepoRoot(), "src", "HhFunctions.Standalone", "appsettings.Local.example.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(example).Build();

        foreach (var key in new[] { "HeadHunter:ClientId", "HeadHunter:ClientSecret", "Telegram:BotToken", "Telegram:ChatId", "Search:Queries" })
        {
            Assert.NotNull(configuration[key]);
        }
    }

    private static System.Diagnostics.ProcessStartInfo WithDataPath(System.Diagnostics.ProcessStartInfo start, string path)
    {
        start.Environment["Data__Path"] = path;
        return start;
    }
}
