using HhFunctions;
using HhFunctions.Functions;

var builder = WebApplication.CreateBuilder(args);
builder.AddHhFunctions();

var app = builder.Build();
app.UseExceptionHandler();
app.MapFunctionEndpoints();
app.Run();

public partial class Program;
