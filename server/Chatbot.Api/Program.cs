using Chatbot.Api.Admin;
using Chatbot.Api.Chat;
using Chatbot.Api.CounsellorConsole;
using Chatbot.Api.Engine;
using Chatbot.Api.Health;
using Chatbot.Api.Limits;
using Chatbot.Api.PartnerSite;
using Chatbot.Api.Persistence;
using Chatbot.Api.Privacy;
using Chatbot.Api.RateLimiting;
using Chatbot.Api.Resilience;
using Chatbot.Api.Retention;
using Chatbot.Api.ScaleOut;
using Chatbot.Api.Sites;
using Chatbot.Api.Telemetry;
using Chatbot.CounsellorConsole;
using Chatbot.Counselling;
using Chatbot.Hosting;
using Chatbot.Hosting.Telemetry;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync("/api/health", defaultPort: 8080);
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddContainerSecrets();
builder.AddChatTelemetry();

builder.Services.AddProblemDetails();
builder.Services.AddReverseProxySupport(builder.Configuration);
builder.Services.AddHealth();
builder.Services.AddChatPersistence(builder.Configuration, builder.Environment);
builder.Services.AddPrivacy(builder.Configuration, builder.Environment);
builder.Services.AddChatEngine(builder.Configuration, builder.Environment);
builder.Services.AddChat();
builder.Services.AddCounselling(builder.Configuration);
builder.Services.AddSiteAccess(builder.Configuration);
builder.Services.AddRequestLimits(builder.Configuration);
builder.Services.AddAdminApi(builder.Configuration);
builder.Services.AddChatRateLimits(builder.Configuration);
builder.Services.AddRetention(builder.Configuration);
builder.Services.AddChatResilience(builder.Configuration);
builder.Services.AddScaleOut(builder.Configuration);
builder.Services.AddConsole(builder.Configuration, builder.Environment);
builder.AddPartnerSite();

var app = builder.Build();

app.UseReverseProxySupport();
app.UseRequestLogging();
app.UseScaleOut();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePartnerSite();
app.UseSiteCors();
app.UseChatRateLimits();

// Each endpoint's policy decides: the customer API group and the hub need a site key, the admin group the admin key,
// the console's pages a signed-in counsellor.
app.UseAuthentication();
app.UseAuthorization();
app.UseSiteRateLimits();
app.UseRequestBodyLimits();
app.UseCounsellorConsole();

app.MapHealthApi();
app.MapWidgetConfigurationApi();
app.MapCustomerApi();
app.MapChatHub();
app.MapAdminApi();
app.MapPartnerSiteAssets();
app.MapCounsellorConsole();

await app.RunAsync();
return 0;
