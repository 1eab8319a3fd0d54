using System.Net;

namespace HhFunctions.Pages;

/// <summary>Small, dependency-free HTML pages. Every dynamic value goes through <see cref="E"/>.</summary>
public static class HtmlPage
{
    private const string Style = """
        :root { color-scheme: light dark; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --muted:#6e7781; }
        body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
        h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
        table { border-collapse: collapse; width: 100%; font-size: .95rem; } th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #8884; vertical-align: top; }
        .ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); } .muted { color: var(--muted); }
        .button { display: inline-block; padding: .5rem 1rem; border: 0; border-radius: .4rem; background: #0969da; color: #fff; text-decoration: none; font: inherit; font-weight: 600; cursor: pointer; }
        .card { border: 1px solid #8886; border-radius: .5rem; padding: 1rem 1.25rem; margin: 1rem 0; }
        .card > :first-child { margin-top: 0; } .card > :last-child { margin-bottom: 0; }
        code { font-size: .9em; } .nowrap { white-space: nowrap; }
        textarea, input[type=text], input[type=password] { width: 100%; box-sizing: border-box; font: inherit; padding: .4rem; }
        details.card summary { cursor: pointer; } button.button { border: 0; font: inherit; cursor: pointer; }
        @media (max-width: 40rem) {
          table.stack thead { display: none; }
          table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; }
          table.stack tr { border-bottom: 1px solid #8884; padding: .5rem 0; }
          table.stack td { border: 0; padding: .1rem 0; }
          table.stack td.title { font-weight: 600; }
          table.stack td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
        }
        """;

    public static string E(string? value) => WebUtility.HtmlEncode(value ?? string.Empty);

    public static string Render(string title, string bodyHtml) =>
        $"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
        <title>{E(title)} · HhFunctions</title><style>{Style}</style></head>
        <body>
        {bodyHtml}
        </body>
        </html>
        """;

}
