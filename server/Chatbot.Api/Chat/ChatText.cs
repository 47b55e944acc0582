using System.Text;

namespace Chatbot.Api.Chat;

/// <summary>
/// What customer text may contain before it is stored. Control characters (NUL, escape sequences, …) carry no meaning
/// in a question and some databases refuse them, so they are dropped; text that is not valid Unicode is refused.
/// </summary>
internal static class ChatText
{
    /// <summary>The text without control characters other than line breaks and tabs; null when it is not valid UTF-16.</summary>
    public static string? Clean(string text)
    {
        if (!IsValidUnicode(text))
        {
            return null;
        }

        if (!text.Any(IsUnwantedControl))
        {
            return text;
        }

        var cleaned = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsUnwantedControl(c))
            {
                cleaned.Append(c);
            }
        }

        return cleaned.ToString();
    }

    /// <summary>A client message id is printable ASCII: it is echoed in logs and URLs, and matched exactly.</summary>
    public static bool IsValidClientMessageId(string id) => id.All(c => c is >= '!' and <= '~');

    private static bool IsUnwantedControl(char c) => char.IsControl(c) && c is not ('\n' or '\t');

    private static bool IsValidUnicode(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            rest = rest[consumed..];
        }

        return true;
    }
}
