using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace HhFunctions.Applying;

/// <summary>What a letter may say: the vacancy, its employer, the user's first name, the skills both share.</summary>
public sealed record LetterFacts(string Vacancy, string Employer, string Name, IReadOnlyList<string> Skills);

/// <summary>A composed letter (null: none available), its kind, and what went wrong on the way (told to the owner).</summary>
public sealed record ComposedLetter(string? Text, LetterKind Kind, string? Problem);

/// <summary>
/// Cover letters: a generated one from an OpenAI-compatible chat endpoint when Apply__Llm__Endpoint and
/// __Model are set, else (or when that fails or times out) the template. Never over hh.ru's 10,000 characters.
/// The API key is never logged: failures are logged by exception type only.
/// </summary>
public sealed partial class CoverLetters(IOptions<ApplyOptions> options, IHttpClientFactory httpFactory, TimeProvider time, ILogger<CoverLetters> logger)
{
    public const string LlmHttpClient = "apply-llm";

    public async Task<ComposedLetter> ComposeAsync(LetterFacts facts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var (template, templateProblem) = LoadTemplate();
        var fromTemplate = template is null ? null : Fit(Render(template, facts));
        var llm = options.Value.Llm;
        if (!llm.IsEnabled)
        {
            return new ComposedLetter(fromTemplate, fromTemplate is null ? LetterKind.None : LetterKind.Template, templateProblem);
        }

        var (generated, problem) = await GenerateAsync(facts, template, llm, ct);
        if (generated is not null)
        {
            return new ComposedLetter(Fit(generated), LetterKind.Generated, null);
        }

        var fallback = fromTemplate is null
            ? $"The generated letter failed ({problem}) and no template is set (Apply__LetterTemplate), so there is no letter."
            : $"The generated letter failed ({problem}); the template was used instead.";
        return new ComposedLetter(fromTemplate, fromTemplate is null ? LetterKind.None : LetterKind.Template, fallback);
    }

    /// <summary>Replaces {vacancy}, {employer}, {name} and {skills}; skills joined with ", " (empty when none match).</summary>
    public static string Render(string template, LetterFacts facts)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(facts);
        return template
            .Replace("{vacancy}", facts.Vacancy, StringComparison.Ordinal)
            .Replace("{employer}", facts.Employer, StringComparison.Ordinal)
            .Replace("{name}", facts.Name, StringComparison.Ordinal)
            .Replace("{skills}", string.Join(", ", facts.Skills), StringComparison.Ordinal)
            .Trim();
    }

    /// <summary>hh.ru refuses letters over 10,000 characters: cut at the last whitespace before the limit.</summary>
    public static string? Fit(string? letter)
    {
        if (string.IsNullOrWhiteSpace(letter))
        {
            return null;
        }

        letter = letter.Trim();
        if (letter.Length <= ApplyOptions.MaxLetterLength)
        {
            return letter;
        }

        var cut = letter[..ApplyOptions.MaxLetterLength];
        var space = cut.LastIndexOfAny([' ', '\n']);
        return (space > ApplyOptions.MaxLetterLength / 2 ? cut[..space] : cut).TrimEnd();
    }

    /// <summary>The vacancy's key skills that the resume lists too (case-insensitive), in the vacancy's order.</summary>
    public static IReadOnlyList<string> SharedSkills(IEnumerable<string?>? vacancySkills, IEnumerable<string>? resumeSkills, string? resumeSkillsText)
    {
        var mine = new HashSet<string>((resumeSkills ?? []).Select(s => s.Trim()), StringComparer.OrdinalIgnoreCase);
        return (vacancySkills ?? [])
            .Where(s => !string.IsNullOrWhiteSpace(s))
            .Select(s => s!.Trim())
            .Where(s => mine.Contains(s) || (resumeSkillsText?.Contains(s, StringComparison.OrdinalIgnoreCase) ?? false))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private (string? Template, string? Problem) LoadTemplate()
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.LetterTemplate))
        {
            return (o.LetterTemplate.Replace("\\n", "\n", StringComparison.Ordinal), null);
        }

        if (string.IsNullOrWhiteSpace(o.LetterTemplateFile))
        {
            return (null, null);
        }

        try
        {
            var text = File.ReadAllText(o.LetterTemplateFile, Encoding.UTF8);
            return string.IsNullOrWhiteSpace(text) ? (null, $"Apply__LetterTemplateFile {o.LetterTemplateFile} is empty.") : (text, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            Log.TemplateUnreadable(logger, o.LetterTemplateFile, ex.GetType().Name);
            return (null, $"Apply__LetterTemplateFile {o.LetterTemplateFile} cannot be read ({ex.GetType().Name}).");
        }
    }

    private async Task<(string? Letter, string? Problem)> GenerateAsync(LetterFacts facts, string? template, ApplyLlmOptions llm, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(llm.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            var http = httpFactory.CreateClient(LlmHttpClient);
            http.Timeout = Timeout.InfiniteTimeSpan; // the token above owns the time limit
            var client = new OpenAI.Chat.ChatClient(
                    llm.Model!,
                    new ApiKeyCredential(string.IsNullOrWhiteSpace(llm.ApiKey) ? "none" : llm.ApiKey),
                    new OpenAIClientOptions
                    {
                        Endpoint = llm.Endpoint,
                        Transport = new HttpClientPipelineTransport(http),
                        RetryPolicy = new ClientRetryPolicy(0), // one try: the template is the fallback
                        NetworkTimeout = llm.Timeout,
                    })
                .AsIChatClient();
            var response = await client.GetResponseAsync(Prompt(facts, template, llm), cancellationToken: linked.Token);
            var text = response.Text;
            if (string.IsNullOrWhiteSpace(text))
            {
                Log.GenerationFailed(logger, "EmptyAnswer");
                return (null, "the endpoint answered with no text");
            }

            return (text.Trim(), null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            Log.GenerationFailed(logger, "Timeout");
            return (null, $"no answer within {llm.Timeout.TotalSeconds:0} s");
        }
        catch (ClientResultException ex)
        {
            Log.GenerationFailed(logger, "HTTP " + ex.Status);
            return (null, $"the endpoint answered HTTP {ex.Status}");
        }
#pragma warning disable CA1031 // Any failure of the optional generator falls back to the template; only its type is logged (no key, no body).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.GenerationFailed(logger, ex.GetType().Name);
            return (null, ex.GetType().Name);
        }
    }

    private static List<ChatMessage> Prompt(LetterFacts facts, string? template, ApplyLlmOptions llm)
    {
        var system = new StringBuilder("You write short, honest cover letters for job applications on hh.ru. ")
            .Append("Write in the language of the vacancy title. No more than 1200 characters. Plain text, no markdown, no placeholders. ")
            .Append("Do not invent experience; mention only the skills given.");
        if (!string.IsNullOrWhiteSpace(llm.Instructions))
        {
            system.Append(' ').Append(llm.Instructions);
        }

        var user = new StringBuilder()
            .Append("Vacancy: ").Append(facts.Vacancy).Append('\n')
            .Append("Employer: ").Append(facts.Employer).Append('\n')
            .Append("Applicant's first name: ").Append(facts.Name).Append('\n')
            .Append("Skills the vacancy asks for that the resume lists: ").Append(facts.Skills.Count == 0 ? "(none listed)" : string.Join(", ", facts.Skills));
        if (template is not null)
        {
            user.Append("\nThe applicant's usual letter, for tone:\n").Append(Render(template, facts));
        }

        return [new ChatMessage(ChatRole.System, system.ToString()), new ChatMessage(ChatRole.User, user.ToString())];
    }

    private static partial class Log
    {
        [LoggerMessage(7101, LogLevel.Warning, "Cover letter: the generated letter failed ({Reason}); the template is used.")]
        public static partial void GenerationFailed(ILogger logger, string reason);

        [LoggerMessage(7102, LogLevel.Warning, "Cover letter: Apply__LetterTemplateFile {Path} cannot be read ({Error}).")]
        public static partial void TemplateUnreadable(ILogger logger, string path, string error);
    }
}
