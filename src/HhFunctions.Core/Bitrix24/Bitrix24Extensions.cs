using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HhFunctions.Bitrix24;

public static class Bitrix24Extensions
{
    /// <summary>
    /// The Bitrix24 portal: Bitrix24__* options (checked at start), the typed client and the one rate gate per portal.
    /// The client has no resilience handler: a create whose answer was lost may have been done, so only the client's
    /// own 503 QUERY_LIMIT_EXCEEDED retry applies, and its attempt timeout (Bitrix24__AttemptTimeout) runs on
    /// TimeProvider. The HttpClient's loggers are removed: they would log the webhook address, which holds the secret.
    /// Called by the features that write to the CRM; calling it twice registers once.
    /// </summary>
    public static IHostApplicationBuilder AddBitrix24(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(IBitrix24RateGate)))
        {
            return builder;
        }

        services.AddOptions<Bitrix24Options>().BindConfiguration(Bitrix24Options.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Bitrix24Options>, Bitrix24OptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IBitrix24RateGate, Bitrix24RateGate>();
        services.AddHttpClient<IBitrix24Client, Bitrix24Client>(client => client.Timeout = Timeout.InfiniteTimeSpan) // the client's attempt timeout runs on TimeProvider
            .RemoveAllLoggers();
        return builder;
    }
}
