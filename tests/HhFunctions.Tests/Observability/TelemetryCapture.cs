using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using HhFunctions.Observability;

namespace HhFunctions.Tests.Observability;

/// <summary>Tests that read <see cref="AppTelemetry"/>'s process-wide meter and source run one at a time, apart from every other test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestGroup
{
    public const string Name = "telemetry";
}

/// <summary>Every measurement of the app's meter and every finished span of its source (and HttpClient's), in process.</summary>
public sealed class TelemetryCapture : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _spans;

    public TelemetryCapture()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AppTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, value, tags, _) => Measurements.Add(new(i.Name, value, tags.ToArray())));
        _meters.SetMeasurementEventCallback<double>((i, value, tags, _) => Measurements.Add(new(i.Name, value, tags.ToArray())));
        _meters.Start();
        _spans = new ActivityListener
        {
            ShouldListenTo = s => s.Name == AppTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Add,
        };
        ActivitySource.AddActivityListener(_spans);
    }

    public ConcurrentBag<Measurement> Measurements { get; } = [];

    public ConcurrentBag<Activity> Spans { get; } = [];

    public double Sum(string instrument, params (string Key, string Value)[] tags) =>
        Measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value?.ToString(), t.Value)))).Sum(m => m.Value);

    /// <summary>Every tag value and span attribute, span name and status text, as text.</summary>
    public IReadOnlyList<string> Texts() =>
        [
            .. Measurements.SelectMany(m => m.Tags.Select(t => m.Instrument + " " + t.Key + "=" + t.Value)),
            .. Spans.SelectMany(s => s.TagObjects.Select(t => s.DisplayName + " " + t.Key + "=" + t.Value).Append(s.DisplayName).Append(s.StatusDescription ?? string.Empty)),
        ];

    public void Dispose()
    {
        _meters.Dispose();
        _spans.Dispose();
    }

    public sealed record Measurement(string Instrument, double Value, KeyValuePair<string, object?>[] Tags);
}
