using Microsoft.Extensions.FileProviders;

namespace Chatbot.Api.PartnerSite;

/// <summary>
/// Serves the partner-site bundle under /widget/ (the loader, and the Blazor WebAssembly chat app under /widget/app/
/// that the loader frames) and, in the embedded default, the sample partner page at /.
/// </summary>
internal static class PartnerSiteExtensions
{
    /// <summary>
    /// Serves the chat app's files from a build (not only a publish) in every environment, so the one-command
    /// <c>dotnet run</c> and the tests, which run the build output as Production, get the same widget.
    /// </summary>
    public static WebApplicationBuilder AddPartnerSite(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    public static WebApplication UsePartnerSite(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/widget/app"))
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

        // The loader keeps one URL across releases, so browsers must revalidate it.
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                if (context.File.Name == "dongyang-chat.js")
                {
                    context.Context.Response.Headers.CacheControl = "no-cache";
                    context.Context.Response.Headers.AccessControlAllowOrigin = "*";
                }
            },
        });
        return app;
    }

    /// <summary>The chat app's files (fingerprinted, precompressed) from the build's static web assets manifest.</summary>
    public static WebApplication MapPartnerSiteAssets(this WebApplication app)
    {
        app.MapStaticAssets();
        return app;
    }
}
