using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.Privacy;

/// <summary>
/// The text the masking rules read: every grapheme NFKC-normalised (full-width forms, circled and superscript digits,
/// compatibility spaces), every Unicode decimal digit as its ASCII digit (Arabic-Indic ٠-٩, Persian ۰-۹, Devanagari
/// ०-९, Thai ๐-๙ …), every dash as '-', invisible format characters (zero-width spaces, direction marks, soft hyphens)
/// dropped, and digits typed one by one with spaces between ("0 1 0 2 …") closed up. Each character remembers the
/// span of the original it came from, so a match found here masks exactly the original characters it was read from.
/// </summary>
internal sealed partial class MatchingText
{
    private readonly int[] _starts;
    private readonly int[] _ends;

    private MatchingText(string text, int[] starts, int[] ends)
    {
        Text = text;
        _starts = starts;
        _ends = ends;
    }

    /// <summary>The normalised text; the rules match against it.</summary>
    public string Text { get; }

    public static MatchingText Of(string original)
    {
        var folded = Fold(original);
        return CloseUpSpacedDigits(folded);
    }

    /// <summary>The span of the original that a span of <see cref="Text"/> was read from.</summary>
    public (int Index, int Length) ToOriginal(int index, int length)
    {
        var start = _starts[index];
        return (start, _ends[index + length - 1] - start);
    }

    private static MatchingText Fold(string original)
    {
        var text = new StringBuilder(original.Length);
        var starts = new List<int>(original.Length);
        var ends = new List<int>(original.Length);
        var position = 0;
        while (position < original.Length)
        {
            var length = Math.Max(1, StringInfo.GetNextTextElementLength(original.AsSpan(position)));
            var before = text.Length;
            AppendFolded(text, original.AsSpan(position, length));
            for (var i = before; i < text.Length; i++)
            {
                starts.Add(position);
                ends.Add(position + length);
            }

            position += length;
        }

        return new MatchingText(text.ToString(), [.. starts], [.. ends]);
    }

    private static void AppendFolded(StringBuilder text, ReadOnlySpan<char> element)
    {
        // Most characters are already what the rules read: ASCII, and precomposed Hangul syllables.
        if (element.Length == 1 && (element[0] < 0x80 || element[0] is >= '\uAC00' and <= '\uD7A3'))
        {
            text.Append(element[0]);
            return;
        }

        var value = element.ToString();
        try
        {
            if (!value.IsNormalized(NormalizationForm.FormKC))
            {
                value = value.Normalize(NormalizationForm.FormKC);
            }
        }
        catch (ArgumentException)
        {
            // A lone surrogate cannot be normalised; it cannot be part of a number or an address either.
            text.Append(element);
            return;
        }

        var baseIsDigit = false;
        var first = true;
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.DecimalDigitNumber)
            {
                text.Append((char)('0' + (int)Rune.GetNumericValue(rune)));
                baseIsDigit |= first;
            }
            else if (category == UnicodeCategory.Format
                || (baseIsDigit && category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark))
            {
                // Invisible: zero-width spaces and joiners, direction marks, soft hyphens, a keycap's marks on a digit.
            }
            else if (rune.Value is '\u301C' or '\u3030')
            {
                text.Append('~');
            }
            else if (category == UnicodeCategory.DashPunctuation || rune.Value == '\u2212')
            {
                text.Append('-');
            }
            else if (category == UnicodeCategory.SpaceSeparator)
            {
                text.Append(' ');
            }
            else if (rune.Value is '\u00B7' or '\u2027' or '\u2219' or '\u30FB')
            {
                // Middle dots, typed between digit groups like a full stop: 010·2345·6789.
                text.Append('.');
            }
            else
            {
                if (rune.IsBmp)
                {
                    text.Append((char)rune.Value);
                }
                else
                {
                    text.Append(rune.ToString());
                }
            }

            first = false;
        }
    }

    /// <summary>"0 1 0 2 3 4 5 …" becomes "01023 45…": runs of three or more single digits lose the spaces between them.</summary>
    private static MatchingText CloseUpSpacedDigits(MatchingText folded)
    {
        var runs = SpacedDigits().Matches(folded.Text);
        if (runs.Count == 0)
        {
            return folded;
        }

        var text = new StringBuilder(folded.Text.Length);
        var starts = new List<int>(folded.Text.Length);
        var ends = new List<int>(folded.Text.Length);
        var next = 0;
        foreach (Match run in runs)
        {
            for (var i = next; i < run.Index + run.Length; i++)
            {
                var inRun = i >= run.Index;
                if (inRun && folded.Text[i] is ' ' or '\t')
                {
                    continue;
                }

                text.Append(folded.Text[i]);
                starts.Add(folded._starts[i]);
                ends.Add(folded._ends[i]);
            }

            next = run.Index + run.Length;
        }

        for (var i = next; i < folded.Text.Length; i++)
        {
            text.Append(folded.Text[i]);
            starts.Add(folded._starts[i]);
            ends.Add(folded._ends[i]);
        }

        return new MatchingText(text.ToString(), [.. starts], [.. ends]);
    }

    [GeneratedRegex(@"(?<![0-9])[0-9](?:[ \t]{1,2}[0-9]){2,}(?![0-9])")]
    private static partial Regex SpacedDigits();
}
