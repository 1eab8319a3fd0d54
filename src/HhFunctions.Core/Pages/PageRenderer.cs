using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Encodings.Web;
using HhFunctions.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Logging.Abstractions;

namespace HhFunctions.Pages;

/// <summary>
/// Renders the pages' Razor components to HTML on the server: no Blazor runtime, no script, every value HTML-encoded
/// by the renderer. The components take all they show as parameters, so the renderer needs no app services: it gets
/// only <see cref="PageEncoder"/>, <see cref="PageScriptEncoder"/> and <see cref="PageComponentActivator"/>, and a fresh <see cref="HtmlRenderer"/> per
/// page (one renderer keeps every root component it ever rendered until it is disposed).
/// </summary>
public static class PageRenderer
{
    /// <summary>The page as HTML.</summary>
    public static async Task<string> RenderAsync<TComponent>(IReadOnlyDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        ArgumentNullException.ThrowIfNull(parameters);
        await using var renderer = new HtmlRenderer(RendererServices.Instance, NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var root = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters.ToDictionary()));
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            root.WriteHtmlTo(writer);
            return writer.ToString();
        });

        // The renderer closes void elements XHTML-style (<input ... />); the pages are HTML5 (<input ...>). Every value
        // it writes is encoded (no '>' of its own), so " />" only ever comes from those element ends.
        return html.Replace(" />", ">", StringComparison.Ordinal);
    }

    /// <summary>The page as the answer: text/html, UTF-8, with <paramref name="status"/>; rendered when the answer is written.</summary>
    public static IResult Result<TComponent>(int status, IReadOnlyDictionary<string, object?> parameters)
        where TComponent : IComponent =>
        new PageResult<TComponent>(status, parameters);

    private sealed class PageResult<TComponent>(int status, IReadOnlyDictionary<string, object?> parameters) : IResult
        where TComponent : IComponent
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var html = await RenderAsync<TComponent>(parameters);
            await HttpEndpoints.Html(status, html).ExecuteAsync(httpContext);
        }
    }

    /// <summary>What the renderer asks its service provider for: only the encoders and the component activator are given.</summary>
    internal sealed class RendererServices : IServiceProvider
    {
        public static readonly RendererServices Instance = new();

        public object? GetService(Type serviceType) =>
            serviceType == typeof(HtmlEncoder) ? PageEncoder.Instance
            : serviceType == typeof(JavaScriptEncoder) ? PageScriptEncoder.Instance
            : serviceType == typeof(IComponentActivator) ? PageComponentActivator.Instance
            : null;
    }
}

/// <summary>
/// Creates the pages' components with their parameterless constructors. The renderer's default activator builds each
/// component type's factory from a compiled expression tree (to allow constructor injection, which the pages do not
/// use): some 40 ms of CPU on the first page after a start (tests/startup-bench.sh).
/// </summary>
internal sealed class PageComponentActivator : IComponentActivator
{
    public static readonly PageComponentActivator Instance = new();

    public IComponent CreateInstance([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type componentType)
    {
        ArgumentNullException.ThrowIfNull(componentType);
        return typeof(IComponent).IsAssignableFrom(componentType)
            ? (IComponent)Activator.CreateInstance(componentType)!
            : throw new ArgumentException($"{componentType.FullName} is not a component (it does not implement IComponent).", nameof(componentType));
    }
}
