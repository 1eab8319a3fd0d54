using System.Text.Json;

namespace HhFunctions.Tests.Configuration;

/// <summary>The runtime settings the standalone host is built with (its project file), as the runtime reads them.</summary>
public sealed class StandaloneRuntimeConfigTests
{
    [Fact]
    public void RuntimeConfig_WorkstationGcAndNoCertificateFileWatching()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HhFunctions.Standalone.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        // A one-user app: a small heap and a quicker start (docs/architecture.md, "Start-up").
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());

        // Kestrel's certificate file watcher can deadlock the start when the file changes while the host binds.
        Assert.True(properties.GetProperty("Microsoft.AspNetCore.Server.Kestrel.DisableCertificateFileWatching").GetBoolean());
    }
}
