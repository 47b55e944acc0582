using Chatbot.Testing;

namespace Chatbot.Rag.Tests.Llm;

/// <summary>A fake OpenAI server and the engine wired to it over the sample corpus, shared by a test class.</summary>
public sealed class OpenAiFixture : IAsyncLifetime
{
    internal FakeOpenAiServer Server { get; private set; } = null!;

    internal OpenAiEngine Engine { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await FakeOpenAiServer.StartAsync();
        Engine = await OpenAiEngine.StartAsync(Server, TestSupport.SampleKnowledgePath);
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Server.DisposeAsync();
    }
}
