namespace Chatbot.Data.Sites;

/// <summary>
/// A partner-site rule was broken (a name, an origin, a key). <see cref="Exception.Message"/> is the English text the
/// admin API answers with; <see cref="Korean"/> says the same for the people using the console, Korean first.
/// </summary>
public sealed class InvalidSiteException : ArgumentException
{
    public InvalidSiteException()
        : this("The site is not acceptable.", "사이트 정보가 올바르지 않습니다.")
    {
    }

    public InvalidSiteException(string message)
        : this(message, message)
    {
    }

    public InvalidSiteException(string message, Exception innerException)
        : base(message, innerException)
    {
        Korean = message;
    }

    public InvalidSiteException(string message, string korean)
        : base(message)
    {
        Korean = korean;
    }

    /// <summary>The rule in Korean, as the console shows it (the English follows it there).</summary>
    public string Korean { get; }
}
