using Chatbot.Ai;
using Chatbot.Ai.Contracts;
using Chatbot.Hosting;
using Chatbot.Hosting.Telemetry;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(AiEndpoints.Health, AiEndpoints.DefaultPort);
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddContainerSecrets();
builder.AddChatbotTelemetry("chatbot-ai", AiEndpoints.Health);

builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddAiEngine(builder.Configuration, builder.Environment);

var app = builder.Build();

app.UseRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi().RequireAuthorization(ServiceKeyAuthentication.Policy);
app.MapAiApi();

await app.RunAsync();
return 0;
