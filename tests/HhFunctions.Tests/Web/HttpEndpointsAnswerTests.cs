using System.Text;
using System.Text.Json;
using HhFunctions.Web;
using Microsoft.AspNetCore.Http;

namespace HhFunctions.Tests.Web;

/// <summary>The endpoints' text answers (HTML, JSON, plain text) as they reach the response.</summary>
public sealed class HttpEndpointsAnswerTests
{
    public static TheoryData<string, int, string, string> Answers() => new()
    {
        { "html", 201, "text/html; charset=utf-8", "<p>Привет, «мир» 😀</p>" },
        { "text", 409, "text/plain; charset=utf-8", "Уже есть." },
        { "json", 200, "application/json; charset=utf-8", "Готово" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Answer_WrittenAsGiven_StatusContentTypeLengthAndUtf8Body(string kind, int status, string contentType, string body)
    {
        var result = kind switch
        {
            "html" => HttpEndpoints.Html(status, body),
            "text" => HttpEndpoints.Text(status, body),
            _ => HttpEndpoints.Json(status, new { Title = body }),
        };
        var expected = kind == "json" ? JsonSerializer.Serialize(new { Title = body }, HttpEndpoints.JsonOptions) : body;
        var context = new DefaultHttpContext();
        using var written = new MemoryStream();
        context.Response.Body = written;

        await result.ExecuteAsync(context);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(contentType, context.Response.ContentType);
        Assert.Equal(Encoding.UTF8.GetBytes(expected), written.ToArray());
        Assert.Equal(written.Length, context.Response.ContentLength);
        Assert.Equal(status, Assert.IsAssignableFrom<Microsoft.AspNetCore.Http.IStatusCodeHttpResult>(result).StatusCode);
    }
}
