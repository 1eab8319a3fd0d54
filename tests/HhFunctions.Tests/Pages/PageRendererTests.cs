using System.Text.Encodings.Web;
using HhFunctions.Pages;
using HhFunctions.State;
using HhFunctions.StatusPage;
using Microsoft.AspNetCore.Components;

namespace HhFunctions.Tests.Pages;

/// <summary>The server-side page renderer: what it gives the renderer, and how the pages' components are made.</summary>
public sealed class PageRendererTests
{
    [Fact]
    public void RendererServices_GiveThePagesEncoderAndActivatorAndNothingElse()
    {
        var services = PageRenderer.RendererServices.Instance;

        Assert.Same(PageEncoder.Instance, services.GetService(typeof(HtmlEncoder)));
        Assert.Same(PageScriptEncoder.Instance, services.GetService(typeof(JavaScriptEncoder))); // not the default, which builds its tables on first use
        Assert.Same(PageComponentActivator.Instance, services.GetService(typeof(IComponentActivator))); // not the default, which compiles an expression per component type
        Assert.Null(services.GetService(typeof(IServiceProvider)));
        Assert.Null(services.GetService(typeof(NavigationManager)));
    }

    [Theory]
    [InlineData("plain Text 42", "plain Text 42")]
    [InlineData("\"'</script>&", "\\u0022\\u0027\\u003C\\u002Fscript\\u003E\\u0026")]
    [InlineData("Ёж\n\u2028", "\\u0401\\u0436\\u000A\\u2028")]
    [InlineData("😀", "\\uD83D\\uDE00")]
    public void PageScriptEncoder_EscapesAllButAsciiLettersDigitsAndSpaces(string value, string expected)
    {
        Assert.Equal(expected, PageScriptEncoder.Instance.Encode(value));
        using var writer = new StringWriter();
        PageScriptEncoder.Instance.Encode(writer, "x" + value + "x", 1, value.Length);
        Assert.Equal(expected, writer.ToString());
    }

    [Fact]
    public void PageComponentActivator_AComponentType_ANewInstanceEachTime()
    {
        var first = PageComponentActivator.Instance.CreateInstance(typeof(PerDayChart));
        var second = PageComponentActivator.Instance.CreateInstance(typeof(PerDayChart));

        Assert.IsType<PerDayChart>(first);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void PageComponentActivator_NotAComponent_RefusedNamingTheType()
    {
        var ex = Assert.Throws<ArgumentException>(() => PageComponentActivator.Instance.CreateInstance(typeof(StatusModel)));

        Assert.Contains(typeof(StatusModel).FullName!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_PageWithChildComponents_AllRenderedThroughTheActivator()
    {
        var model = new StatusModel(DateTimeOffset.UnixEpoch, Configured: true, AccountStatus.Connected, "Owner", "valid", null, null, false, [], [], null)
        {
            FormToken = "form-value",
            TelegramConfigured = true,
            Charts = [new StatusChart("raises-7d", "Resumes raised", [new DayCount(new DateOnly(1970, 1, 1), 3)])],
        };

        var html = await PageRenderer.RenderAsync<StatusView>(StatusView.With(model, null));

        Assert.StartsWith("<!doctype html>", html.TrimStart(), StringComparison.Ordinal); // the layout component
        Assert.Contains("id=\"raises-7d\"", html, StringComparison.Ordinal); // the chart component inside it
        Assert.Contains("value=\"form-value\"", html, StringComparison.Ordinal);
    }
}
