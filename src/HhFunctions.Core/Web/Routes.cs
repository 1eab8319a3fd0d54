namespace HhFunctions.Web;

/// <summary>
/// Every function's name and route (without the host's "api/" prefix). The Functions worker's attributes and
/// the standalone host's route table both read them, so the two hosts cannot drift apart.
/// </summary>
public static class Routes
{
    public const string Prefix = "api";

    public const string OAuthStart = "oauth/start";
    public const string OAuthLink = "oauth/link";
    public const string OAuthCallback = "oauth/callback";
    public const string Status = "status";
    public const string TelegramWebhook = "telegram/webhook";
    public const string Vacancies = "vacancies";
    public const string VacanciesCsv = "vacancies.csv";
    public const string VacanciesJson = "vacancies.json";
    public const string Applications = "applications";
    public const string ApplicationsCsv = "applications.csv";
    public const string ApplicationsJson = "applications.json";
}
