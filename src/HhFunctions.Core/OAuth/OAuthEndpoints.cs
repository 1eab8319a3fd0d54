using HhFunctions.Configuration;
using HhFunctions.OAuth;
using HhFunctions.Pages;
using HhFunctions.State;
using Microsoft.AspNetCore.Http;
using HhFunctions.Web;

namespace HhFunctions.OAuth;

/// <summary>The OAuth set-up endpoints: OAuthStart, OAuthLink and OAuthCallback.</summary>
public sealed class OAuthEndpoints(OAuthFlow flow, PublicUrls urls)
{
    /// <summary>GET /api/oauth/start (function key in Azure): redirects to hh.ru with a fresh single-use state.</summary>
    public async Task<IResult> StartAsync(HttpRequest request, CancellationToken ct) =>
        HttpEndpoints.Redirect(await flow.BeginAsync(ct));

    /// <summary>GET /api/oauth/link?t=… (anonymous): a one-time setup link from Telegram or the status page.</summary>
    public async Task<IResult> LinkAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (result, authorize) = await flow.BeginFromLinkAsync(request.QueryValue("t"), ct);
        return result switch
        {
            ConsumeResult.Accepted => HttpEndpoints.Redirect(authorize!),
            ConsumeResult.Expired => HttpEndpoints.Problem(request, 400, "Link expired", "This setup link has expired (links work for 24 hours). Send /connect to the bot, or open the status page, for a new one."),
            ConsumeResult.AlreadyUsed => HttpEndpoints.Problem(request, 400, "Link already used", "This setup link was already used; each works once. Send /connect to the bot for a new one."),
            _ => HttpEndpoints.Problem(request, 400, "Unknown link", $"This is not a setup link this app issued. Open {urls.StatusPage.AbsoluteUri} or send /connect to the bot."),
        };
    }

    /// <summary>GET /api/oauth/callback (anonymous: hh.ru redirects here): validates state, exchanges the code, stores the pair.</summary>
    public async Task<IResult> CallbackAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var result = await flow.CompleteAsync(query, ct);
        if (!result.Succeeded)
        {
            var status = result.Error switch
            {
                CallbackError.HhUnavailable => 502,
                CallbackError.Configuration => 503,
                _ => 400,
            };
            return HttpEndpoints.Problem(request, status, Title(result.Error), result.Message);
        }

        return PageRenderer.Result<ConnectedView>(200, ConnectedView.With(result, StatusLink.For(request)));
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
