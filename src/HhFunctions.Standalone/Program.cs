using HhFunctions;
using HhFunctions.Configuration;
using HhFunctions.Standalone;

// First: plays back the last start's JIT profile on a second core while this start records its own (see JitProfile).
JitProfile.Start(AppContext.BaseDirectory, ownProcess: System.Reflection.Assembly.GetEntryAssembly() == typeof(JitProfile).Assembly);

return await StartupGuard.RunAsync(async () =>
{
    // The slim builder leaves out what a localhost app does not use (IIS integration, static web assets, HTTPS unless
    // an https:// address is configured, see AddStandaloneHost): a faster start (tests/startup-bench.sh).
    // The content root (settings files, the data folder) does not depend on the working directory: see AppFolder.
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppFolder.ContentRoot(args, AppContext.BaseDirectory) });
    AppFolder.AddLocalSettings(builder.Configuration);
    builder.AddStandaloneHost();
    await using var app = builder.Build();
    StartupGuard.Validate(app.Services); // before the host starts: it would log the failure with a stack trace
    app.UseExceptionHandler(); // an unexpected failure answers a problem+json 500, never a stack trace
    app.MapStandaloneRoutes();
    await StartupGuard.RunUntilStoppedAsync(app, app.Lifetime); // a stop during the start is a stop, not a crash
});

public partial class Program;
