namespace HhFunctions.Composition;

/// <summary>
/// A dependency built on first use, not when its consumer is built: for services that are costly to make and not
/// needed on every path (the hh.ru clients behind the status page's forms, the Telegram client behind a notifier).
/// Registered for every type by <see cref="CompositionExtensions.AddComposition"/>.
/// </summary>
public sealed class Deferred<T>(IServiceProvider services)
    where T : notnull
{
    private T? _value;

    public T Value => _value ??= services.GetRequiredService<T>();
}

/// <summary>
/// Runs <typeparamref name="T"/> in a fresh DI scope: what a long-lived service (a queue worker, a scheduler, the bot's
/// dispatcher) uses to call a transient or scoped one, so that no class outside composition resolves services by hand.
/// </summary>
public sealed class Scoped<T>(IServiceScopeFactory scopes)
    where T : notnull
{
    public async Task<TResult> RunAsync<TResult>(Func<T, Task<TResult>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        await using var scope = scopes.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<T>());
    }

    public async Task RunAsync(Func<T, Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        await using var scope = scopes.CreateAsyncScope();
        await call(scope.ServiceProvider.GetRequiredService<T>());
    }
}

public static class CompositionExtensions
{
    /// <summary><see cref="Deferred{T}"/> and <see cref="Scoped{T}"/> for every service type.</summary>
    public static IServiceCollection AddComposition(this IServiceCollection services)
    {
        services.AddTransient(typeof(Deferred<>));
        services.AddSingleton(typeof(Scoped<>));
        return services;
    }
}
