using Chatbot.CounsellorConsole.Accounts;
using Chatbot.CounsellorConsole.Audit;
using Chatbot.CounsellorConsole.Components;
using Chatbot.CounsellorConsole.Conversations;
using Chatbot.CounsellorConsole.Data;
using Chatbot.CounsellorConsole.Inbox;
using Chatbot.CounsellorConsole.Sites;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Radzen;

namespace Chatbot.CounsellorConsole;

/// <summary>
/// Mounts the console in a chat host: accounts and cookie sign-in, the per-role authorization policies, the Blazor
/// pages under <c>/console</c>. The host supplies its database and its <see cref="IHandoffDesk"/>.
/// </summary>
public static class ConsoleHostingExtensions
{
    public const string BasePath = "/console";
    public const string SignInPath = BasePath + "/signin";
    public const string SignOutPath = BasePath + "/signout";
    public const string CookieName = ".DongyangChat.Console";
    public const string ConversationsExportPath = BasePath + "/conversations/export";

    public static IServiceCollection AddCounsellorConsole<THandoffDesk>(this IServiceCollection services, IConfiguration configuration, ConsoleDatabase database)
        where THandoffDesk : class, IHandoffDesk
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ConsoleOptions>().Bind(configuration.GetSection(ConsoleOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddConsoleAccounts(database).AddSignInManager().AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.LoginPath = SignInPath;
            cookie.LogoutPath = SignOutPath;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;

            // A signed-in counsellor who opens an admin page is refused there (403), not sent elsewhere.
            cookie.Events.OnRedirectToAccessDenied = ForbiddenPage.WriteAsync;
        });

        // Pages name one of these policies; there is no path-based rule.
        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleRoles.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(ConsoleRoles.Admin))
            .AddPolicy(ConsoleRoles.CounsellorPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(ConsoleRoles.Admin, ConsoleRoles.Counsellor));

        services.AddCascadingAuthenticationState();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddRadzenComponents();

        services.AddSingleton<HandoffSignals>();
        services.AddScoped<IHandoffDesk, THandoffDesk>();
        services.AddScoped<HandoffInbox>();
        services.AddScoped<ConversationExport>();
        services.AddScoped<SiteAdministration>();

        // The audit log records the caller's address; in a Blazor circuit that is the address of its connection.
        services.AddHttpContextAccessor();
        services.AddScoped<ConsoleCaller>();

        // After the host's own migrator (registered before), so the database (and SQLite's folder) exists.
        services.AddHostedService<ConsoleStartup>();
        return services;
    }

    /// <summary>
    /// Antiforgery for the console's forms, after the host's <c>UseAuthentication</c> and <c>UseAuthorization</c> (which
    /// sign the counsellor in and apply the pages' role policies) and before the endpoints.
    /// </summary>
    public static IApplicationBuilder UseCounsellorConsole(this IApplicationBuilder app)
    {
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapCounsellorConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode();

        // A form post from the console's own pages (antiforgery-checked), so another site cannot sign a counsellor out.
        endpoints.MapPost(SignOutPath, async (SignInManager<ConsoleUser> signIn) =>
            {
                await signIn.SignOutAsync();
                return TypedResults.LocalRedirect(SignInPath);
            })
            .WithMetadata(new RequireAntiforgeryTokenAttribute());

        // The conversations page's export button posts its filter here (admins only, antiforgery-checked, audited).
        endpoints.MapPost(ConversationsExportPath, async ([FromForm] ExportForm? form, ConversationExport export, HttpContext http) =>
            {
                // An unfiltered export posts only the antiforgery token, and then the binder gives no form object.
                form ??= new ExportForm();
                var filter = new ConversationFilter(form.From, form.To, form.Site, form.Declined, form.Handoff, form.Down, form.Q);
                var file = await export.ExportAsync(filter, AuditActor.Of(http.User, http.Connection.RemoteIpAddress), http.RequestAborted);
                return TypedResults.File(file.Content, "text/csv; charset=utf-8", file.FileName);
            })
            .RequireAuthorization(ConsoleRoles.AdminPolicy)
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        return endpoints;
    }
}

/// <summary>The export form's fields, named as the conversations page's query string.</summary>
internal sealed class ExportForm
{
    public DateOnly? From { get; set; }

    public DateOnly? To { get; set; }

    public string? Site { get; set; }

    public bool Declined { get; set; }

    public bool Handoff { get; set; }

    public bool Down { get; set; }

    public string? Q { get; set; }
}
