using System.Reflection;
using Microsoft.Extensions.Logging;

namespace HhFunctions.Tests.Observability;

/// <summary>Every log line has an event id of its own, so a query by EventId (Application Insights, docs/observability.md) finds one kind of line.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void LoggerMessages_AcrossTheApp_EachEventIdUsedOnce()
    {
        Assembly[] assemblies = [typeof(HhFunctions.HhFunctionsBuilder).Assembly, typeof(HhFunctions.Functions.FunctionsHost).Assembly, typeof(HhFunctions.Standalone.StandaloneHost).Assembly];
        var messages = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (Id: x.Attribute!.EventId, Where: x.Method.DeclaringType!.FullName + "." + x.Method.Name))
            .ToList();

        Assert.True(messages.Count > 100, $"only {messages.Count} [LoggerMessage] methods found: the scan misses assemblies");
        var shared = messages.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => g.Key + ": " + string.Join(", ", g.Select(m => m.Where))).ToList();
        Assert.True(shared.Count == 0, "event ids used more than once: " + string.Join("; ", shared));
    }
}
