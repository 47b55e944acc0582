using Chatbot.Widget.App;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<FrameApp>("#app");
await builder.Build().RunAsync();
