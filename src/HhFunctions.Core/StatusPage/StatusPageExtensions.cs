namespace HhFunctions.StatusPage;

public static class StatusPageExtensions
{
    /// <summary>The status page (/api/status): account, token, resumes, runs and the access forms.</summary>
    public static IHostApplicationBuilder AddStatusPage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTransient<StatusService>();
        builder.Services.AddTransient<StatusEndpoint>();
        StatusPageWarmUp.Start(); // the page renderer's first use, on another thread while the host starts
        return builder;
    }
}
