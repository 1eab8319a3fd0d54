using HhFunctions.Queues;
using Azure.Storage.Queues;
using HhFunctions.Functions;
using HhFunctions.Bumping;
using Microsoft.Extensions.Configuration;

namespace HhFunctions.Tests.Bumping;

/// <summary>The Functions host's due-time queue against real Queue storage (Azurite, started by tests/run.sh).</summary>
public sealed class StorageQueueResumeDueTests
{
    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("HH_TEST_QUEUES") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";

    private static QueueServiceClient Service() =>
        FunctionsHost.QueueService(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = ConnectionString }).Build());

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
