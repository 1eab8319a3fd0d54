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
        Assert.Same(PageComponentActivator.Instance, services.GetService(typeof(IComponentActivator))); // not the default, which compiles an expression per component type
        Assert.Null(services.GetService(typeof(IServiceProvider)));
        Assert.Null(services.GetService(typeof(NavigationManager)));
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
