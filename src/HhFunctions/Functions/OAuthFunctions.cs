using HhFunctions.OAuth;
using HhFunctions.Pages;
using HhFunctions.State;

namespace HhFunctions.Functions;

/// <summary>GET /api/oauth/start (function key in Azure): redirects to hh.ru with a fresh single-use state.</summary>
public sealed class OAuthStartFunction(OAuthFlow flow) : IHttpFunction
{
    public string Name => "OAuthStart";

    public string Route => "oauth/start";

    public IReadOnlyList<string> Methods { get; } = ["get"];

    public string AuthLevel => "function";

    public async Task<FunctionResponse> HandleAsync(FunctionRequest request, CancellationToken ct) =>
        FunctionResponse.Redirect(await flow.BeginAsync(ct));
}

/// <summary>GET /api/oauth/link?t=… (anonymous): a one-time setup link from Telegram or the status page.</summary>
public sealed class OAuthLinkFunction(OAuthFlow flow, Configuration.PublicUrls urls) : IHttpFunction
{
    public string Name => "OAuthLink";

    public string Route => "oauth/link";

    public IReadOnlyList<string> Methods { get; } = ["get"];

    public string AuthLevel => "anonymous";

    public async Task<FunctionResponse> HandleAsync(FunctionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Query.TryGetValue("t", out var link);
        var (result, authorize) = await flow.BeginFromLinkAsync(link, ct);
        return result switch
        {
            ConsumeResult.Accepted => FunctionResponse.Redirect(authorize!),
            ConsumeResult.Expired => FunctionEndpoints.Problem(request, 400, "Link expired", "This setup link has expired (links work for 24 hours). Send /connect to the bot, or open the status page, for a new one."),
            ConsumeResult.AlreadyUsed => FunctionEndpoints.Problem(request, 400, "Link already used", "This setup link was already used; each works once. Send /connect to the bot for a new one."),
            _ => FunctionEndpoints.Problem(request, 400, "Unknown link", $"This is not a setup link this app issued. Open {urls.StatusPage.AbsoluteUri} or send /connect to the bot."),
        };
    }
}

/// <summary>GET /api/oauth/callback (anonymous: hh.ru redirects here): validates state, exchanges the code, stores the pair.</summary>
public sealed class OAuthCallbackFunction(OAuthFlow flow) : IHttpFunction
{
    public string Name => "OAuthCallback";

    public string Route => "oauth/callback";

    public IReadOnlyList<string> Methods { get; } = ["get"];

    public string AuthLevel => "anonymous";

    public async Task<FunctionResponse> HandleAsync(FunctionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await flow.CompleteAsync(request.Query, ct);
        if (!result.Succeeded)
        {
            var status = result.Error switch
            {
                CallbackError.HhUnavailable => 502,
                CallbackError.Configuration => 503,
                _ => 400,
            };
            return FunctionEndpoints.Problem(request, status, Title(result.Error), result.Message);
        }

        return FunctionResponse.Html(200, AccessPages.ConnectedPage(result));
    }

    private static string Title(CallbackError error) => error switch
    {
        CallbackError.AccessDenied => "Access declined",
        CallbackError.MissingState or CallbackError.UnknownState => "Unknown setup attempt",
        CallbackError.ExpiredState => "Setup attempt expired",
        CallbackError.ReplayedState => "Setup link already used",
        CallbackError.MissingCode => "No authorization code",
        CallbackError.CodeRejected => "hh.ru rejected the code",
        CallbackError.HhUnavailable => "hh.ru unavailable",
        CallbackError.Configuration => "Not configured",
        _ => "hh.ru error",
    };
}
