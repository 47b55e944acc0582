using Microsoft.Extensions.FileProviders;

namespace Chatbot.Api.PartnerSite;

/// <summary>Serves the widget under /widget/ and, in the embedded default, the sample partner page at /.</summary>
internal static class PartnerSiteExtensions
{
    public static WebApplication UsePartnerSite(this WebApplication app)
    {
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
                }
            },
        });
        return app;
    }
}
