namespace HhFunctions.Web;

/// <summary>
/// The HTTP routes' shared prefix. Each feature keeps its own routes (OAuthRoutes, StatusRoutes, TelegramRoutes,
/// VacancyRoutes, ApplicationRoutes...) beside its MapXxxEndpoints; the Functions worker's [HttpTrigger] attributes
/// and the standalone host's route table both read them, so the two hosts cannot drift apart.
/// </summary>
public static class Routes
{
    /// <summary>The Functions host's route prefix (host.json extensions.http.routePrefix) and the standalone host's "/api" group.</summary>
    public const string Prefix = "api";
}
