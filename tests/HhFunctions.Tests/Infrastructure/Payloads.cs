namespace HhFunctions.Tests.Infrastructure;

/// <summary>Real-shaped request bodies stored as embedded resources under Payloads/.</summary>
public static class Payloads
{
    public static string Read(string name)
    {
        var assembly = typeof(Payloads).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
