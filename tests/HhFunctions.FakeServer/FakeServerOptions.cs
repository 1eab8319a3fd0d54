using System.Globalization;

namespace HhFunctions.FakeServer;

/// <summary>Command line of the fake server: <c>--port N</c> (or just <c>N</c>) and any number of <c>--resume id=title</c>.</summary>
public sealed class FakeServerOptions
{
    public const string Usage = "usage: HhFunctions.FakeServer --port <1-65535> [--resume <id>=<title>]...";

    /// <summary>Seeded when no --resume is given: two published resumes hh.ru would let the app raise at once.</summary>
    public static readonly IReadOnlyList<(string Id, string Title)> DefaultResumes =
    [
        ("smoke-resume-1", "C# developer (smoke test)"),
        ("smoke-resume-2", "Backend engineer (smoke test)"),
    ];

    public int Port { get; private init; }

    public IReadOnlyList<(string Id, string Title)> Resumes { get; private init; } = DefaultResumes;

    public static bool TryParse(IReadOnlyList<string> args, out FakeServerOptions? options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = null;
        error = null;
        int? port = null;
        var resumes = new List<(string Id, string Title)>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--port" when i + 1 < args.Count:
                    if (!TryPort(args[++i], out port, out error))
                    {
                        return false;
                    }

                    break;
                case "--resume" when i + 1 < args.Count:
                    var value = args[++i];
                    var eq = value.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0 || eq == value.Length - 1)
                    {
                        error = $"--resume takes <id>=<title>, got '{value}'";
                        return false;
                    }

                    resumes.Add((value[..eq], value[(eq + 1)..]));
                    break;
                case "--port" or "--resume":
                    error = $"{arg} needs a value";
                    return false;
                case "-h" or "--help":
                    error = "help requested";
                    return false;
                default:
                    if (port is null && !arg.StartsWith('-') && TryPort(arg, out port, out _))
                    {
                        break;
                    }

                    error = $"unexpected argument '{arg}'";
                    return false;
            }
        }

        if (port is null)
        {
            error = "no port given";
            return false;
        }

        options = new FakeServerOptions { Port = port.Value, Resumes = resumes.Count == 0 ? DefaultResumes : resumes };
        return true;
    }

    private static bool TryPort(string value, out int? port, out string? error)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535)
        {
            port = p;
            error = null;
            return true;
        }

        port = null;
        error = $"'{value}' is not a TCP port (1-65535)";
        return false;
    }
}
