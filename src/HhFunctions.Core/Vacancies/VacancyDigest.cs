using System.Globalization;
using System.Net;
using System.Text;
using HhFunctions.Applying;
using HhFunctions.State;

namespace HhFunctions.Vacancies;

/// <summary>One source's new matches in a digest; on the source's first run only the newest are listed.</summary>
public sealed record DigestSection(string Source, IReadOnlyList<VacancyRecord> Listed, int MoreStored, bool FirstRun);

/// <summary>An inline button under a digest message.</summary>
public sealed record DigestButton(string Text, string CallbackData);

public sealed record DigestMessage(string Html, IReadOnlyList<DigestButton> Buttons);

/// <summary>
/// The Telegram digest of a watch run: title, employer, salary and link per new vacancy, HTML, split into as few
/// messages as Telegram's 4096-character limit allows, each with a "Hide" button per vacancy it lists.
/// </summary>
public static class VacancyDigest
{
    /// <summary>Room kept below Telegram's 4096 characters.</summary>
    public const int MaxMessageLength = 3900;

    /// <summary>Telegram allows 100 inline buttons a message.</summary>
    public const int MaxButtons = 90;

    public const string HidePrefix = "hide:";

    private static readonly NumberFormatInfo Grouping = new() { NumberGroupSeparator = " ", NumberDecimalDigits = 0 };

    public static IReadOnlyList<DigestMessage> Build(IReadOnlyList<DigestSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var total = sections.Sum(s => s.Listed.Count + s.MoreStored);
        var messages = new List<DigestMessage>();
        if (sections.All(s => s.Listed.Count == 0 && s.MoreStored == 0))
        {
            return messages;
        }

        var header = string.Create(CultureInfo.InvariantCulture, $"🆕 <b>{total} new {(total == 1 ? "vacancy" : "vacancies")}</b>\n");
        var text = new StringBuilder(header);
        var buttons = new List<DigestButton>();
        var number = 0;

        void Flush()
        {
            messages.Add(new DigestMessage(text.ToString().TrimEnd(), buttons.ToList()));
            text.Clear().Append("🆕 <i>(continued)</i>\n");
            buttons.Clear();
        }

        foreach (var section in sections.Where(s => s.Listed.Count > 0 || s.MoreStored > 0))
        {
            var title = section.FirstRun
                ? string.Create(CultureInfo.InvariantCulture, $"\n🔎 <b>{E(Cut(section.Source, 120))}</b> — first run, newest {section.Listed.Count} of {section.Listed.Count + section.MoreStored}\n")
                : $"\n🔎 <b>{E(Cut(section.Source, 120))}</b>\n";
            if (text.Length + title.Length > MaxMessageLength)
            {
                Flush();
            }

            text.Append(title);
            foreach (var v in section.Listed)
            {
                var entry = Entry(++number, v);
                if (text.Length + entry.Length > MaxMessageLength || buttons.Count + 2 > MaxButtons)
                {
                    Flush();
                    text.Append(CultureInfo.InvariantCulture, $"🔎 <b>{E(Cut(section.Source, 120))}</b>\n");
                }

                text.Append(entry);
                buttons.Add(new DigestButton(string.Create(CultureInfo.InvariantCulture, $"🙈 Hide {number}"), HidePrefix + v.Id));
                buttons.Add(new DigestButton(string.Create(CultureInfo.InvariantCulture, $"✉️ Apply {number}"), ApplyPrompts.CallbackData(ApplyPrompts.ApplyAction, v.Id)));
            }

            if (section.MoreStored > 0)
            {
                var more = string.Create(CultureInfo.InvariantCulture, $"…and {section.MoreStored} more stored: see the Vacancies page (/api/vacancies) or its CSV export.\n");
                if (text.Length + more.Length > MaxMessageLength)
                {
                    Flush();
                }

                text.Append(more);
            }
        }

        Flush();
        return messages;
    }

    public static string Entry(int number, VacancyRecord v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var name = E(Cut(v.Name, 150));
        var link = v.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps
            ? $"<a href=\"{E(u.AbsoluteUri)}\">{name}</a>"
            : name;
        var details = new List<string> { E(Cut(v.Employer ?? "employer not named", 80)), E(Salary(v)) };
        if (v.Area is { Length: > 0 } area)
        {
            details.Add(E(Cut(area, 40)));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{number}. {link}\n    {string.Join(" · ", details)}\n");
    }

    /// <summary>"150 000–250 000 RUR", "from 150 000 RUR", "up to 90 000 USD (gross)", "salary not stated".</summary>
    public static string Salary(VacancyRecord v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var currency = v.Currency is { Length: > 0 } c ? " " + c : string.Empty;
        var gross = v.Gross == true ? " (gross)" : string.Empty;
        return (v.SalaryFrom, v.SalaryTo) switch
        {
            ({ } from, { } to) when from == to => N(from) + currency + gross,
            ({ } from, { } to) => N(from) + "–" + N(to) + currency + gross,
            ({ } from, null) => "from " + N(from) + currency + gross,
            (null, { } to) => "up to " + N(to) + currency + gross,
            _ => "salary not stated",
        };
    }

    private static string N(decimal value) => value.ToString("N0", Grouping);

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
