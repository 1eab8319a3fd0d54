using HhFunctions.Configuration;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HhFunctions.Functions;

/// <summary>The worker process the Functions host starts (FUNCTIONS_WORKER_RUNTIME=dotnet-isolated).</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => StartupGuard.RunAsync(async () =>
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.AddFunctionsHost();
        using var host = builder.Build();
        StartupGuard.Validate(host.Services); // before the host starts: it would log the failure with a stack trace
        await StartupGuard.RunUntilStoppedAsync(host, host.Services.GetRequiredService<IHostApplicationLifetime>()); // a stop during the start is a stop, not a crash
    });
}
