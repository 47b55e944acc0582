using System.Security.Cryptography;
using System.Text;
using Chatbot.Api.Sites;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Admin;

/// <summary>
/// Everything under <c>/api/admin/</c> needs <c>Authorization: Bearer {Admin:ApiKey}</c>, checked before any body is read
/// and compared in constant time. With no key configured the admin API answers 401 to everyone.
/// </summary>
internal sealed class AdminKeyMiddleware(RequestDelegate next, IOptionsMonitor<AdminOptions> options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments("/api/admin", StringComparison.OrdinalIgnoreCase) && !IsAdmin(http.Request, options.CurrentValue.ApiKey))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await AccessProblem.WriteAsync(http, StatusCodes.Status401Unauthorized, "admin_unauthorized", "The admin API needs the admin bearer token.");
            return;
        }

        await next(http);
    }

    private static bool IsAdmin(HttpRequest request, string configured)
    {
        var header = request.Headers.Authorization.ToString();
        if (configured.Length == 0 || !header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        // Hashing first gives equal lengths, so the comparison time says nothing about the key.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
