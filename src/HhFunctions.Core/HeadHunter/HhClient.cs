using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HhFunctions.HeadHunter.Models;

namespace HhFunctions.HeadHunter;

/// <summary>
/// hh.ru API calls made with the user's access token. Every failure becomes an <see cref="HhApiException"/>
/// carrying a parsed <see cref="HhError"/>; HTML and empty bodies are handled, never thrown raw.
/// </summary>
public sealed partial class HhClient(HttpClient http)
{
    private const int PageSize = 50;

    public async Task<HhMe> GetMeAsync(string accessToken, CancellationToken ct)
    {
        using var request = Create(HttpMethod.Get, "me", accessToken);
        return await SendForJsonAsync<HhMe>(request, ct);
    }

    /// <summary>All resumes of the account, every page.</summary>
    public async Task<IReadOnlyList<HhResume>> GetMyResumesAsync(string accessToken, CancellationToken ct)
    {
        var all = new List<HhResume>();
        for (var page = 0; ; page++)
        {
            using var request = Create(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"resumes/mine?page={page}&per_page={PageSize}"), accessToken);
            var result = await SendForJsonAsync<HhResumePage>(request, ct);
            all.AddRange(result.Items ?? []);
            if (result.Items is not { Count: > 0 } || page + 1 >= result.Pages || page >= 100)
            {
                return all;
            }
        }
    }

    /// <summary>One resume of the account (GET /resumes/{id}): the author sees can_publish_or_update and next_publish_at.</summary>
    public async Task<HhResume> GetResumeAsync(string accessToken, string resumeId, CancellationToken ct)
    {
        using var request = Create(HttpMethod.Get, $"resumes/{Uri.EscapeDataString(resumeId)}", accessToken);
        return await SendForJsonAsync<HhResume>(request, ct);
    }

    /// <summary>Raises (publishes) a resume. 204 is success; everything else throws, 429 touch_limit_exceeded included.</summary>
    public async Task PublishAsync(string accessToken, string resumeId, CancellationToken ct)
    {
        using var request = Create(HttpMethod.Post, $"resumes/{Uri.EscapeDataString(resumeId)}/publish", accessToken);
        using var response = await SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, ct);
        }
    }

    private static HttpRequestMessage Create(HttpMethod method, string relative, string accessToken)
    {
        var request = new HttpRequestMessage(method, new Uri(relative, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    private async Task<T> SendForJsonAsync<T>(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, ct);
        }

        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return JsonSerializer.Deserialize<T>(body, HhJson.Options)
                ?? throw new JsonException("empty document");
        }
        catch (JsonException)
        {
            throw new HhApiException(new HhError((int)response.StatusCode, HhErrorKind.NonJsonResponse, null, null, null,
                $"hh.ru answered {request.RequestUri} with HTTP {(int)response.StatusCode} but a body that is not the expected JSON."));
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new HhApiException(new HhError(0, HhErrorKind.Network, null, null, null, $"hh.ru unreachable ({ex.HttpRequestError})."));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new HhApiException(new HhError(0, HhErrorKind.Network, null, null, null, "hh.ru did not answer in time."));
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            throw new HhApiException(new HhError(0, HhErrorKind.Network, null, null, null, "hh.ru did not answer in time."));
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new HhApiException(new HhError(0, HhErrorKind.ServerError, null, null, null, "hh.ru failed repeatedly; calls are paused for a moment."));
        }
    }

    private static async Task<HhApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        return new HhApiException(HhError.Parse(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType));
    }

    /// <summary>Retry predicate for the resilience pipeline: 5xx, 408, 429 except touch_limit_exceeded, network faults.</summary>
    internal static async ValueTask<bool> ShouldRetryAsync(HttpResponseMessage? response, Exception? exception, CancellationToken ct)
    {
        if (exception is not null)
        {
            return exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException;
        }

        if (response is null)
        {
            return false;
        }

        var code = (int)response.StatusCode;
        if (code >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            if (response.RequestMessage?.Options.TryGetValue(NoRetryOnTooManyRequests, out var noRetry) == true && noRetry)
            {
                return false; // The vacancy watch stops its run on a 429 instead of retrying.
            }

            await response.Content.LoadIntoBufferAsync(ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return !body.Contains("touch_limit_exceeded", StringComparison.Ordinal);
        }

        return false;
    }
}
