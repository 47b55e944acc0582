using Dongyang.Chat.Client;
using Dongyang.Chat.Client.Tests;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dongyang.Chat.Widget.Tests;

/// <summary>The component's own client honours every registered <see cref="DongyangChatOptions"/> and the app's logging.</summary>
public sealed class ClientOptionsWidgetTests : BunitContext, IClassFixture<SharedServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SharedServer fixture;

    public ClientOptionsWidgetTests(SharedServer fixture)
    {
        this.fixture = fixture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        DefaultWaitTimeout = Patience;
    }

    [Fact]
    public async Task Registered_websockets_transport_connects_without_a_negotiate_request()
    {
        await using var relay = new TcpRelay(fixture.Server.BaseAddress);
        Services.AddDongyangChat(o =>
        {
            o.ServerUrl = relay.BaseAddress;
            o.SiteKey = ChatServer.LocalSiteKey;
            // README's recipe for several instances without sticky sessions: no negotiate request at all.
            o.Transports = HttpTransportType.WebSockets;
        });

        var cut = Render<DongyangChat>(p => p.Add(c => c.Embedded, true));
        await cut.InvokeAsync(() => cut.Instance.SendAsync("보험금 청구할 때 필요한 서류는 뭐예요?"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-action=helpful]")));
        Assert.Contains(relay.RequestLines, l => l.StartsWith("GET /hubs/chat", StringComparison.Ordinal));
        Assert.DoesNotContain(relay.RequestLines, l => l.Contains("/negotiate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registered_http_handler_and_the_apps_logging_reach_the_components_client()
    {
        var requests = new List<string>();
        var logs = new RecordingLoggerFactory();
        Services.AddDongyangChat(o =>
        {
            o.ServerUrl = fixture.Server.BaseAddress;
            o.SiteKey = ChatServer.LocalSiteKey;
            o.HttpMessageHandlerFactory = inner => new RecordingHandler(inner, requests);
        });
        Services.AddSingleton<ILoggerFactory>(logs);

        var cut = Render<DongyangChat>(p => p.Add(c => c.Embedded, true));
        await cut.InvokeAsync(() => cut.Instance.SendAsync("보험금 청구할 때 필요한 서류는 뭐예요?"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-action=helpful]")));
        lock (requests)
        {
            Assert.Contains(requests, r => r.Contains("/hubs/chat/negotiate", StringComparison.Ordinal));
        }

        Assert.Contains(typeof(DongyangChatClient).FullName!, logs.Created);
        Assert.Contains(logs.Categories, c => c.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal));
    }

    /// <summary>Notes every HTTP request the client sends through it.</summary>
    private sealed class RecordingHandler(HttpMessageHandler inner, List<string> requests) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (requests)
            {
                requests.Add(request.RequestUri?.ToString() ?? "");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Notes which loggers were created, and which categories log anything at any level.</summary>
    private sealed class RecordingLoggerFactory : ILoggerFactory
    {
        private readonly HashSet<string> categories = [];
        private readonly HashSet<string> created = [];

        public IReadOnlyCollection<string> Created
        {
            get
            {
                lock (created)
                {
                    return [.. created];
                }
            }
        }

        public IReadOnlyCollection<string> Categories
        {
            get
            {
                lock (categories)
                {
                    return [.. categories];
                }
            }
        }

        public ILogger CreateLogger(string categoryName)
        {
            lock (created)
            {
                created.Add(categoryName);
            }

            return new Logger(this, categoryName);
        }

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class Logger(RecordingLoggerFactory owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.categories)
                {
                    owner.categories.Add(category);
                }
            }
        }
    }
}
