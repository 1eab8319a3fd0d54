using Azure.Data.Tables;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>
/// Real Table storage for tests: the Azurite instance that tests/run.sh starts (or any endpoint named by
/// HH_TEST_TABLES). Each test gets its own table prefix so runs never see each other's data.
/// </summary>
public static class Azurite
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("HH_TEST_TABLES") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";

    public static string NewPrefix() => "T" + Guid.NewGuid().ToString("N")[..12];

    public static TableServiceClient CreateClient() =>
        new(ConnectionString, new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(10) } });
}
