using HhFunctions;
using HhFunctions.Configuration;
using HhFunctions.Standalone;

return await StartupGuard.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddStandaloneHost();
    await using var app = builder.Build();
    StartupGuard.Validate(app.Services); // before the host starts: it would log the failure with a stack trace
    app.UseExceptionHandler(); // an unexpected failure answers a problem+json 500, never a stack trace
    app.MapStandaloneRoutes();
    await app.RunAsync();
});

public partial class Program;
