using Chatbot.Api.Chat;
using Chatbot.Api.Engine;
using Chatbot.Api.Health;
using Chatbot.Api.PartnerSite;
using Chatbot.Api.Persistence;
using Chatbot.Hosting;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync("/api/health", defaultPort: 8080);
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddContainerSecrets();

builder.Services.AddProblemDetails();
builder.Services.AddReverseProxySupport(builder.Configuration);
builder.Services.AddHealth();
builder.Services.AddChatPersistence(builder.Configuration, builder.Environment);
builder.Services.AddChatEngine(builder.Configuration, builder.Environment);
builder.Services.AddChat();

var app = builder.Build();

app.UseReverseProxySupport();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePartnerSite();

app.MapHealthApi();
app.MapChatApi();
app.MapConversationApi();
app.MapChatHub();

await app.RunAsync();
return 0;
