using HhFunctions.Queues;
using Azure.Storage.Queues;
using HhFunctions.Functions;
using HhFunctions.Bumping;
using Microsoft.Extensions.Configuration;

namespace HhFunctions.Tests.Bumping;

/// <summary>
/// The Functions host's on-demand queue against real Queue storage (Azurite's Queue service, started by
/// tests/run.sh): what the app enqueues is what the BumpOnDemand trigger reads.
/// </summary>
public sealed class StorageQueueBumpRequestsTests
{
    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("HH_TEST_QUEUES") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";

    private static QueueServiceClient Service() =>
        FunctionsHost.QueueService(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = ConnectionString }).Build());

    [Fact]
    public async Task Enqueue_NewQueue_CreatesItAndTheTriggerReadsTheSameRequest()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..20];
        var service = Service();
        var sender = new StorageQueue<BumpRequest>(service, name);
        var requested = new DateTimeOffset(2026, 11, 29, 8, 1, 0, TimeSpan.Zero);

        await sender.SendAsync(new BumpRequest(RunReporter.OnDemandTrigger, requested), CancellationToken.None);
        await sender.SendAsync(new BumpRequest(BumpRequestHandler.StatusPageTrigger, requested.AddMinutes(1)), CancellationToken.None);

        var queue = service.GetQueueClient(name);
        var messages = (await queue.ReceiveMessagesAsync(10)).Value;
        Assert.Equal(2, messages.Length);
        var first = BumpRequest.Parse(messages[0].Body.ToString());
        Assert.Equal(new BumpRequest(RunReporter.OnDemandTrigger, requested), first);
        Assert.Equal(BumpRequestHandler.StatusPageTrigger, BumpRequest.Parse(messages[1].Body.ToString()).Trigger);
        await queue.DeleteAsync();
    }

    [Fact]
    public async Task Enqueue_MessageOnTheWire_IsBase64AsTheQueueTriggerExpects()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..20];
        var service = Service();
        await new StorageQueue<BumpRequest>(service, name).SendAsync(new BumpRequest("telegram /bump", DateTimeOffset.UnixEpoch), CancellationToken.None);

        var raw = new QueueClient(ConnectionString, name); // no decoding: the text as stored
        var message = Assert.Single((await raw.ReceiveMessagesAsync(1)).Value);
        var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString()));
        Assert.Equal("telegram /bump", BumpRequest.Parse(decoded).Trigger);
        await raw.DeleteAsync();
    }

    [Theory]
    [InlineData(null, null, "AzureWebJobsStorage is not set")]
    [InlineData("http://acct.queue.core.windows.net", null, "is not an https URL")]
    public void QueueService_MissingOrBadStorageSetting_NamesTheSetting(string? queueServiceUri, string? accountName, string message)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage:queueServiceUri"] = queueServiceUri,
            ["AzureWebJobsStorage:accountName"] = accountName,
        }).Build();

        var ex = Assert.Throws<HhFunctions.Configuration.InvalidConfigurationException>(() => FunctionsHost.QueueService(config));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QueueService_AccountNameOnly_UsesTheAccountsQueueEndpoint()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage:accountName"] = "hhstore" }).Build();

        var service = FunctionsHost.QueueService(config);

        Assert.Equal(new Uri("https://hhstore.queue.core.windows.net"), service.Uri);
    }
}
