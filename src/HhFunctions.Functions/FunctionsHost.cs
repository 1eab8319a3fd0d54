using Azure.Identity;
using Azure.Storage.Queues;
using HhFunctions.Configuration;
using HhFunctions.Observability;
using HhFunctions.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;

namespace HhFunctions.Functions;

/// <summary>The Functions app's composition: HhFunctions.Core's services plus the Storage queue the host triggers on.</summary>
public static class FunctionsHost
{
    /// <summary>The host's storage account setting; its queues are the ones [QueueTrigger] listens to.</summary>
    public const string StorageConnection = "AzureWebJobsStorage";

    public static IHostApplicationBuilder AddFunctionsHost(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddHhFunctions(AppHost.Functions);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.AddStorageQueues(QueueService(builder.Configuration));
        if (ObservabilityExtensions.ExportConfigured(builder.Configuration))
        {
            UseWorkerTelemetry(builder.Services);
        }

        return builder;
    }

    /// <summary>
    /// The isolated worker's OpenTelemetry integration: the invocation spans continue the host's trace (host.json's
    /// telemetryMode "OpenTelemetry"), so host and worker send one correlated stream to the exporters
    /// <see cref="ObservabilityExtensions"/> set. A method of its own: without an exporter its assembly never loads.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void UseWorkerTelemetry(IServiceCollection services) => services.AddOpenTelemetry().UseFunctionsWorkerDefaults();

    /// <summary>
    /// The queue service of the account the host's triggers read: AzureWebJobsStorage as a connection string,
    /// or its identity-based form (AzureWebJobsStorage__queueServiceUri or __accountName, with the managed identity).
    /// Messages are Base64, the queue extension's default encoding.
    /// </summary>
    public static QueueServiceClient QueueService(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (configuration[StorageConnection] is { Length: > 0 } connection)
        {
            return new QueueServiceClient(connection, options);
        }

        var section = configuration.GetSection(StorageConnection);
        var uri = section["queueServiceUri"] is { Length: > 0 } q ? q
            : section["accountName"] is { Length: > 0 } account ? $"https://{account}.queue.core.windows.net"
            : throw new InvalidConfigurationException($"{StorageConnection} is not set: the Functions host needs its storage account (a connection string, or {StorageConnection}__accountName with a managed identity).");
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var queueUri) || queueUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidConfigurationException($"{StorageConnection}__queueServiceUri '{uri}' is not an https URL like https://account.queue.core.windows.net.");
        }

        return new QueueServiceClient(queueUri, new DefaultAzureCredential(), options);
    }

    /// <summary>Runs a shared HTTP endpoint (HhFunctions.Core.Web) as this function's IActionResult.</summary>
    public static async Task<IActionResult> RunAsync(HttpRequest request, string function, Func<HttpRequest, CancellationToken, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(request);
        var logger = request.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Web.HttpEndpoints).FullName!);
        return new ResultAction(await Web.HttpEndpoints.RunAsync(request, function, handler, logger));
    }

    /// <summary>An ASP.NET Core IResult, answered as the IActionResult the worker's HTTP integration expects.</summary>
    private sealed class ResultAction(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            return result.ExecuteAsync(context.HttpContext);
        }
    }
}
