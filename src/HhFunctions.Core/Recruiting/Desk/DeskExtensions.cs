using HhFunctions.Web;
using Microsoft.AspNetCore.Routing;

namespace HhFunctions.Recruiting;

public static class DeskExtensions
{
    /// <summary>The recruiter's desk (docs/recruiting.md, "The desk"): its page, form and exports, the vacancy roster, the portal's users and the assignees the CRM writer applies.</summary>
    public static IServiceCollection AddRecruitingDesk(this IServiceCollection services)
    {
        services.AddSingleton<PortalUsers>();
        services.AddTransient<Assignees>();
        services.AddTransient<VacancyRoster>();
        services.AddTransient<RecruitingStatus>();
        services.AddTransient<DeskService>();
        services.AddTransient<DeskExport>();
        services.AddTransient<DeskEndpoints>();
        return services;
    }

    /// <summary>GET/POST recruiting, GET recruiting/responses.csv and .json on the standalone host's "/api" group.</summary>
    public static IEndpointRouteBuilder MapRecruitingDesk(this IEndpointRouteBuilder api)
    {
        api.MapEndpoint<DeskEndpoints>("RecruitingDesk", DeskRoutes.Desk, ["GET"], (e, r, ct) => e.GetAsync(r, ct));
        api.MapEndpoint<DeskEndpoints>("RecruitingDeskForm", DeskRoutes.Desk, ["POST"], (e, r, ct) => e.PostAsync(r, ct));
        api.MapEndpoint<DeskEndpoints>("RecruitingCsv", DeskRoutes.Csv, ["GET"], (e, r, ct) => e.CsvAsync(r, ct));
        api.MapEndpoint<DeskEndpoints>("RecruitingJson", DeskRoutes.Json, ["GET"], (e, r, ct) => e.JsonAsync(r, ct));
        return api;
    }
}

/// <summary>The desk's routes (without the host's "api/" prefix), read by both hosts.</summary>
public static class DeskRoutes
{
    public const string Desk = "recruiting";
    public const string Csv = "recruiting/responses.csv";
    public const string Json = "recruiting/responses.json";
}
