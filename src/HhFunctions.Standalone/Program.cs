using HhFunctions;
using HhFunctions.Configuration;
using HhFunctions.Standalone;

return await StartupGuard.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddStandaloneHost();
    await using var app = builder.Build();
    app.MapStandaloneRoutes();
    await app.RunAsync();
});

public partial class Program;
