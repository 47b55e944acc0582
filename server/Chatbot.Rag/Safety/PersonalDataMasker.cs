using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.Rag.Safety;

/// <summary>The kinds of personal data the masker recognises.</summary>
public enum PersonalDataKind
{
    ResidentRegistrationNumber,
    ForeignerRegistrationNumber,
    PhoneNumber,
    CardNumber,
    BankAccountNumber,
    Email,
    PassportNumber,
    DriverLicenseNumber,
}

/// <summary>One recognised piece of personal data.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Index">Where it starts in the original text.</param>
/// <param name="Length">Its length in the original text.</param>
public sealed record PersonalDataMatch(PersonalDataKind Kind, int Index, int Length);

/// <summary>
/// Masks Korean personal data in free text before it is stored, logged or searched: resident and foreigner
/// registration numbers, phone numbers, card numbers (Luhn-checked), bank account numbers, e-mail addresses,
/// passport and driver-licence numbers. Each is replaced by a bracketed Korean label such as [전화번호].
/// Full-width digits and dashes (０１０－…), spaced separators and partly hidden registration numbers (900101-1******)
/// are recognised. Dates (2024-01-15), amounts (1,000,000원), the insurer's reference numbers after 증권번호/접수번호
/// and the like (2024-0012345-01) and company hotlines (1588-0000) are left alone. The corpus of cases lives in
/// tests/Chatbot.Rag.Tests/Safety/personal-data-corpus.tsv.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "An injectable service; rules may become configurable per deployment.")]
public sealed partial class PersonalDataMasker
{
    /// <summary>The replacement text for each kind.</summary>
    public static string LabelOf(PersonalDataKind kind) => kind switch
    {
        PersonalDataKind.ResidentRegistrationNumber => "[주민등록번호]",
        PersonalDataKind.ForeignerRegistrationNumber => "[외국인등록번호]",
        PersonalDataKind.PhoneNumber => "[전화번호]",
        PersonalDataKind.CardNumber => "[카드번호]",
        PersonalDataKind.BankAccountNumber => "[계좌번호]",
        PersonalDataKind.Email => "[이메일]",
        PersonalDataKind.PassportNumber => "[여권번호]",
        PersonalDataKind.DriverLicenseNumber => "[운전면허번호]",
        _ => "[개인정보]",
    };

    /// <summary>Returns <paramref name="text"/> with every recognised piece of personal data replaced by its label.</summary>
    public string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var matches = Find(text);
        if (matches.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var match in matches)
        {
            builder.Append(text, position, match.Index - position).Append(LabelOf(match.Kind));
            position = match.Index + match.Length;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>True when the text holds any recognised personal data.</summary>
    public bool ContainsPersonalData(string text) => Find(text).Count > 0;

    /// <summary>Finds personal data, non-overlapping, in text order.</summary>
    public IReadOnlyList<PersonalDataMatch> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Full-width digits and dashes become ASCII one for one, so indexes in the folded text are indexes in the original.
        var folded = Fold(text);
        var taken = new bool[folded.Length];
        var found = new List<PersonalDataMatch>();

        void Take(PersonalDataKind kind, int index, int length)
        {
            for (var i = index; i < index + length; i++)
            {
                if (taken[i])
                {
                    return;
                }
            }

            Array.Fill(taken, true, index, length);
            found.Add(new PersonalDataMatch(kind, index, length));
        }

        foreach (Match m in Email().Matches(folded))
        {
            Take(PersonalDataKind.Email, m.Index, m.Length);
        }

        foreach (Match m in RegistrationNumber().Matches(folded))
        {
            var digits = Digits(m.Value);
            var separated = m.Value.Length > 13;
            if (!separated && !IsPlausibleBirthDate(digits))
            {
                continue;
            }

            var kind = digits[6] is >= '5' and <= '8' ? PersonalDataKind.ForeignerRegistrationNumber : PersonalDataKind.ResidentRegistrationNumber;
            Take(kind, m.Index, m.Length);
        }

        foreach (Match m in HiddenRegistrationNumber().Matches(folded))
        {
            Take(PersonalDataKind.ResidentRegistrationNumber, m.Index, m.Length);
        }

        foreach (Match m in DriverLicense().Matches(folded))
        {
            Take(PersonalDataKind.DriverLicenseNumber, m.Index, m.Length);
        }

        foreach (Match m in DriverLicenseAfterKeyword().Matches(folded))
        {
            var number = m.Groups["number"];
            Take(PersonalDataKind.DriverLicenseNumber, number.Index, number.Length);
        }

        foreach (Match m in InternationalPhone().Matches(folded))
        {
            Take(PersonalDataKind.PhoneNumber, m.Index, m.Length);
        }

        foreach (Match m in MobilePhone().Matches(folded))
        {
            Take(PersonalDataKind.PhoneNumber, m.Index, m.Length);
        }

        foreach (Match m in LandlinePhone().Matches(folded))
        {
            Take(PersonalDataKind.PhoneNumber, m.Index, m.Length);
        }

        // The insurer's own reference numbers (증권번호 2024-0012345-01, 접수번호 …) look like account numbers but
        // identify a contract, not a person's money: they stay, so the customer can be helped with them.
        foreach (Match m in ReferenceNumber().Matches(folded))
        {
            var number = m.Groups["number"];
            if (!taken.AsSpan(number.Index, number.Length).Contains(true))
            {
                Array.Fill(taken, true, number.Index, number.Length);
            }
        }

        foreach (Match m in CardNumber().Matches(folded))
        {
            var digits = Digits(m.Value);
            if (digits.Length is >= 13 and <= 19 && PassesLuhn(digits) && !IsSeparatedDate(m.Value))
            {
                Take(PersonalDataKind.CardNumber, m.Index, m.Length);
            }
        }

        foreach (Match m in AccountNumber().Matches(folded))
        {
            var digits = Digits(m.Value);
            if (digits.Length is >= 10 and <= 14)
            {
                Take(PersonalDataKind.BankAccountNumber, m.Index, m.Length);
            }
        }

        foreach (Match m in AccountAfterKeyword().Matches(folded))
        {
            var number = m.Groups["number"];
            if (Digits(number.Value).Length is >= 10 and <= 16)
            {
                Take(PersonalDataKind.BankAccountNumber, number.Index, number.Length);
            }
        }

        foreach (Match m in Passport().Matches(folded))
        {
            Take(PersonalDataKind.PassportNumber, m.Index, m.Length);
        }

        found.Sort((a, b) => a.Index.CompareTo(b.Index));
        return found;
    }

    internal static bool PassesLuhn(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    private static string Fold(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch
            {
                >= '０' and <= '９' => (char)('0' + (chars[i] - '０')),
                '－' or '‐' or '‑' or '‒' or '–' or '—' or '−' => '-',
                '＋' => '+',
                '．' => '.',
                '＊' => '*',
                '\u3000' => ' ',
                _ => chars[i],
            };
        }

        return new string(chars);
    }

    private static string Digits(string value) => string.Concat(value.Where(char.IsAsciiDigit));

    private static bool IsPlausibleBirthDate(string digits)
    {
        var month = ((digits[2] - '0') * 10) + (digits[3] - '0');
        var day = ((digits[4] - '0') * 10) + (digits[5] - '0');
        return month is >= 1 and <= 12 && day is >= 1 and <= 31;
    }

    private static bool IsSeparatedDate(string value) => DateLike().IsMatch(value);

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    // YYMMDD, optional separator, gender/century digit 1–8, six more digits.
    [GeneratedRegex(@"(?<![\d-])\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:\s*-\s*|\s+)?[1-8]\d{6}(?![\d-])")]
    private static partial Regex RegistrationNumber();

    // Region code (or region name) - year - serial - check: 11-12-123456-78, 서울 12-123456-78.
    [GeneratedRegex(@"(?<![\d-])(?:\d{2}[\s-]\d{2}[\s-]\d{6}[\s-]\d{2}|(?:서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산)\s?\d{2}[\s-]\d{6}[\s-]\d{2})(?![\d-])")]
    private static partial Regex DriverLicense();

    [GeneratedRegex(@"\+\s?82[\s-]?(?:\(0\)\s?)?(?:1[016789]|[2-6]\d?|70)[\s-]?\d{3,4}[\s-]?\d{4}(?!\d)")]
    private static partial Regex InternationalPhone();

    // Separators may be a dash or dot with spaces around it ("010 - 1234 - 5678") or a single space.
    [GeneratedRegex(@"(?<![\d-])01[016789](?:\s*[.-]\s*|\s)?\d{3,4}(?:\s*[.-]\s*|\s)?\d{4}(?![\d-])")]
    private static partial Regex MobilePhone();

    // Area codes 02, 031–064 and 070; the separator is required so long digit runs are left to the account rules.
    [GeneratedRegex(@"(?<![\d-])(?:\(0(?:2|[3-6][1-5]|70)\)\s?|0(?:2|[3-6][1-5]|70)(?:\s*[.-]\s*|\s))\d{3,4}(?:\s*[.-]\s*|\s)\d{4}(?![\d-])")]
    private static partial Regex LandlinePhone();

    [GeneratedRegex(@"(?<![\d-])\d(?:[\s-]?\d){12,18}(?![\d-])")]
    private static partial Regex CardNumber();

    // Korean bank formats: three or four groups of digits joined by dashes (110-123-456789, 123-456789-12-345).
    [GeneratedRegex(@"(?<![\d-])\d{2,6}-\d{2,6}-\d{2,6}(?:-\d{1,6})?(?![\d-])")]
    private static partial Regex AccountNumber();

    [GeneratedRegex(@"(?:계좌|통장|account)(?:번호)?\s*(?:는|은|:|=)?\s*(?:[가-힣A-Za-z]{1,6}(?:은행)?\s*)?(?<number>\d[\d\s-]{8,20}\d)(?![\d])", RegexOptions.IgnoreCase)]
    private static partial Regex AccountAfterKeyword();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[MSRODmsrod](?:\d{8}|\d{3}[A-Za-z]\d{4})(?![A-Za-z0-9])")]
    private static partial Regex Passport();

    [GeneratedRegex(@"^\d{4}[-.]\d{1,2}[-.]\d{1,2}$")]
    private static partial Regex DateLike();

    // A registration number with its last six digits hidden still gives away birth date and sex: 900101-1******.
    [GeneratedRegex(@"(?<![\d-])\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\s*-\s*[1-8][*xX●]{6}")]
    private static partial Regex HiddenRegistrationNumber();

    // Twelve digits without dashes, when the customer says it is a licence number.
    [GeneratedRegex(@"(?:운전\s*)?면허(?:증)?\s*(?:번호)?\s*(?:는|은|:)?\s*(?<number>\d{12})(?!\d)")]
    private static partial Regex DriverLicenseAfterKeyword();

    [GeneratedRegex(@"(?:증권|계약|접수|청구|고객|사고|보험|상품|신청)\s*번호\s*(?:는|은|가|이|:|=)?\s*(?<number>[A-Za-z]?\d[\d\s-]*\d)")]
    private static partial Regex ReferenceNumber();
}
