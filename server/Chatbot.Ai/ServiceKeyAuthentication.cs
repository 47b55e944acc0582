using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Chatbot.Ai;

/// <summary>
/// Who may call the AI service: the api, proving it with the shared service key (<see cref="AiOptions.ServiceKey"/>)
/// as <c>Authorization: Bearer &lt;key&gt;</c>. Every endpoint but health requires <see cref="Policy"/>.
/// </summary>
internal static class ServiceKeyAuthentication
{
    public const string Scheme = "ServiceKey";

    public const string Policy = "AiServiceCaller";

    public static IServiceCollection AddServiceKeyAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, ServiceKeyAuthenticationHandler>(Scheme, configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }
}

internal sealed class ServiceKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AiOptions> ai)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerScheme = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var expected = ai.Value.ServiceKey;
        if (string.IsNullOrEmpty(expected))
        {
            // Only in Development (AiOptions validation refuses to start elsewhere): a local ai without a key is open.
            return Task.FromResult(Success("development-without-key"));
        }

        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, BearerScheme, StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(header.Parameter))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(Matches(header.Parameter, expected)
            ? Success("api")
            : AuthenticateResult.Fail("The service key does not match Ai:ServiceKey."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = BearerScheme;
        return base.HandleChallengeAsync(properties);
    }

    /// <summary>
    /// Compares digests in constant time, so neither the key's content nor its length shows in how long a refusal takes.
    /// </summary>
    private static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static AuthenticateResult Success(string caller) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, caller)], ServiceKeyAuthentication.Scheme)),
            ServiceKeyAuthentication.Scheme));
}
