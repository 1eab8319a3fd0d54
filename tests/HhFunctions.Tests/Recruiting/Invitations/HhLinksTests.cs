using HhFunctions.Recruiting.Invitations;

namespace HhFunctions.Tests.Recruiting.Invitations;

public sealed class HhLinksTests
{
    private const string Id = "a1b2c3d4e5f60718293a4b5c6d7e8f9012ab";

    [Theory]
    [InlineData("https://hh.ru/resume/" + Id)]
    [InlineData("https://spb.hh.ru/resume/" + Id + "?hhtmFrom=resume_search_result&query=C%23")]
    [InlineData("http://hh.ru/resume/" + Id + "/")]
    [InlineData("hh.ru/resume/" + Id + "#contacts")]
    [InlineData("https://api.hh.ru/resumes/" + Id)]
    [InlineData("https://hh.kz/resume/" + Id)]
    [InlineData("  <https://hh.ru/resume/" + Id + ">  ")]
    [InlineData(Id)]
    public void ResumeId_ReadsLinksAndIds(string text) => Assert.Equal(Id, HhLinks.ResumeId(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("resume")]
    [InlineData("https://example.com/resume/" + Id)]
    [InlineData("https://hh.ru.evil.example/resume/" + Id)]
    [InlineData("https://hh.ru/vacancy/123456")]
    [InlineData("https://hh.ru/resume/")]
    [InlineData("https://hh.ru/resume/abc")]
    [InlineData("javascript:alert(1)")]
    public void ResumeId_RefusesEverythingElse(string? text) => Assert.Null(HhLinks.ResumeId(text));

    [Theory]
    [InlineData("123456", "123456")]
    [InlineData("https://hh.ru/vacancy/123456", "123456")]
    [InlineData("https://spb.hh.ru/vacancy/123456?from=share", "123456")]
    [InlineData("https://api.hh.ru/vacancies/123456", "123456")]
    public void VacancyId_ReadsIdsAndLinks(string text, string expected) => Assert.Equal(expected, HhLinks.VacancyId(text));

    [Theory]
    [InlineData(null)]
    [InlineData("v1")]
    [InlineData("https://hh.ru/employer/1455")]
    [InlineData("https://example.com/vacancy/123")]
    [InlineData("12345678901234567890")]
    public void VacancyId_RefusesEverythingElse(string? text) => Assert.Null(HhLinks.VacancyId(text));

    [Fact]
    public void Arguments_KeepTheMessageWhole()
    {
        var args = InvitationCommands.Arguments("/invite  link   123  Hello,\nsee you soon ", 3);

        Assert.Equal(["link", "123", "Hello,\nsee you soon"], args);
    }
}
