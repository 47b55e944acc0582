using Chatbot.Samples.Blazor.Components;
using Dongyang.Chat.Client;

// Usage: start the chat server (dotnet run --project server/Chatbot.Api), then
//        dotnet run --project samples/Chatbot.Samples.Blazor --urls http://127.0.0.1:5080
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();

// The options (server, site key) and IDongyangChatFactory; Home.razor creates one client per circuit from them.
builder.Services.AddDongyangChat(options => builder.Configuration.GetSection("DongyangChat").Bind(options));

var app = builder.Build();

app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
