using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.Testing;
using HhFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HhFunctions.Tests.HeadHunter;

/// <summary>
/// <see cref="HhClient"/>'s employer calls against the fake hh.ru over the HTTP boundary (../shared/hh-employer-api.md):
/// what each call sends, what it makes of each answer, and what it refuses to send at all.
/// </summary>
public sealed class HhClientEmployerTests : IDisposable
{
    private const string UserAgent = "HhFunctionsTests/1.0 (tests@example.com)";

    private static readonly Uri CallbackUrl = new("https://hhfunctions.example/api/hh/webhook/k3y-0123456789abcdef0123456789abcdef");

    private static readonly IReadOnlyList<HhWebhookAction> Actions =
    [
        new("NEW_RESPONSE_OR_INVITATION_VACANCY", new HhWebhookActionSettings(false)),
        new("NEGOTIATION_EMPLOYER_STATE_CHANGE", null),
    ];

    private readonly FakeTimeProvider _time = FakeClock.Create();
    private readonly FakeHhApi _hh;
    private readonly WireRecorder _wire;
    private readonly HttpClient _http;
    private readonly string _access;

    public HhClientEmployerTests()
    {
        _hh = new FakeHhApi(_time) { IsEmployer = true };
        _wire = new WireRecorder(new FakeNetwork(_hh, new FakeTelegramApi()));
        _http = new HttpClient(_wire);
        HhTokenClient.ConfigureHttpClient(_http, new HhOptions { UserAgent = UserAgent });
        (_access, _, _) = _hh.SeedTokens();
    }

    public void Dispose() => _http.Dispose();

    private HhClient Client => new(_http);

    private FakeHhEmployer Employer => _hh.Employer;

    /// <summary>A vacancy v1 with a response from resume r1 (its topic).</summary>
    private FakeEmployerNegotiation SeedResponse(string resumeId = "r1")
    {
        if (!Employer.Vacancies.Any(v => v.Id == "v1"))
        {
            Employer.AddVacancy("v1", "C# developer");
        }

        Employer.AddResume(resumeId).Email = "candidate." + resumeId + "@example.com";
        return Employer.AddResponse("v1", resumeId);
    }

    // ---- webhook subscriptions ----

    [Fact]
    public async Task CreateWebhookSubscriptionAsync_NoneYet_PostsUrlAndActionsAsJsonAndReturnsTheNewId()
    {
        // Act
        var id = await Client.CreateWebhookSubscriptionAsync(_access, CallbackUrl, Actions, CancellationToken.None);

        // Assert
        var subscription = Assert.Single(Employer.Subscriptions);
        Assert.Equal(subscription.Id, id);
        Assert.Equal(CallbackUrl, subscription.Url);
        var post = Assert.Single(_wire.Requests);
        Assert.Equal("POST", post.Method);
        Assert.Equal("https://api.hh.ru/webhook/subscriptions", post.Uri.AbsoluteUri);
        Assert.Equal("application/json", post.ContentType);
        using var body = JsonDocument.Parse(post.Body!);
        Assert.Equal(CallbackUrl.AbsoluteUri, body.RootElement.GetProperty("url").GetString());
        var actions = body.RootElement.GetProperty("actions").EnumerateArray().ToList();
        Assert.Equal("NEW_RESPONSE_OR_INVITATION_VACANCY", actions[0].GetProperty("type").GetString());
        Assert.False(actions[0].GetProperty("settings").GetProperty("vacancies_only_mine").GetBoolean());
        Assert.False(actions[1].TryGetProperty("settings", out _)); // null settings are left out, not sent as null
    }

    [Fact]
    public async Task CreateWebhookSubscriptionAsync_OneExists_ThrowsAlreadyExistAndKeepsTheOne()
    {
        // Arrange
        await Client.CreateWebhookSubscriptionAsync(_access, CallbackUrl, Actions, CancellationToken.None);

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() =>
            Client.CreateWebhookSubscriptionAsync(_access, new Uri("https://elsewhere.example/cb"), Actions, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.BadRequest, ex.Error.Kind);
        Assert.Equal("already_exist", ex.Error.Value);
        Assert.Equal(CallbackUrl, Assert.Single(Employer.Subscriptions).Url);
    }

    [Fact]
    public async Task CreateWebhookSubscriptionAsync_NoActions_ThrowsWithoutSending()
    {
        // Act
        await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateWebhookSubscriptionAsync(_access, CallbackUrl, [], CancellationToken.None));

        // Assert
        Assert.Empty(_wire.Requests);
    }

    [Fact]
    public async Task GetWebhookSubscriptionsAsync_AfterCreate_ListsIdUrlAndActionsWithSettings()
    {
        // Arrange
        Assert.Empty(await Client.GetWebhookSubscriptionsAsync(_access, CancellationToken.None));
        var id = await Client.CreateWebhookSubscriptionAsync(_access, CallbackUrl, Actions, CancellationToken.None);

        // Act
        var list = await Client.GetWebhookSubscriptionsAsync(_access, CancellationToken.None);

        // Assert
        var subscription = Assert.Single(list);
        Assert.Equal(id, subscription.Id);
        Assert.Equal(CallbackUrl.AbsoluteUri, subscription.Url);
        Assert.Equal(new[] { "NEW_RESPONSE_OR_INVITATION_VACANCY", "NEGOTIATION_EMPLOYER_STATE_CHANGE" }, subscription.Actions!.Select(a => a.Type));
        Assert.False(subscription.Actions![0].Settings!.VacanciesOnlyMine);
        Assert.Null(subscription.Actions[1].Settings);
    }

    [Fact]
    public async Task UpdateWebhookSubscriptionAsync_Existing_ReplacesUrlAndTheWholeActionList()
    {
        // Arrange
        var existing = Employer.Subscribe(new Uri("https://old.example/cb"), "NEW_NEGOTIATION_VACANCY", "VACANCY_ARCHIVATION");

        // Act
        await Client.UpdateWebhookSubscriptionAsync(_access, existing.Id, CallbackUrl, Actions, CancellationToken.None);

        // Assert
        var put = Assert.Single(_wire.Requests);
        Assert.Equal("PUT", put.Method);
        Assert.Equal($"https://api.hh.ru/webhook/subscriptions/{existing.Id}", put.Uri.AbsoluteUri);
        Assert.Equal(CallbackUrl, existing.Url);
        Assert.Equal(new[] { "NEW_RESPONSE_OR_INVITATION_VACANCY", "NEGOTIATION_EMPLOYER_STATE_CHANGE" }, existing.Actions.Select(a => a.Type)); // not merged
    }

    [Fact]
    public async Task UpdateWebhookSubscriptionAsync_UnknownId_ThrowsNotFound()
    {
        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() =>
            Client.UpdateWebhookSubscriptionAsync(_access, "sub-gone", CallbackUrl, Actions, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.NotFound, ex.Error.Kind);
    }

    [Fact]
    public async Task GetWebhookSubscriptionsAsync_ApplicantAccount_ThrowsForbidden()
    {
        // Arrange
        _hh.IsEmployer = false;

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetWebhookSubscriptionsAsync(_access, CancellationToken.None));

        // Assert
        Assert.Equal(403, ex.Error.StatusCode);
        Assert.Equal("forbidden", ex.Error.Type);
    }

    // ---- the negotiation ----

    [Fact]
    public async Task GetEmployerNegotiationAsync_Response_ParsesStatesDatesResumeAndVacancy()
    {
        // Arrange
        var topic = SeedResponse();

        // Act
        var n = await Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None);

        // Assert
        Assert.Equal(topic.Id, n.Id);
        Assert.Equal(FakeClock.Start, n.CreatedAt);
        Assert.Equal("response", n.State!.Id);
        Assert.Equal("response", n.EmployerState!.Id);
        Assert.Equal("NEGOTIATION", n.Source);
        Assert.Equal("r1", n.Resume!.Id);
        Assert.Equal("owner-r1", n.Resume.Owner!.Id);
        Assert.Equal("Иван", n.Resume.FirstName);
        Assert.Equal($"https://api.hh.ru/resumes/r1?topic_id={topic.Id}", n.Resume.Url);
        Assert.StartsWith("https://api.hh.ru/resumes/r1/download/", n.Resume.Download!.Pdf!.Url, StringComparison.Ordinal);
        Assert.Equal("v1", n.Vacancy!.Id);
        Assert.False(n.Vacancy.Archived);
        Assert.Equal($"https://api.hh.ru/negotiations/{topic.Id}", Assert.Single(_wire.Requests).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task GetEmployerNegotiationAsync_AnonymousResume_NamesComeBackNull()
    {
        // Arrange
        var topic = SeedResponse();
        Employer.Resumes.Single(r => r.Id == "r1").HiddenFields.Add("names_and_photo");

        // Act
        var n = await Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None);

        // Assert
        Assert.Null(n.Resume!.FirstName);
        Assert.Null(n.Resume.LastName);
        Assert.Equal("names_and_photo", Assert.Single(n.Resume.HiddenFields!).Id);
        Assert.Equal("owner-r1", n.Resume.Owner!.Id);
    }

    [Fact]
    public async Task GetEmployerNegotiationAsync_RemovedTopic_ThrowsNotFoundTopicNotFound()
    {
        // Arrange
        var topic = SeedResponse();
        Employer.RemoveNegotiation(topic.Id);

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.NotFound, ex.Error.Kind);
        Assert.Equal("topic_not_found", ex.Error.Value);
    }

    [Fact]
    public async Task GetEmployerNegotiationAsync_NoPaidAccess_ThrowsPaymentRequired()
    {
        // Arrange
        var topic = SeedResponse();
        Employer.PaidAccessRequired = true;

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.PaymentRequired, ex.Error.Kind);
    }

    // ---- the resume ----

    [Fact]
    public async Task GetEmployerResumeAsync_WithoutTopic_SendsNoTopicIdAndLeavesTheResponseUnread()
    {
        // Arrange
        var topic = SeedResponse();

        // Act
        var resume = await Client.GetEmployerResumeAsync(_access, "r1", null, CancellationToken.None);

        // Assert
        Assert.Equal("https://api.hh.ru/resumes/r1", Assert.Single(_wire.Requests).Uri.AbsoluteUri);
        Assert.False(topic.Viewed);
        Assert.Equal(0, Employer.ViewsMarked);
        Assert.Equal("owner-r1", resume.Owner!.Id);
        Assert.Equal(new[] { "+7 (926) 123-45-67", "candidate.r1@example.com" }, resume.Contact!.Select(c => c.Text));
        Assert.Equal(new[] { "phone", "email" }, resume.Contact!.Select(c => c.Kind));
    }

    [Fact]
    public async Task GetEmployerResumeAsync_WithTopic_SendsTopicIdAndMarksTheResponseViewed()
    {
        // Arrange
        var topic = SeedResponse();

        // Act
        await Client.GetEmployerResumeAsync(_access, "r1", topic.Id, CancellationToken.None);

        // Assert
        Assert.Equal($"https://api.hh.ru/resumes/r1?topic_id={topic.Id}", Assert.Single(_wire.Requests).Uri.AbsoluteUri);
        Assert.True(topic.Viewed);
        Assert.Equal(1, Employer.ViewsMarked);
    }

    [Fact]
    public async Task GetEmployerResumeAsync_DeprecatedContactForm_ReadsTheOldValue()
    {
        // Arrange
        SeedResponse();
        Employer.OldContactForm = true;

        // Act
        var resume = await Client.GetEmployerResumeAsync(_access, "r1", null, CancellationToken.None);

        // Assert
        Assert.All(resume.Contact!, c => Assert.Null(c.ContactValue));
        Assert.Equal(new[] { "+7 (926) 123-45-67", "candidate.r1@example.com" }, resume.Contact!.Select(c => c.Text));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task GetEmployerResumeAsync_DailyLimitSpent_ThrowsViewLimitExceeded(HttpStatusCode status)
    {
        // Arrange
        SeedResponse();
        Employer.DailyViewLimit = 1;
        Employer.ViewLimitStatus = status;
        await Client.GetEmployerResumeAsync(_access, "r1", null, CancellationToken.None);

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetEmployerResumeAsync(_access, "r1", null, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.ViewLimitExceeded, ex.Error.Kind);
        Assert.Equal((int)status, ex.Error.StatusCode);
        Assert.Equal(1, Employer.ViewsToday);
    }

    [Fact]
    public async Task GetEmployerResumeAsync_NoPaidAccess_ThrowsPaymentRequired()
    {
        // Arrange
        SeedResponse();
        Employer.PaidAccessRequired = true;

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetEmployerResumeAsync(_access, "r1", null, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.PaymentRequired, ex.Error.Kind);
        Assert.Equal(403, ex.Error.StatusCode);
        Assert.Equal(0, Employer.ResumeViews);
    }

    [Theory]
    [InlineData("quota_exceeded")]
    [InlineData("no_available_service")]
    [InlineData("cant_view_contacts")]
    public async Task GetEmployerResumeAsync_ContactsRefused_ThrowsContactsUnavailable(string value)
    {
        // Arrange
        SeedResponse();
        Employer.Resumes.Single(r => r.Id == "r1").ContactsRefusal = value;

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetEmployerResumeAsync(_access, "r1", null, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.ContactsUnavailable, ex.Error.Kind);
        Assert.Equal(value, ex.Error.Value);
    }

    [Fact]
    public async Task GetEmployerResumeAsync_RemovedResume_ThrowsNotFound()
    {
        // Arrange
        SeedResponse();
        Employer.Resumes.Single(r => r.Id == "r1").Removed = true;

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetEmployerResumeAsync(_access, "r1", null, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.NotFound, ex.Error.Kind);
    }

    [Fact]
    public async Task GetEmployerResumeAsync_Captcha_ThrowsCaptchaRequired()
    {
        // Arrange
        SeedResponse();
        _hh.Fail("resumes/r1", FakeHhEmployer.Captcha);

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetEmployerResumeAsync(_access, "r1", null, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.CaptchaRequired, ex.Error.Kind);
    }

    [Fact]
    public async Task GetEmployerResumeAsync_HtmlBadGateway_ThrowsServerError()
    {
        // Arrange
        SeedResponse();
        _hh.Fail("resumes/r1", () => FakeHhApi.Html(HttpStatusCode.BadGateway));

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetEmployerResumeAsync(_access, "r1", null, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.ServerError, ex.Error.Kind);
        Assert.True(ex.Error.IsTransient);
        Assert.DoesNotContain("DDoS", ex.Error.Message, StringComparison.Ordinal); // the page is not copied into the message
    }

    // ---- the resume file ----

    [Fact]
    public async Task DownloadResumeFileAsync_ApiHostLink_ReturnsThePdfSentWithTheToken()
    {
        // Arrange
        var topic = SeedResponse();
        var link = new Uri((await Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None)).Resume!.Download!.Pdf!.Url!);

        // Act
        var bytes = await Client.DownloadResumeFileAsync(_access, link, CancellationToken.None);

        // Assert
        Assert.Equal("%PDF-"u8.ToArray(), bytes.Take(5));
        Assert.Equal(1, Employer.Downloads);
        var get = _wire.Requests.Last();
        Assert.Equal(link, get.Uri); // exactly as given, topic_id and all
        Assert.Equal("Bearer", get.AuthorizationScheme);
        Assert.Equal(_access, _hh.Requests.Last().Bearer);
    }

    [Fact]
    public async Task DownloadResumeFileAsync_OlderHhRuConverterLink_IsFollowedOverHttps()
    {
        // Arrange
        Employer.DownloadBase = new Uri("https://hh.ru/api_resume_converter/");
        var topic = SeedResponse();
        var link = new Uri((await Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None)).Resume!.Download!.Pdf!.Url!);

        // Act
        var bytes = await Client.DownloadResumeFileAsync(_access, link, CancellationToken.None);

        // Assert
        Assert.Equal("hh.ru", link.Host);
        Assert.Equal("%PDF-"u8.ToArray(), bytes.Take(5));
        Assert.Equal(1, Employer.CallsTo("GET /api_resume_converter/{id}/download/{file}"));
    }

    [Theory]
    [InlineData("https://files.example.com/resumes/r1/download/r1.pdf?type=pdf")]
    [InlineData("http://hh.ru/api_resume_converter/r1/download/r1.pdf?type=pdf")]
    [InlineData("https://hh.ru.evil.example/api_resume_converter/r1/download/r1.pdf")]
    [InlineData("https://api.hh.ru:8443/resumes/r1/download/r1.pdf")]
    [InlineData("https://user@api.hh.ru/resumes/r1/download/r1.pdf")]
    public async Task DownloadResumeFileAsync_LinkToAnotherHost_ThrowsForeignHostAndSendsNothing(string link)
    {
        // Arrange
        SeedResponse();

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.DownloadResumeFileAsync(_access, new Uri(link), CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.ForeignHost, ex.Error.Kind);
        Assert.Empty(_wire.Requests);
        Assert.DoesNotContain(_access, ex.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadResumeFileAsync_FakeServesAForeignLink_TheClientDoesNotFollowIt()
    {
        // Arrange: hh.ru's answer itself names a foreign download host
        Employer.DownloadBase = new Uri("https://files.example.com/resumes/");
        var topic = SeedResponse();
        var n = await Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None);

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.DownloadResumeFileAsync(_access, new Uri(n.Resume!.Download!.Pdf!.Url!), CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.ForeignHost, ex.Error.Kind);
        Assert.Single(_wire.Requests); // the negotiation only
        Assert.Equal(0, Employer.Downloads);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DownloadResumeFileAsync_OverTwentyMegabytes_ThrowsWithoutReturningIt(bool lengthUnknown)
    {
        // Arrange
        var topic = SeedResponse();
        var resume = Employer.Resumes.Single(r => r.Id == "r1");
        resume.PdfSize = HhClient.MaxResumeFileBytes + 1;
        resume.FileLengthUnknown = lengthUnknown;
        var link = new Uri((await Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None)).Resume!.Download!.Pdf!.Url!);

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.DownloadResumeFileAsync(_access, link, CancellationToken.None));

        // Assert
        Assert.Contains("20 MB", ex.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, Employer.Downloads);
    }

    [Fact]
    public async Task DownloadResumeFileAsync_ExactlyTwentyMegabytesUnknownLength_ReturnsIt()
    {
        // Arrange
        var topic = SeedResponse();
        var resume = Employer.Resumes.Single(r => r.Id == "r1");
        resume.PdfSize = HhClient.MaxResumeFileBytes;
        resume.FileLengthUnknown = true;
        var link = new Uri((await Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None)).Resume!.Download!.Pdf!.Url!);

        // Act
        var bytes = await Client.DownloadResumeFileAsync(_access, link, CancellationToken.None);

        // Assert
        Assert.Equal(HhClient.MaxResumeFileBytes, bytes.Length);
    }

    [Fact]
    public async Task DownloadResumeFileAsync_ResumeGone_ThrowsNotFound()
    {
        // Arrange
        var topic = SeedResponse();
        var link = new Uri((await Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None)).Resume!.Download!.Pdf!.Url!);
        Employer.Resumes.Single(r => r.Id == "r1").Removed = true;

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.DownloadResumeFileAsync(_access, link, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.NotFound, ex.Error.Kind);
    }

    [Fact]
    public async Task DownloadResumeFileAsync_DailyLimitSpent_ThrowsViewLimitExceeded()
    {
        // Arrange
        var topic = SeedResponse();
        var link = new Uri((await Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None)).Resume!.Download!.Pdf!.Url!);
        Employer.DailyViewLimit = 0;

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.DownloadResumeFileAsync(_access, link, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.ViewLimitExceeded, ex.Error.Kind);
        Assert.Equal(0, Employer.Downloads);
    }

    // ---- active vacancies and collections ----

    [Fact]
    public async Task GetActiveVacanciesAsync_SixtyVacancies_PagesFiftyAtATimeNewestFirstWithEveryManagersVacancies()
    {
        // Arrange
        for (var i = 1; i <= 60; i++)
        {
            Employer.AddVacancy("v" + i, "Vacancy " + i, managerId: i % 2 == 0 ? "other-manager" : null);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Employer.Vacancies.Single(v => v.Id == "v60").Archived = true;

        // Act
        var first = await Client.GetActiveVacanciesAsync(_access, Employer.EmployerId, 0, CancellationToken.None);
        var second = await Client.GetActiveVacanciesAsync(_access, Employer.EmployerId, 1, CancellationToken.None);

        // Assert
        Assert.Equal(59, first.Found);
        Assert.Equal(2, first.Pages);
        Assert.Equal(50, first.Items!.Count);
        Assert.Equal(9, second.Items!.Count);
        Assert.Equal("v59", first.Items[0].Id);
        Assert.Equal("v1", second.Items[^1].Id);
        Assert.Equal(59, first.Items.Concat(second.Items).Select(v => v.Id).Distinct().Count());
        var query = System.Web.HttpUtility.ParseQueryString(_wire.Requests.First().Uri.Query);
        Assert.Equal("true", query["all_accessible"]);
        Assert.Equal("50", query["per_page"]);
        Assert.Equal($"/employers/{Employer.EmployerId}/vacancies/active", _wire.Requests.First().Uri.AbsolutePath);
    }

    [Fact]
    public async Task GetActiveVacanciesAsync_Counters_CountResponsesInvitationsAndUnread()
    {
        // Arrange
        var read = SeedResponse("r1");
        SeedResponse("r2");
        Employer.AddInvitation("v1", "r3");
        await Client.GetEmployerResumeAsync(_access, "r1", read.Id, CancellationToken.None);

        // Act
        var page = await Client.GetActiveVacanciesAsync(_access, Employer.EmployerId, 0, CancellationToken.None);

        // Assert
        var counters = Assert.Single(page.Items!).Counters!;
        Assert.Equal(2, counters.Responses);
        Assert.Equal(1, counters.UnreadResponses);
        Assert.Equal(1, counters.Invitations);
        Assert.Equal(3, counters.InvitationsAndResponses);
    }

    [Fact]
    public async Task GetNegotiationCollectionsAsync_Vacancy_ListsCollectionsWithUrlsAndOrderTypesOnTheApiHost()
    {
        // Arrange
        SeedResponse();

        // Act
        var list = await Client.GetNegotiationCollectionsAsync(_access, "v1", CancellationToken.None);

        // Assert
        Assert.Equal("https://api.hh.ru/negotiations?vacancy_id=v1", Assert.Single(_wire.Requests).Uri.AbsoluteUri);
        var response = list.Collections!.Single(c => c.Id == "response");
        Assert.Equal("https://api.hh.ru/negotiations/response?vacancy_id=v1", response.Url);
        Assert.False(response.Hidden);
        Assert.Contains(response.OrderTypes!, o => o.Id == "created_at" && o.Url!.EndsWith("&order_by=created_at", StringComparison.Ordinal));
        Assert.True(list.Collections!.Single(c => c.Id == "discard").Hidden);
    }

    [Fact]
    public async Task GetNegotiationCollectionsAsync_UnknownVacancy_ThrowsNotFound()
    {
        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetNegotiationCollectionsAsync(_access, "v404", CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.NotFound, ex.Error.Kind);
    }

    [Fact]
    public async Task GetCollectionPageAsync_FiftyFiveResponses_TwoPagesNewestFirstKeepingTheOrderAndReplacingPaging()
    {
        // Arrange
        Employer.AddVacancy("v1", "C# developer");
        for (var i = 1; i <= 55; i++)
        {
            Employer.AddResponse("v1", "r" + i);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var url = new Uri("https://api.hh.ru/negotiations/response?vacancy_id=v1&order_by=created_at&page=7&per_page=20");

        // Act
        var first = await Client.GetCollectionPageAsync(_access, url, 0, CancellationToken.None);
        var second = await Client.GetCollectionPageAsync(_access, url, 1, CancellationToken.None);

        // Assert
        Assert.Equal(55, first.Found);
        Assert.Equal(2, first.Pages);
        Assert.Equal(50, first.Items!.Count);
        Assert.Equal(5, second.Items!.Count);
        Assert.Equal("r55", first.Items[0].Resume!.Id);
        Assert.Equal("r1", second.Items[^1].Resume!.Id);
        Assert.True(first.Items.Zip(first.Items.Skip(1)).All(p => p.First.CreatedAt > p.Second.CreatedAt));
        var query = System.Web.HttpUtility.ParseQueryString(_wire.Requests.Last().Uri.Query);
        Assert.Equal("created_at", query["order_by"]);
        Assert.Equal("v1", query["vacancy_id"]);
        Assert.Equal(new[] { "50" }, query.GetValues("per_page"));
        Assert.Equal(new[] { "1" }, query.GetValues("page"));
    }

    [Fact]
    public async Task GetCollectionPageAsync_UrlOnAnotherHost_ThrowsForeignHostAndSendsNothing()
    {
        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() =>
            Client.GetCollectionPageAsync(_access, new Uri("https://hh.ru/negotiations/response?vacancy_id=v1"), 0, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.ForeignHost, ex.Error.Kind);
        Assert.Empty(_wire.Requests);
    }

    [Fact]
    public async Task GetCollectionPageAsync_NoPaidAccess_ThrowsPaymentRequired()
    {
        // Arrange
        SeedResponse();
        Employer.PaidAccessRequired = true;

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() =>
            Client.GetCollectionPageAsync(_access, new Uri("https://api.hh.ru/negotiations/response?vacancy_id=v1"), 0, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.PaymentRequired, ex.Error.Kind);
    }

    // ---- every call ----

    [Fact]
    public async Task EveryEmployerCall_Always_SendsBothUserAgentsAndTheBearerToken()
    {
        // Arrange
        var topic = SeedResponse();

        // Act
        var id = await Client.CreateWebhookSubscriptionAsync(_access, CallbackUrl, Actions, CancellationToken.None);
        await Client.GetWebhookSubscriptionsAsync(_access, CancellationToken.None);
        await Client.UpdateWebhookSubscriptionAsync(_access, id, CallbackUrl, Actions, CancellationToken.None);
        var n = await Client.GetEmployerNegotiationAsync(_access, topic.Id, CancellationToken.None);
        await Client.GetEmployerResumeAsync(_access, "r1", topic.Id, CancellationToken.None);
        await Client.DownloadResumeFileAsync(_access, new Uri(n.Resume!.Download!.Pdf!.Url!), CancellationToken.None);
        await Client.GetActiveVacanciesAsync(_access, Employer.EmployerId, 0, CancellationToken.None);
        var collections = await Client.GetNegotiationCollectionsAsync(_access, "v1", CancellationToken.None);
        await Client.GetCollectionPageAsync(_access, new Uri(collections.Collections![0].Url!), 0, CancellationToken.None);

        // Assert
        Assert.Equal(9, _wire.Requests.Count);
        Assert.All(_wire.Requests, r =>
        {
            Assert.Equal(UserAgent, r.Header("User-Agent"));
            Assert.Equal(UserAgent, r.Header("HH-User-Agent"));
            Assert.Equal("Bearer", r.AuthorizationScheme);
        });
        Assert.All(_hh.Requests, r => Assert.Equal(_access, r.Bearer));
    }

    [Fact]
    public async Task EmployerCall_NoUserAgent_ThrowsBadUserAgent()
    {
        // Arrange: a client without the app's headers
        using var bare = new HttpClient(new FakeNetwork(_hh, new FakeTelegramApi())) { BaseAddress = new Uri("https://api.hh.ru/") };

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => new HhClient(bare).GetWebhookSubscriptionsAsync(_access, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.BadUserAgent, ex.Error.Kind);
        Assert.Equal(0, Employer.CallsTo("GET /webhook/subscriptions"));
    }

    [Fact]
    public async Task EmployerCall_RevokedToken_ThrowsTokenRevokedAndHhDroppedTheSubscription()
    {
        // Arrange
        await Client.CreateWebhookSubscriptionAsync(_access, CallbackUrl, Actions, CancellationToken.None);
        _hh.RevokeAll();

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() => Client.GetWebhookSubscriptionsAsync(_access, CancellationToken.None));

        // Assert
        Assert.Equal(HhErrorKind.TokenRevoked, ex.Error.Kind);
        Assert.Empty(Employer.Subscriptions);
    }

    // ---- the client as the app registers it (standard resilience) ----

    [Fact]
    public async Task CreateWebhookSubscriptionAsync_RegisteredClient429_IsSentOnceAndNotRetried()
    {
        // Arrange
        using var app = new AppFactory();
        app.Hh.IsEmployer = true;
        var (access, _, _) = app.Hh.SeedTokens();
        var hh = app.Services.GetRequiredService<HhClient>();
        app.Hh.Fail("webhook/subscriptions", () => FakeHhApi.Errors(HttpStatusCode.TooManyRequests, "too_many_requests"), times: 5);

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() =>
            app.Time.RunAsync(hh.CreateWebhookSubscriptionAsync(access, CallbackUrl, Actions, CancellationToken.None), limit: TimeSpan.FromMinutes(10)));

        // Assert
        Assert.Equal(HhErrorKind.TooManyRequests, ex.Error.Kind);
        Assert.Single(app.Hh.Requests, r => r.Method == "POST" && r.Uri.AbsolutePath == "/webhook/subscriptions");
        Assert.Empty(app.Hh.Employer.Subscriptions);
    }

    [Fact]
    public async Task GetEmployerResumeAsync_RegisteredClientViewLimit_IsSentOnceAndNotRetried()
    {
        // Arrange
        using var app = new AppFactory();
        app.Hh.IsEmployer = true;
        var (access, _, _) = app.Hh.SeedTokens();
        var hh = app.Services.GetRequiredService<HhClient>();
        app.Hh.Employer.AddResume("r1");
        app.Hh.Employer.DailyViewLimit = 0;

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() =>
            app.Time.RunAsync(hh.GetEmployerResumeAsync(access, "r1", null, CancellationToken.None), limit: TimeSpan.FromMinutes(10)));

        // Assert
        Assert.Equal(HhErrorKind.ViewLimitExceeded, ex.Error.Kind);
        Assert.Single(app.Hh.Requests, r => r.Uri.AbsolutePath == "/resumes/r1");
    }

    [Fact]
    public async Task GetEmployerNegotiationAsync_RegisteredClient503ThenOk_IsRetriedAndSucceeds()
    {
        // Arrange
        using var app = new AppFactory();
        app.Hh.IsEmployer = true;
        var (access, _, _) = app.Hh.SeedTokens();
        var hh = app.Services.GetRequiredService<HhClient>();
        app.Hh.Employer.AddVacancy("v1", "C# developer");
        var topic = app.Hh.Employer.AddResponse("v1", "r1");
        app.Hh.Fail("negotiations/" + topic.Id, () => FakeHhApi.Html(HttpStatusCode.ServiceUnavailable));

        // Act
        var n = await app.Time.RunAsync(hh.GetEmployerNegotiationAsync(access, topic.Id, CancellationToken.None));

        // Assert
        Assert.Equal(topic.Id, n.Id);
        Assert.Equal(2, app.Hh.Requests.Count(r => r.Uri.AbsolutePath == "/negotiations/" + topic.Id));
    }

    [Fact]
    public async Task CreateWebhookSubscriptionAsync_RegisteredClientAnswerLostAfterCreating_EndsInAlreadyExistWithOneSubscription()
    {
        // Arrange: hh.ru creates the subscription but the answer is a gateway error, which the pipeline retries
        using var app = new AppFactory();
        app.Hh.IsEmployer = true;
        var (access, _, _) = app.Hh.SeedTokens();
        var hh = app.Services.GetRequiredService<HhClient>();
        app.Hh.FailAfterHandling("webhook/subscriptions", () => FakeHhApi.Html(HttpStatusCode.BadGateway));

        // Act
        var ex = await Assert.ThrowsAsync<HhApiException>(() =>
            app.Time.RunAsync(hh.CreateWebhookSubscriptionAsync(access, CallbackUrl, Actions, CancellationToken.None), limit: TimeSpan.FromMinutes(10)));

        // Assert: the retry cannot make a second one; the caller gets already_exist (then GET and PUT)
        Assert.Equal("already_exist", ex.Error.Value);
        Assert.Single(app.Hh.Employer.Subscriptions);
    }

    [Fact]
    public async Task EmployerCalls_SuccessesAndFailures_NeverPutTheTokenInLogsOrErrors()
    {
        // Arrange
        using var app = new AppFactory();
        app.Hh.IsEmployer = true;
        var (access, _, _) = app.Hh.SeedTokens();
        var hh = app.Services.GetRequiredService<HhClient>();
        var employer = app.Hh.Employer;
        employer.AddVacancy("v1", "C# developer");
        var topic = employer.AddResponse("v1", "r1");
        app.Hh.Fail("negotiations/" + topic.Id, () => FakeHhApi.Html(HttpStatusCode.BadGateway), times: 10);
        app.Hh.Fail("webhook/subscriptions", () => FakeHhApi.Errors(HttpStatusCode.TooManyRequests, "too_many_requests"));
        var errors = new List<string>();

        async Task Call(Task task)
        {
            try
            {
                await app.Time.RunAsync(task, limit: TimeSpan.FromMinutes(10));
            }
            catch (HhApiException ex)
            {
                errors.Add(ex.Error.Message);
                errors.Add(ex.Message);
            }
        }

        // Act
        await Call(hh.CreateWebhookSubscriptionAsync(access, CallbackUrl, Actions, CancellationToken.None));
        await Call(hh.GetWebhookSubscriptionsAsync(access, CancellationToken.None));
        await Call(hh.GetEmployerNegotiationAsync(access, topic.Id, CancellationToken.None));
        await Call(hh.GetEmployerResumeAsync(access, "r1", topic.Id, CancellationToken.None));
        await Call(hh.DownloadResumeFileAsync(access, new Uri("https://files.example.com/r1.pdf"), CancellationToken.None));
        await Call(hh.DownloadResumeFileAsync(access, new Uri($"https://api.hh.ru/resumes/r1/download/r1.pdf?type=pdf&topic_id={topic.Id}"), CancellationToken.None));
        await Call(hh.GetActiveVacanciesAsync(access, "someone-else", 0, CancellationToken.None));
        await Call(hh.GetCollectionPageAsync(access, new Uri("https://api.hh.ru/negotiations/response?vacancy_id=v404"), 0, CancellationToken.None));
        employer.PaidAccessRequired = true;
        await Call(hh.GetNegotiationCollectionsAsync(access, "v1", CancellationToken.None));

        // Assert
        Assert.Equal(6 * 2, errors.Count); // 429, 502, foreign host, 403, 404, paid access
        var logs = app.Logs.GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.All(logs, record =>
        {
            Assert.DoesNotContain(access, record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(access, record.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain(access, string.Join(' ', record.StructuredState?.Select(kv => kv.Value) ?? []), StringComparison.Ordinal);
        });
        Assert.All(errors, message => Assert.DoesNotContain(access, message, StringComparison.Ordinal));
    }

    /// <summary>Records every request as it leaves the client, before any fake sees it (so a foreign host would show up).</summary>
    private sealed class WireRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public ConcurrentQueue<WireRequest> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.NonValidated.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Enqueue(new WireRequest(request.Method.Method, request.RequestUri!, headers, request.Content?.Headers.ContentType?.MediaType, body, request.Headers.Authorization?.Scheme));
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private sealed record WireRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? ContentType, string? Body, string? AuthorizationScheme)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }
}
