using Chatbot.Api.Chat;
using Chatbot.Api.Engine;
using Chatbot.Api.Health;
using Chatbot.Api.PartnerSite;
using Chatbot.Api.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddProblemDetails();
builder.Services.AddChatPersistence(builder.Configuration, builder.Environment);
builder.Services.AddChatEngine(builder.Configuration, builder.Environment);
builder.Services.AddChat();
builder.AddPartnerSite();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePartnerSite();

app.MapHealthApi();
app.MapChatApi();
app.MapConversationApi();
app.MapFeedbackApi();
app.MapChatHub();
app.MapPartnerSiteAssets();

app.Run();
