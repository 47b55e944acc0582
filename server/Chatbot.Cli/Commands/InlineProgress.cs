namespace Chatbot.Cli.Commands;

/// <summary>Reports on the calling thread, unlike Progress&lt;T&gt;, so every report lands before the work returns.</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
