using HhFunctions.Queues;
using System.Text.Json;
using System.Text.RegularExpressions;
using HhFunctions.Tests.Infrastructure;
using HhFunctions.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using HhFunctions.Bumping;

namespace HhFunctions.Tests.Functions;

/// <summary>
/// The host's contract: functions.metadata, written by the Worker SDK at build time from the [Function]
/// attributes, is what the Functions host reads. It must hold exactly the functions, triggers, routes,
/// methods, auth levels, schedule and queues the product promises, the README's function table must say the
/// same, and the standalone host must serve the same HTTP routes.
/// </summary>
public sealed partial class FunctionsMetadataTests
{
    private sealed record Expected(string Trigger, string? Route, string[] Methods, string? Auth, string? Schedule, string? Queue);

    private static readonly Dictionary<string, Expected> Promised = new()
    {
        ["BumpResumes"] = new("timerTrigger", null, [], null, "%Bump__Schedule%", null),
        ["BumpOnDemand"] = new("queueTrigger", null, [], null, null, BumpRequest.Queue),
        ["ResumeDue"] = new("queueTrigger", null, [], null, null, ResumeDueMessage.Queue),
        ["OAuthStart"] = new("httpTrigger", "oauth/start", ["get"], "Function", null, null),
        ["OAuthLink"] = new("httpTrigger", "oauth/link", ["get"], "Anonymous", null, null),
        ["OAuthCallback"] = new("httpTrigger", "oauth/callback", ["get"], "Anonymous", null, null),
        ["Status"] = new("httpTrigger", "status", ["get", "post"], "Function", null, null),
        ["TelegramWebhook"] = new("httpTrigger", "telegram/webhook", ["post"], "Anonymous", null, null),
        ["WatchVacancies"] = new("timerTrigger", null, [], null, "%Search__Schedule%", null),
        ["Vacancies"] = new("httpTrigger", "vacancies", ["get"], "Function", null, null),
        ["VacanciesCsv"] = new("httpTrigger", "vacancies.csv", ["get"], "Function", null, null),
        ["VacanciesJson"] = new("httpTrigger", "vacancies.json", ["get"], "Function", null, null),
        ["TrackApplications"] = new("timerTrigger", null, [], null, "%Apply__TrackSchedule%", null),
        ["Applications"] = new("httpTrigger", "applications", ["get"], "Function", null, null),
        ["ApplicationsCsv"] = new("httpTrigger", "applications.csv", ["get"], "Function", null, null),
        ["ApplicationsJson"] = new("httpTrigger", "applications.json", ["get"], "Function", null, null),
        ["HhWebhook"] = new("httpTrigger", "hh/webhook/{key}", ["post"], "Anonymous", null, null),
        ["RecruitingEvents"] = new("queueTrigger", null, [], null, null, HhFunctions.Recruiting.RecruitingEvent.Queue),
        ["RecruitingWrites"] = new("queueTrigger", null, [], null, null, HhFunctions.Recruiting.CrmDrain.Queue),
        ["ReconcileResponses"] = new("timerTrigger", null, [], null, "%Recruiting__ReconcileSchedule%", null),
        ["BitrixEvents"] = new("httpTrigger", "bitrix/events/{key}", ["post"], "Anonymous", null, null),
        ["CrmStageEvents"] = new("queueTrigger", null, [], null, null, HhFunctions.Recruiting.CrmStageEvent.Queue),
        ["RecruitingInvite"] = new("httpTrigger", "recruiting/invite", ["get", "post"], "Function", null, null),
        ["RecruitingSummary"] = new("timerTrigger", null, [], null, HhFunctions.Recruiting.Invitations.SummaryJob.Tick, null),
        ["RecruitingDesk"] = new("httpTrigger", "recruiting", ["get", "post"], "Function", null, null),
        ["RecruitingCsv"] = new("httpTrigger", "recruiting/responses.csv", ["get"], "Function", null, null),
        ["RecruitingJson"] = new("httpTrigger", "recruiting/responses.json", ["get"], "Function", null, null),
        ["Health"] = new("httpTrigger", "health", ["get"], "Anonymous", null, null),
    };

    private static List<JsonElement> Metadata()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(path), $"functions.metadata is not in {AppContext.BaseDirectory}: the Worker SDK did not run.");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static JsonElement Trigger(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    [Fact]
    public void Metadata_HoldsExactlyThePromisedFunctions()
    {
        var names = Metadata().Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(Promised.Keys.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Metadata_EachFunction_HasPromisedTriggerRouteMethodsAuthScheduleAndQueue()
    {
        foreach (var function in Metadata())
        {
            var name = function.GetProperty("name").GetString()!;
            var expected = Promised[name];
            var trigger = Trigger(function);
            Assert.Equal(expected.Trigger, trigger.GetProperty("type").GetString());
            Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());
            Assert.Equal("HhFunctions.Functions.dll", function.GetProperty("scriptFile").GetString());
            if (expected.Trigger == "httpTrigger")
            {
                Assert.Equal(expected.Route, trigger.GetProperty("route").GetString());
                Assert.Equal(expected.Methods, trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).Order(StringComparer.Ordinal));
                Assert.Equal(expected.Auth, trigger.GetProperty("authLevel").GetString());
            }

            if (expected.Schedule is not null)
            {
                Assert.Equal(expected.Schedule, trigger.GetProperty("schedule").GetString());
            }

            if (expected.Queue is not null)
            {
                Assert.Equal(expected.Queue, trigger.GetProperty("queueName").GetString());
                Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
            }
        }
    }

    [Fact]
    public void Metadata_MatchesTheReadmeFunctionTable()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var rows = TableRow().Matches(readme).ToDictionary(m => m.Groups["name"].Value, m => m);
        foreach (var function in Metadata())
        {
            var name = function.GetProperty("name").GetString()!;
            Assert.True(rows.TryGetValue(name, out var row), $"README's function table has no row for {name}.");
            var trigger = Trigger(function);
            var kind = row.Groups["trigger"].Value;
            var where = row.Groups["where"].Value;
            var auth = row.Groups["auth"].Value;
            switch (trigger.GetProperty("type").GetString())
            {
                case "httpTrigger":
                    var methods = trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order(StringComparer.Ordinal);
                    Assert.Equal("HTTP " + string.Join(", ", methods), kind);
                    Assert.StartsWith("/api/" + trigger.GetProperty("route").GetString(), where, StringComparison.Ordinal);
                    Assert.StartsWith(trigger.GetProperty("authLevel").GetString() == "Function" ? "function key" : "anonymous", auth, StringComparison.Ordinal);
                    break;
                case "timerTrigger":
                    Assert.Equal("timer", kind);
                    Assert.Equal(trigger.GetProperty("schedule").GetString(), where);
                    break;
                case "queueTrigger":
                    Assert.Equal("queue", kind);
                    Assert.Equal(trigger.GetProperty("queueName").GetString(), where);
                    break;
                default:
                    Assert.Fail($"{name}: unexpected trigger {trigger}");
                    break;
            }
        }

        Assert.Equal(Metadata().Count, rows.Count);
    }

    [Fact]
    public void StandaloneHost_ServesEveryHttpFunctionRouteWithTheSameMethods()
    {
        using var app = new AppFactory();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        foreach (var function in Metadata().Where(f => Trigger(f).GetProperty("type").GetString() == "httpTrigger"))
        {
            var trigger = Trigger(function);
            var route = "api/" + trigger.GetProperty("route").GetString();
            var served = endpoints
                .Where(e => e.RoutePattern.RawText?.TrimStart('/') == route)
                .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(m => m.ToLowerInvariant())
                .Order(StringComparer.Ordinal);
            var declared = trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).Order(StringComparer.Ordinal);
            Assert.Equal(declared, served);
        }
    }

    [Fact]
    public void Output_HasTheHostFilesAndNoCustomHandler()
    {
        var dir = AppContext.BaseDirectory;
        Assert.True(File.Exists(Path.Combine(dir, "worker.config.json")), "worker.config.json missing");
        Assert.True(File.Exists(Path.Combine(dir, "extensions.json")), "extensions.json missing");
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "host.json")));
        Assert.False(host.RootElement.TryGetProperty("customHandler", out _), "host.json still has a customHandler section");
        Assert.Equal("api", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Empty(Directory.GetFiles(Path.Combine(RepoRoot(), "src"), "function.json", SearchOption.AllDirectories));
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HhFunctions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("HhFunctions.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>"| `Name` | trigger | `route or schedule or queue`… | auth | what |".</summary>
    [GeneratedRegex(@"^\| `(?<name>[A-Za-z]+)` \| (?<trigger>[^|]+?) \| `(?<where>[^`]+)`[^|]*\| (?<auth>[^|]+?) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
