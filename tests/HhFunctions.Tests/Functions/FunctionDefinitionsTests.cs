using System.Text.Json;
using HhFunctions.Functions;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HhFunctions.Tests.Functions;

/// <summary>function.json files and the handlers in code must describe the same functions.</summary>
public sealed class FunctionDefinitionsTests : IClassFixture<AppFactory>
{
    private readonly AppFactory _app;

    public FunctionDefinitionsTests(AppFactory app) => _app = app;

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HhFunctions.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("HhFunctions.sln not found above the test output folder.");
        }
    }

    private static Dictionary<string, JsonElement> FunctionJsons() =>
        Directory.GetDirectories(Path.Combine(RepoRoot, "src", "HhFunctions", "functions"))
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .ToDictionary(d => Path.GetFileName(d), d => JsonDocument.Parse(File.ReadAllText(Path.Combine(d, "function.json"))).RootElement.Clone());

    [Fact]
    public void FunctionJson_EveryHttpTrigger_HasHandlerWithSameRouteMethodsAndAuth()
    {
        using var scope = _app.Services.CreateScope();
        var handlers = scope.ServiceProvider.GetServices<IHttpFunction>().ToDictionary(f => f.Name);
        var httpJsons = FunctionJsons().Where(f => Trigger(f.Value).GetProperty("type").GetString() == "httpTrigger").ToList();

        Assert.NotEmpty(httpJsons);
        foreach (var (name, json) in httpJsons)
        {
            Assert.True(handlers.TryGetValue(name, out var handler), $"{name}/function.json has no IHttpFunction handler.");
            var trigger = Trigger(json);
            Assert.Equal(trigger.GetProperty("route").GetString(), handler!.Route);
            Assert.Equal(trigger.GetProperty("authLevel").GetString(), handler.AuthLevel);
            Assert.Equal(trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()).Order(), handler.Methods.Order());
            Assert.Contains(json.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "out" && b.GetProperty("name").GetString() == "res");
        }
    }

    [Fact]
    public void Handlers_EveryHandler_HasFunctionJson()
    {
        using var scope = _app.Services.CreateScope();
        var jsons = FunctionJsons();
        var names = scope.ServiceProvider.GetServices<IHttpFunction>().Select(f => f.Name)
            .Concat(scope.ServiceProvider.GetServices<ITimerFunction>().Select(f => f.Name))
            .ToList();

        Assert.Equal(jsons.Count, names.Count);
        Assert.All(names, n => Assert.True(jsons.ContainsKey(n), $"Handler {n} has no {n}/function.json."));
    }

    [Fact]
    public void FunctionJson_BumpResumes_IsTimerOnBumpScheduleSetting()
    {
        var trigger = Trigger(FunctionJsons()["BumpResumes"]);

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("timer", trigger.GetProperty("name").GetString());
        Assert.Equal("%Bump__Schedule%", trigger.GetProperty("schedule").GetString());
    }

    [Fact]
    public void HostJson_DescribesCustomHandlerExecutableAndBundle()
    {
        var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot, "host.json"))).RootElement;

        Assert.Equal("2.0", host.GetProperty("version").GetString());
        var handler = host.GetProperty("customHandler");
        Assert.Equal("HhFunctions", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", host.GetProperty("extensionBundle").GetProperty("id").GetString());
        Assert.Equal("api", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void BuildOutput_HasHostJsonAndFunctionFoldersBesideExecutable()
    {
        // The same items are copied on publish (CopyToPublishDirectory); tests/check-package.sh checks a real publish.
        var output = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;

        Assert.True(File.Exists(Path.Combine(output, "host.json")));
        foreach (var name in FunctionJsons().Keys)
        {
            Assert.True(File.Exists(Path.Combine(output, name, "function.json")), $"{name}/function.json missing from the build output.");
        }
    }

    private static JsonElement Trigger(JsonElement functionJson) =>
        functionJson.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "in");
}
