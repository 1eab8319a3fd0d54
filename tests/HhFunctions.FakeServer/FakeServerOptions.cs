using System.Globalization;

namespace HhFunctions.FakeServer;

/// <summary>
/// Command line of the fake server: <c>--port N</c> (or just <c>N</c>; 0 picks a free port) and any number of
/// <c>--resume id=title</c>; for the recruiting side <c>--employer</c> (hh.ru's account is an employer's, with a
/// vacancy and <c>--responses N</c> responses), <c>--webhook-url URL</c> (hh.ru already has a webhook subscription
/// to this address, so the seeded responses' callbacks go there) and <c>--delivery-interval SECONDS</c>.
/// </summary>
public sealed class FakeServerOptions
{
    public const string Usage = "usage: HhFunctions.FakeServer --port <0-65535> [--resume <id>=<title>]... [--employer] [--responses <0-50>] [--webhook-url <http(s) URL>] [--delivery-interval <seconds>]";

    public const int DefaultResponses = 3;

    /// <summary>Seeded when no --resume is given: two published resumes hh.ru would let the app raise at once.</summary>
    public static readonly IReadOnlyList<(string Id, string Title)> DefaultResumes =
    [
        ("smoke-resume-1", "C# developer (smoke test)"),
        ("smoke-resume-2", "Backend engineer (smoke test)"),
    ];

    public int Port { get; private init; }

    public IReadOnlyList<(string Id, string Title)> Resumes { get; private init; } = DefaultResumes;

    /// <summary>hh.ru's account is an employer's (FakeHhApi.IsEmployer): the employer side is served and seeded.</summary>
    public bool Employer { get; private init; }

    /// <summary>Responses seeded on the employer's vacancy at start.</summary>
    public int Responses { get; private init; } = DefaultResponses;

    /// <summary>A webhook subscription hh.ru holds from the start (the app's own subscription replaces its address).</summary>
    public Uri? WebhookUrl { get; private init; }

    /// <summary>How often the delivery loop sends the callbacks that are due.</summary>
    public TimeSpan DeliveryInterval { get; private init; } = TimeSpan.FromSeconds(1);

    public static bool TryParse(IReadOnlyList<string> args, out FakeServerOptions? options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = null;
        error = null;
        int? port = null;
        var resumes = new List<(string Id, string Title)>();
        var employer = false;
        int? responses = null;
        Uri? webhook = null;
        var interval = TimeSpan.FromSeconds(1);
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
                case "--employer":
                    employer = true;
                    break;
                case "--responses" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 50)
                    {
                        error = $"--responses takes a number from 0 to 50, got '{args[i]}'";
                        return false;
                    }

                    responses = n;
                    break;
                case "--webhook-url" when i + 1 < args.Count:
                    if (!Uri.TryCreate(args[++i], UriKind.Absolute, out webhook) || webhook.Scheme is not ("http" or "https"))
                    {
                        error = "--webhook-url takes an absolute http(s) URL, such as http://127.0.0.1:7071/api/hh/webhook/{key}";
                        return false;
                    }

                    break;
                case "--delivery-interval" when i + 1 < args.Count:
                    if (!double.TryParse(args[++i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds is < 0.05 or > 3600)
                    {
                        error = $"--delivery-interval takes seconds from 0.05 to 3600, got '{args[i]}'";
                        return false;
                    }

                    interval = TimeSpan.FromSeconds(seconds);
                    break;
                case "--port" or "--resume" or "--responses" or "--webhook-url" or "--delivery-interval":
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

        options = new FakeServerOptions
        {
            Port = port.Value,
            Resumes = resumes.Count == 0 ? DefaultResumes : resumes,
            Employer = employer || responses is not null || webhook is not null,
            Responses = responses ?? DefaultResponses,
            WebhookUrl = webhook,
            DeliveryInterval = interval,
        };
        return true;
    }

    private static bool TryPort(string value, out int? port, out string? error)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535)
        {
            port = p;
            error = null;
            return true;
        }

        port = null;
        error = $"'{value}' is not a TCP port (1-65535, or 0 for any free one)";
        return false;
    }
}
