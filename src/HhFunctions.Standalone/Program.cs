using HhFunctions;
using HhFunctions.Configuration;
using HhFunctions.Standalone;

return await StartupGuard.RunAsync(async () =>
{
    // The slim builder leaves out what a localhost app does not use (IIS integration, static web assets, HTTPS unless
    // an https:// address is configured, see AddStandaloneHost): a faster start (tests/startup-bench.sh).
    var builder = WebApplication.CreateSlimBuilder(args);
    builder.AddStandaloneHost();
    await using var app = builder.Build();
    StartupGuard.Validate(app.Services); // before the host starts: it would log the failure with a stack trace
    app.UseExceptionHandler(); // an unexpected failure answers a problem+json 500, never a stack trace
    app.MapStandaloneRoutes();
    await app.RunAsync();
});

public partial class Program;
