using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chatbot.Counselling;

public static class CounsellingServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="CounsellorOptions"/> from the "Counsellor" section, checks at start that the hours and time zone
    /// parse, and registers <see cref="CounsellorLine"/>.
    /// </summary>
    public static IServiceCollection AddCounselling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(CounsellorLine)))
        {
            // The engine and the host both need the line; it is bound once.
            return services;
        }

        services.AddOptions<CounsellorOptions>()
            .Bind(configuration.GetSection(CounsellorOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(HoursParse, "Counsellor:Hours must look like 'Mon-Fri 09:00-18:00; Sat 09:00-13:00' and Counsellor:TimeZone must be an IANA time zone such as Asia/Seoul.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new CounsellorLine(
            provider.GetRequiredService<IOptions<CounsellorOptions>>(),
            provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static bool HoursParse(CounsellorOptions options)
    {
        try
        {
            _ = CounsellingHours.Parse(options.Hours ?? "", options.TimeZone ?? "");
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
