using HhFunctions.Queues;
using HhFunctions.Recruiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HhFunctions.Functions;

/// <summary>Bitrix24's outgoing webhook (anonymous; the key in the path and the application token in the form authenticate it): the logic is in <see cref="BitrixEventsEndpoint"/>.</summary>
public sealed class BitrixEventsFunction(BitrixEventsEndpoint endpoint)
{
    [Function("BitrixEvents")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = RecruitingStageRoutes.BitrixEvents)] HttpRequest req) =>
        FunctionsHost.RunAsync(req, "BitrixEvents", endpoint.EventAsync);
}

/// <summary>Sync back's queue (docs/recruiting.md, "Sync back").</summary>
public sealed class RecruitingStageFunctions(IQueueHandler<CrmStageEvent> handler, TimeProvider time)
{
    /// <summary>A CRM record that may have moved (Bitrix24's event or the reconcile fallback): its hh.ru action, once.</summary>
    [Function("CrmStageEvents")]
    public async Task Events([QueueTrigger(CrmStageEvent.Queue, Connection = FunctionsHost.StorageConnection)] string message, CancellationToken ct) =>
        await handler.HandleAsync(message, time, ct);
}
