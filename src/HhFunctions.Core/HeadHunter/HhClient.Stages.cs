using HhFunctions.HeadHunter.Models;

namespace HhFunctions.HeadHunter;

public sealed partial class HhClient
{
    /// <summary>
    /// GET /negotiations/{topicId} as an employer, read for its employer state and its actions (the moves hh.ru offers
    /// in that state, each with its url, method and arguments; ../shared/hh-employer-api.md §4.2).
    /// </summary>
    public async Task<HhTopicWithActions> GetNegotiationActionsAsync(string accessToken, string topicId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicId);
        using var request = CreateEmployer(HttpMethod.Get, $"negotiations/{Uri.EscapeDataString(topicId)}", accessToken);
        return await SendForJsonAsync<HhTopicWithActions>(request, ct);
    }
}
