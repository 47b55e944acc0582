using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.FileProviders;

namespace Chatbot.Api.PartnerSite;

/// <summary>
/// Serves the partner-site bundle under /widget/ (the loader, and the Blazor WebAssembly chat app under /widget/app/
/// that the loader frames) and, in the embedded default, the sample partner page at /.
/// </summary>
internal static class PartnerSiteExtensions
{
    private const string FrameRoute = "widget/app/";
    private const string LoaderRoute = "widget/dongyang-chat.js";

    /// <summary>
    /// Serves the chat app's files from a build (not only a publish) in every environment, so the one-command
    /// <c>dotnet run</c> and the tests, which run the build output as Production, get the same widget.
    /// </summary>
    public static WebApplicationBuilder AddPartnerSite(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();

        // A build's manifest would otherwise add a catch-all endpoint that serves any web-root file under any spelling
        // of its path (//widget/app/index.html), without the metadata of the file's own endpoint, so without the
        // frame's policy. Files come from the manifest only, as they do in a publish.
        builder.Configuration["DisableStaticAssetNotFoundRuntimeFallback"] = "true";
        return builder;
    }

    public static WebApplication UsePartnerSite(this WebApplication app)
    {
        // Routing has run, so the endpoint that will serve the request is known: the frame's policy follows the file
        // being served, however its address was spelled (//widget/app/…, /Widget/App/…).
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<WidgetFrameFile>() is not null)
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = await WidgetFramePolicy.ForAsync(context, context.RequestAborted);
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
            }

            await next(context);
        });

        var sitePath = Path.Combine(AppContext.BaseDirectory, "samples", "site");
        if (Directory.Exists(sitePath))
        {
            var site = new PhysicalFileProvider(sitePath);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = site });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = site });
        }

        return app;
    }

    /// <summary>
    /// The chat app's files and the loader (fingerprinted, precompressed) from the build's static web assets manifest:
    /// the only place they are served from. The frame's endpoints carry <see cref="WidgetFrameFile"/>.
    /// </summary>
    public static WebApplication MapPartnerSiteAssets(this WebApplication app)
    {
        app.MapStaticAssets().Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<StaticAssetDescriptor>().FirstOrDefault() is not { } asset)
            {
                return;
            }

            if (asset.Route.StartsWith(FrameRoute, StringComparison.Ordinal))
            {
                endpoint.Metadata.Add(WidgetFrameFile.Instance);
            }
            else if (asset.Route == LoaderRoute)
            {
                // Partner pages on any origin load it (the manifest already has browsers revalidate its one URL).
                var serve = endpoint.RequestDelegate!;
                endpoint.RequestDelegate = context =>
                {
                    context.Response.Headers.AccessControlAllowOrigin = "*";
                    return serve(context);
                };
            }
        });
        return app;
    }

    /// <summary>Marks the endpoints that serve the chat app's own files, which get <see cref="WidgetFramePolicy"/>.</summary>
    private sealed class WidgetFrameFile
    {
        public static readonly WidgetFrameFile Instance = new();
    }
}
