using HhFunctions.Bumping;
using HhFunctions.Composition;
using HhFunctions.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace HhFunctions.Tests.Architecture;

/// <summary>Options read while services are registered: bound once per builder, from that builder's configuration.</summary>
public sealed class CompositionSettingsTests
{
    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Fact]
    public void Settings_AskedTwice_BoundOnceAndTheSameObject()
    {
        var builder = Builder(new() { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" });
        var binds = 0;

        var first = builder.Settings(StorageOptions.SectionName, s => { binds++; return s.Get<StorageOptions>(); });
        var second = builder.Settings(StorageOptions.SectionName, s => { binds++; return s.Get<StorageOptions>(); });

        Assert.Same(first, second);
        Assert.Equal(1, binds);
        Assert.True(first.UsesAzure);
        Assert.True(builder.UsesAzureStorage());
    }

    [Fact]
    public void Settings_TwoBuilders_EachReadsItsOwnConfiguration()
    {
        var azure = Builder(new() { ["Storage:TableServiceUri"] = "https://account.table.core.windows.net" });
        var files = Builder(new() { ["Bump:StandaloneScheduler"] = "false" });

        Assert.True(azure.UsesAzureStorage());
        Assert.False(files.UsesAzureStorage());
        Assert.True(azure.Settings(BumpOptions.SectionName, s => s.Get<BumpOptions>()).StandaloneScheduler); // the default
        Assert.False(files.Settings(BumpOptions.SectionName, s => s.Get<BumpOptions>()).StandaloneScheduler);
    }
}
