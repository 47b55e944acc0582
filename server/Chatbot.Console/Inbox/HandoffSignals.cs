namespace Chatbot.CounsellorConsole.Inbox;

/// <summary>
/// Tells open inbox pages on this instance that a handoff request was made or changed, so they refresh at once.
/// Requests made on another Api instance reach them on the inbox's next periodic refresh.
/// </summary>
public sealed class HandoffSignals
{
    public event Action? Changed;

    public void Raise() => Changed?.Invoke();
}
