using Microsoft.Extensions.Http;

namespace HhFunctions.Testing;

/// <summary>Replaces every IHttpClientFactory client's primary handler with the fake network.</summary>
public sealed class FakeNetworkFilter(FakeNetwork network) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(builder);
        next(builder);
        builder.PrimaryHandler = new Forwarder(network);
    };

    /// <summary>The handler pipeline disposes its primary handler; the shared fake must outlive it.</summary>
    private sealed class Forwarder(FakeNetwork network) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _invoker = new(network, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _invoker.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _invoker.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
