using System.Text.Json.Serialization;
using HhFunctions.State;
using HhFunctions.Tokens;
using HhFunctions.Web;

namespace HhFunctions.Observability;

/// <summary>
/// One check of GET /api/health. Shared parts and features register theirs (<c>services.AddTransient&lt;IHealthProbe, …&gt;()</c>),
/// so the route names no feature. A probe's detail is a fixed sentence or a count: no secret, no personal data, no
/// exception message.
/// </summary>
public interface IHealthProbe
{
    /// <summary>The check's name in the answer (camelCase, e.g. "stateStore").</summary>
    string Name { get; }

    /// <summary>The check now; throwing counts as failing ("unreachable").</summary>
    Task<HealthCheck> CheckAsync(CancellationToken ct);
}

public sealed record HealthCheck(string Name, bool Healthy, string Detail)
{
    public static HealthCheck Pass(string name, string detail) => new(name, true, detail);

    public static HealthCheck Fail(string name, string detail) => new(name, false, detail);
}

/// <summary>The health route's answer: "healthy" with 200, or "unhealthy" with 503 and the failing checks' names.</summary>
public sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("checkedAt")] DateTimeOffset CheckedAt,
    [property: JsonPropertyName("failing")] IReadOnlyList<string> Failing,
    [property: JsonPropertyName("checks")] IReadOnlyList<HealthCheck> Checks);

/// <summary>
/// GET /api/health (anonymous): every <see cref="IHealthProbe"/> side by side, each given <see cref="ProbeTimeout"/>,
/// answered as JSON. For Azure's health check (siteConfig.healthCheckPath), container probes and uptime monitors.
/// </summary>
public sealed class HealthEndpoint(IEnumerable<IHealthProbe> probes, TimeProvider time)
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken ct)
    {
        var report = await CheckAsync(ct);
        return HttpEndpoints.Json(report.Failing.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, report);
    }

    public async Task<HealthReport> CheckAsync(CancellationToken ct)
    {
        var checks = await Task.WhenAll(probes.Select(p => RunAsync(p, ct)));
        var failing = checks.Where(c => !c.Healthy).Select(c => c.Name).ToList();
        return new HealthReport(failing.Count == 0 ? "healthy" : "unhealthy", time.GetUtcNow(), failing, checks);
    }

    private async Task<HealthCheck> RunAsync(IHealthProbe probe, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return await probe.CheckAsync(linked.Token).WaitAsync(ProbeTimeout, time, ct);
        }
        catch (TimeoutException)
        {
            return HealthCheck.Fail(probe.Name, "no answer within 5 seconds");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return HealthCheck.Fail(probe.Name, "no answer within 5 seconds");
        }
#pragma warning disable CA1031 // any failure of a dependency is an unhealthy check, named by its type only
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return HealthCheck.Fail(probe.Name, "unreachable (" + ex.GetType().Name + ")");
        }
    }
}

/// <summary>The state store answers a read.</summary>
public sealed class StateStoreProbe(IStateStore state) : IHealthProbe
{
    public string Name => "stateStore";

    public async Task<HealthCheck> CheckAsync(CancellationToken ct)
    {
        await state.GetAccountAsync(ct);
        return HealthCheck.Pass(Name, "reachable");
    }
}

/// <summary>The token vault answers a read (the pair read is dropped at once; only whether one is stored is told).</summary>
public sealed class TokenVaultProbe(ITokenVault vault) : IHealthProbe
{
    public string Name => "tokenVault";

    public async Task<HealthCheck> CheckAsync(CancellationToken ct)
    {
        var stored = await vault.ReadAsync(ct) is not null;
        return HealthCheck.Pass(Name, stored ? "reachable, a token pair is stored" : "reachable, no token pair stored");
    }
}

/// <summary>
/// The hh.ru account: connected, or never connected (a choice, not a fault: the vacancy watch runs on the application's
/// token), is healthy; an account whose connection was lost (reconnect needed) is not.
/// </summary>
public sealed class AccountProbe(IStateStore state) : IHealthProbe
{
    public string Name => "account";

    public async Task<HealthCheck> CheckAsync(CancellationToken ct)
    {
        var account = await state.GetAccountAsync(ct);
        return account.Status switch
        {
            AccountStatus.Connected => HealthCheck.Pass(Name, "connected"),
            AccountStatus.NotConnected => HealthCheck.Pass(Name, "not connected"),
            AccountStatus.NoApplicantAccess => HealthCheck.Pass(Name, "connected; hh.ru refuses this application the applicant API"),
            _ => HealthCheck.Fail(Name, "the connection was lost: reconnect on the status page"),
        };
    }
}
