using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Chatbot.Api.Sites;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Admin;

/// <summary>
/// The operator credential as an authentication scheme: <c>Authorization: Bearer {Admin:ApiKey}</c>, compared in
/// constant time. The admin group (<see cref="AdminApi"/>) requires <see cref="Policy"/>, so every endpoint mapped into
/// it needs the credential, checked before any body is read. With no key configured the admin API answers 401 to everyone.
/// </summary>
internal static class AdminAuthentication
{
    public const string Scheme = "Admin";

    public const string Policy = "Admin";

    public static IServiceCollection AddAdminAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminAuthenticationHandler>(Scheme, configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }
}

internal sealed class AdminAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<AdminOptions> admin)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Bearer = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Bearer, StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var configured = admin.CurrentValue.ApiKey;
        return Task.FromResult(configured.Length > 0 && Matches(header[Bearer.Length..].Trim(), configured)
            ? AuthenticateResult.Success(new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], Scheme.Name)),
                Scheme.Name))
            : AuthenticateResult.Fail("The bearer token is not the admin key."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return AccessProblem.WriteAsync(Context, StatusCodes.Status401Unauthorized, "admin_unauthorized", "The admin API needs the admin bearer token.");
    }

    /// <summary>Hashing first gives equal lengths, so the comparison time says nothing about the key.</summary>
    private static bool Matches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
