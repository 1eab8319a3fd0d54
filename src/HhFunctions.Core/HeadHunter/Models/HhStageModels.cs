namespace HhFunctions.HeadHunter.Models;

/// <summary>A negotiation's employer state and the actions hh.ru offers in it (GET /negotiations/{id}).</summary>
public sealed record HhTopicWithActions(string Id, HhIdName? EmployerState, IReadOnlyList<HhTopicAction>? Actions);

/// <summary>One action of a negotiation (VacancyNegotiationActions): call <see cref="Url"/> with <see cref="Method"/>, arguments as a form.</summary>
public sealed record HhTopicAction(
    string? Id,
    string? Name,
    string? Method,
    string? Url,
    bool? Enabled,
    bool? Hidden,
    HhIdName? ResultingEmployerState,
    IReadOnlyList<HhTopicActionArgument>? Arguments);

/// <summary>An argument an action takes: message, send_sms, address_id, ...</summary>
public sealed record HhTopicActionArgument(string? Id, bool? Required);
