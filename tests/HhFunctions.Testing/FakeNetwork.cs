namespace HhFunctions.Testing;

/// <summary>
/// The only "network" tests see: routes by host to the fakes and throws on anything else, so an
/// unexpected call fails the test instead of leaving the machine.
/// </summary>
public sealed class FakeNetwork(FakeHhApi hh, FakeTelegramApi telegram) : DelegatingHandler
{
    public FakeHhApi Hh { get; } = hh;

    public FakeTelegramApi Telegram { get; } = telegram;

    /// <summary>An OpenAI-compatible chat endpoint at https://llm.test/v1 (cover letters).</summary>
    public FakeChatApi Chat { get; init; } = new();

    /// <summary>A Bitrix24 portal at https://hhtest.bitrix24.test (the recruiting side's CRM), when a test sets one.</summary>
    public FakeBitrix24Portal? Bitrix24 { get; init; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await (request.RequestUri?.Host switch
        {
            "api.hh.ru" => Hh.HandleAsync(request, cancellationToken),
            "api.telegram.org" => Telegram.HandleAsync(request, cancellationToken),
            "llm.test" => Chat.HandleAsync(request, cancellationToken),
            FakeBitrix24Portal.Host when Bitrix24 is not null => Bitrix24.HandleAsync(request, cancellationToken),
            _ => throw new InvalidOperationException($"Unexpected request to {request.RequestUri}: no fake is registered for this host."),
        });

        // Real handlers link every response to its request; the retry predicate reads the request's options.
        response.RequestMessage ??= request;
        return response;
    }
}
