using Azure.Storage.Queues;
using HhFunctions.Bumping;
using HhFunctions.Functions;
using HhFunctions.Queues;
using Microsoft.Extensions.Configuration;

namespace HhFunctions.Tests.Queues;

/// <summary>
/// The Functions host's queues (<see cref="StorageQueue{TMessage}"/>) against real Queue storage (Azurite's Queue
/// service, started by tests/run.sh): what the app sends is what the [QueueTrigger] functions read, for the
/// on-demand bump requests and the due-time messages alike.
/// </summary>
public sealed class StorageQueueTests
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

    [Fact]
    public async Task Send_WithDelay_InvisibleUntilTheDelayThenTheTriggerReadsTheSameMessage()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..20];
        var service = Service();
        var sender = new StorageQueue<ResumeDueMessage>(service, name);
        var message = new ResumeDueMessage("r1", new DateTimeOffset(2026, 3, 2, 8, 1, 7, TimeSpan.Zero));

        await sender.SendAsync(message, TimeSpan.FromSeconds(2), CancellationToken.None);
        var queue = service.GetQueueClient(name);
        var early = (await queue.ReceiveMessagesAsync(1)).Value;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = (await queue.ReceiveMessagesAsync(1)).Value;

        Assert.Empty(early);
        Assert.Equal(message, ResumeDueMessage.Parse(Assert.Single(later).Body.ToString()));
        await queue.DeleteAsync();
    }

    [Fact]
    public async Task Send_DelayBeyondSevenDays_CappedInsteadOfRefusedByTheService()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..20];
        var service = Service();

        await new StorageQueue<ResumeDueMessage>(service, name).SendAsync(new ResumeDueMessage("r1", DateTimeOffset.UnixEpoch.AddYears(60)), TimeSpan.FromDays(30), CancellationToken.None);

        var props = (await service.GetQueueClient(name).GetPropertiesAsync()).Value;
        Assert.Equal(1, props.ApproximateMessagesCount);
        Assert.Equal(QueueLimits.MaxDelay, QueueLimits.Clamp(TimeSpan.FromDays(30)));
        Assert.Equal(TimeSpan.Zero, QueueLimits.Clamp(TimeSpan.FromSeconds(-5)));
        await service.GetQueueClient(name).DeleteAsync();
    }
}
