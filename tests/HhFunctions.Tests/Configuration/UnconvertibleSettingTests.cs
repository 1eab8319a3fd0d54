using System.Reflection;
using HhFunctions.Configuration;
using HhFunctions.Functions;
using HhFunctions.HeadHunter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Configuration;

/// <summary>
/// Every setting of every options class the app binds, given a value that cannot be converted to its type, stops
/// either host as invalid configuration (exit code 2, one line) naming the setting as the user writes it and what was
/// expected. The options classes are found in the composition itself (each configuration-bound options type), so a
/// new options class or setting is walked without touching this test.
/// </summary>
public sealed class UnconvertibleSettingTests
{
    private static readonly Dictionary<Type, (string Value, string Expected)> Unconvertible = new()
    {
        [typeof(bool)] = ("maybe", "true or false"),
        [typeof(int)] = ("abc", "a whole number"),
        [typeof(long)] = ("six", "a whole number"),
        [typeof(double)] = ("fast", "a number like 1.5"),
        [typeof(TimeSpan)] = ("banana", "a time span like 00:00:30"),
        [typeof(DateTimeOffset)] = ("soon", "a date and time like"),
        [typeof(Uri)] = ("http://[not-a-host", "URL like https://"),
    };

    public static TheoryData<string, string, string> EverySetting()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (setting, type) in BoundOptions().SelectMany(o => Leaves(o.Section, o.Type)))
        {
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (underlying == typeof(string))
            {
                continue; // any text is a string: nothing to convert
            }

            var (value, expected) = underlying.IsEnum
                ? ("banana", "one of " + string.Join(", ", Enum.GetNames(underlying)))
                : Unconvertible.TryGetValue(underlying, out var known)
                    ? known
                    : throw new InvalidOperationException($"{setting} has type {type}: add an unconvertible value for it to this test.");
            data.Add(setting, value, expected);
        }

        return data;
    }

    [Fact]
    public void Walk_FindsEveryOptionsClassAndItsNestedSettings()
    {
        var types = BoundOptions().Select(o => o.Type).ToList();
        var settings = EverySetting().Select(row => (string)row[0]).ToList();

        Assert.Contains(typeof(HhOptions), types);
        Assert.Contains(typeof(HhFunctions.Applying.ApplyOptions), types);
        Assert.Contains(typeof(DataOptions), types);
        Assert.Contains("HeadHunter__AttemptTimeout", settings);
        Assert.Contains("Apply__DailyLimit", settings);
        Assert.Contains("Apply__Llm__Timeout", settings); // a nested section
        Assert.Contains("Telegram__Notify", settings); // an enum

        // Every options class in the product is bound: none can sit outside the walk.
        var declared = typeof(HhOptions).Assembly.GetTypes().Where(t => t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is not null);
        Assert.All(declared, t => Assert.Contains(t, types));
    }

    [Theory]
    [MemberData(nameof(EverySetting))]
    public async Task Standalone_UnconvertibleValue_ExitsWithCode2NamingTheSetting(string setting, string value, string expected)
    {
        var (code, error) = await GuardedAsync(() => Infrastructure.StartUp.ValidateAsync(new Dictionary<string, string?> { [Key(setting)] = value }));

        AssertOneClearLine(code, error, setting, value, expected);
    }

    [Theory]
    [MemberData(nameof(EverySetting))]
    public async Task FunctionsWorker_UnconvertibleValue_ExitsWithCode2NamingTheSetting(string setting, string value, string expected)
    {
        var (code, error) = await GuardedAsync(() =>
        {
            var builder = FunctionsApplication.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                ["Data:Path"] = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N")),
                [Key(setting)] = value,
            });
            builder.AddFunctionsHost();
            using var host = builder.Build();
            StartupGuard.Validate(host.Services); // as Program.Main does before the host starts
            return Task.CompletedTask;
        });

        AssertOneClearLine(code, error, setting, value, expected);
    }

    [Theory]
    [InlineData("Failed to convert configuration value 'hunter2-secret' at 'Telegram:WebhookUrl' to type 'System.Uri'.", "Telegram__WebhookUrl must be an absolute URL")]
    [InlineData("Failed to convert configuration value 'hunter2-secret' at 'Apply:Llm:ApiKey' to type 'System.Int32'.", "Apply__Llm__ApiKey must be a whole number")]
    [InlineData("Failed to convert configuration value 'hunter2-secret' at 'Storage:ConnectionString' to type 'System.Boolean'.", "Storage__ConnectionString must be true or false")]
    [InlineData("Failed to convert configuration value 'hunter2-secret' at 'HeadHunter:AccessTokenExpiresAt' to type 'System.Nullable`1[System.DateTimeOffset]'.", "HeadHunter__AccessTokenExpiresAt must be a date and time")]
    public void Describe_SecretSetting_NeverShowsTheValue(string binderMessage, string expected)
    {
        var message = StartupGuard.Describe(new InvalidOperationException(binderMessage, new FormatException("hunter2-secret")));

        Assert.NotNull(message);
        Assert.StartsWith(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_OtherInvalidOperation_IsNotAConfigurationFailure()
    {
        Assert.Null(StartupGuard.Describe(new InvalidOperationException("Sequence contains no elements")));
    }

    private static void AssertOneClearLine(int code, string error, string setting, string value, string expected)
    {
        Assert.True(code == StartupGuard.InvalidConfigurationExitCode, $"{setting}={value}: exit code {code}, output: {error}");
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("HhFunctions cannot start: invalid configuration. " + setting + " must be ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain(setting.Replace("__", ":", StringComparison.Ordinal), line, StringComparison.Ordinal);
    }

    /// <summary>What the hosts' Program does with a failed start: exit code and standard error.</summary>
    private static async Task<(int Code, string Error)> GuardedAsync(Func<Task> start)
    {
        using var error = new StringWriter();
        int code;
        try
        {
            code = await StartupGuard.RunAsync(start, error);
        }
#pragma warning disable CA1031 // anything else escaping the guard is what the process would die of
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (-1, "unhandled: " + ex.GetType().Name + ": " + ex.Message);
        }

        return (code, error.ToString());
    }

    private static string Key(string setting) => setting.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>The options types both hosts bind from configuration (an IOptionsChangeTokenSource is registered per bound type), with their sections.</summary>
    private static IEnumerable<(Type Type, string Section)> BoundOptions()
    {
        var standalone = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        standalone.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Data:Path"] = Path.GetTempPath() });
        HhFunctions.Standalone.StandaloneHost.AddStandaloneHost(standalone);
        var functions = FunctionsApplication.CreateBuilder([]);
        functions.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["Data:Path"] = Path.GetTempPath() });
        functions.AddFunctionsHost();

        return standalone.Services.Concat(functions.Services)
            .Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(t => t.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("HhFunctions", StringComparison.Ordinal) == true)
            .Distinct()
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (t, t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
                ?? throw new InvalidOperationException($"{t} is bound from configuration but has no SectionName constant.")))
            .ToList();
    }

    /// <summary>Every settable property as "Section__Name", nested option classes walked as their own sections.</summary>
    private static IEnumerable<(string Setting, Type Type)> Leaves(string section, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
        {
            var name = section + "__" + property.Name;
            var t = property.PropertyType;
            if (t.IsClass && t != typeof(string) && t != typeof(Uri))
            {
                foreach (var leaf in Leaves(name, t))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (name, t);
            }
        }
    }
}
