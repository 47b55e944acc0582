using Chatbot.Samples.BlazorWasm;
using Dongyang.Chat.Client;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

// Usage: allow this app's origin on a site key, start the chat server, then
//        dotnet run --project samples/Chatbot.Samples.BlazorWasm      (http://127.0.0.1:5090; see README)
var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");

// wwwroot/appsettings.json: the chat server (another origin) and a site key that allows this app's origin.
builder.Services.AddDongyangChat(options => builder.Configuration.GetSection("DongyangChat").Bind(options));

await builder.Build().RunAsync();
