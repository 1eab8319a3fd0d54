using Azure.Storage.Queues;

namespace HhFunctions.Queues;

/// <summary>How a host carries the features' queues: each host calls one of these once.</summary>
public static class QueueHostingExtensions
{
    /// <summary>Functions host: every <see cref="IQueue{TMessage}"/> is an Azure Storage queue of <paramref name="service"/>; the [QueueTrigger] functions read them.</summary>
    public static IServiceCollection AddStorageQueues(this IServiceCollection services, QueueServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(service);
        services.AddSingleton(typeof(IQueue<>), typeof(StorageQueue<>));
        return services;
    }

    /// <summary>Standalone host: every <see cref="IQueue{TMessage}"/> is an in-process queue, read by <see cref="InProcessQueues"/>.</summary>
    public static IServiceCollection AddInProcessQueues(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<InProcessQueues>();
        services.AddHostedService(sp => sp.GetRequiredService<InProcessQueues>());
        services.AddSingleton(typeof(InProcessQueue<>));
        services.AddSingleton(typeof(IQueue<>), typeof(InProcessQueue<>));
        return services;
    }
}
