using HhFunctions.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HhFunctions.Queues;

/// <summary>One queue the app reads: its name and how a message body reaches its handler (built by <see cref="QueueRegistrationExtensions.AddQueue"/>).</summary>
public sealed class QueueRegistration(string name, Func<IServiceProvider, string, CancellationToken, Task> handle)
{
    public string Name => name;

    /// <summary>Parses <paramref name="body"/> and calls the queue's handler from <paramref name="scope"/> (a DI scope made for this message).</summary>
    public Task HandleAsync(IServiceProvider scope, string body, CancellationToken ct) => handle(scope, body, ct);
}

public static class QueueRegistrationExtensions
{
    /// <summary>
    /// A queue of <typeparamref name="TMessage"/> handled by <typeparamref name="THandler"/>: the feature can inject
    /// <see cref="IQueue{TMessage}"/> to send, and each host delivers to the handler (standalone: in process;
    /// Functions: one [QueueTrigger] method on <c>TMessage.QueueName</c> that calls <see cref="QueueTriggers.HandleAsync"/>).
    /// </summary>
    public static IServiceCollection AddQueue<TMessage, THandler>(this IServiceCollection services)
        where TMessage : IQueueMessage<TMessage>
        where THandler : class, IQueueHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddTransient<IQueueHandler<TMessage>, THandler>();
        services.AddSingleton(new QueueRegistration(
            TMessage.QueueName,
            (scope, body, ct) => QueueTrace.HandleAsync(scope.GetRequiredService<IQueueHandler<TMessage>>(), body, scope.GetRequiredService<TimeProvider>(), ct)));
        return services;
    }
}

/// <summary>What a Functions [QueueTrigger] method calls: the message parsed, then its handler, traced (<see cref="QueueTrace"/>).</summary>
public static class QueueTriggers
{
    public static Task HandleAsync<TMessage>(this IQueueHandler<TMessage> handler, string body, TimeProvider time, CancellationToken ct)
        where TMessage : IQueueMessage<TMessage> =>
        QueueTrace.HandleAsync(handler, body, time, ct);
}
