using System.Runtime.CompilerServices;
using Azure.Monitor.OpenTelemetry.Exporter;
using HhFunctions.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace HhFunctions.Observability;

/// <summary>
/// Telemetry and the health route (docs/observability.md). Every app HttpClient gets <see cref="CallTelemetryHandler"/>;
/// the OpenTelemetry SDK is registered only when an exporter is configured: Azure Monitor with
/// APPLICATIONINSIGHTS_CONNECTION_STRING, OTLP with OTEL_EXPORTER_OTLP_ENDPOINT (and the other standard OTEL_*
/// variables). With neither, no SDK provider exists, nothing listens to <see cref="AppTelemetry"/>, and start-up does no
/// telemetry work at all.
/// </summary>
public static class ObservabilityExtensions
{
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>An exporter is configured: Azure Monitor, OTLP, or both.</summary>
    public static bool ExportConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]) || !string.IsNullOrWhiteSpace(configuration[OtlpSetting]);
    }

    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder, AppHost host)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddTransient<CallTelemetryHandler>();
        services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler<CallTelemetryHandler>());
        services.AddTransient<HealthEndpoint>();
        services.AddTransient<IHealthProbe, StateStoreProbe>();
        services.AddTransient<IHealthProbe, TokenVaultProbe>();
        services.AddTransient<IHealthProbe, AccountProbe>();
        if (ExportConfigured(builder.Configuration))
        {
            AddExporters(builder, host); // a method of its own: the OpenTelemetry assemblies load only on this path
        }

        return builder;
    }

    /// <summary>GET health on the standalone host's "/api" group (the Functions app's Health function is the same endpoint).</summary>
    public static IEndpointRouteBuilder MapObservabilityEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<HealthEndpoint>("Health", ObservabilityRoutes.Health, ["GET"], (e, r, ct) => e.GetAsync(r, ct));
        return api;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddExporters(IHostApplicationBuilder builder, AppHost host)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .WithTracing(t => TelemetryPipeline.Tracing(t, host))
            .WithMetrics(m => TelemetryPipeline.Metrics(m));
        if (host == AppHost.Standalone && string.IsNullOrEmpty(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            otel.ConfigureResource(r => r.AddService(AppTelemetry.Name)); // in Azure the Functions host names the app
        }

        if (builder.Configuration[AzureMonitorSetting] is { Length: > 0 } connection)
        {
            // The Bicep template disables key-based ingestion (APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD):
            // the exporter then signs in with the app's managed identity.
            var entra = builder.Configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true;
            otel.UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = connection;
                if (entra)
                {
                    o.Credential = new Azure.Identity.DefaultAzureCredential();
                }
            });
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpSetting]))
        {
            otel.UseOtlpExporter(); // reads OTEL_EXPORTER_OTLP_* itself
        }
    }
}

/// <summary>The health route (without the host's "api/" prefix), read by both hosts and by the Bicep template's health check.</summary>
public static class ObservabilityRoutes
{
    public const string Health = "health";
}
