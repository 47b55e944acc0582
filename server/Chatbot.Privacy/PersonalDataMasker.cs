using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.Privacy;

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
/// Masks Korean personal data in free text before it is stored, logged, searched or sent to a model: resident and
/// foreigner registration numbers, phone numbers (Korean and international), card numbers (Luhn-checked), bank account
/// numbers, e-mail addresses (Korean and other IDN domains too), passport and driver-licence numbers. Each is replaced
/// by a bracketed Korean label such as [전화번호].
/// </summary>
/// <remarks>
/// <para>
/// The rules read a normalised copy of the text (NFKC; every Unicode decimal digit as ASCII; dashes, invisible
/// characters and spaced-out digits folded) and mask the original characters each match came from, so
/// <c>９００１０１－１２３４５６７</c>, <c>٩٠0101-1٢٣٤٥٦٧</c> and <c>9 0 0 1 0 1 - 1 2 …</c> are masked like
/// <c>900101-1234567</c>. Between digit groups people type dashes, dots, slashes, spaces or parentheses:
/// <c>900101.1234565</c>, <c>(010)2345-6784</c>, <c>+82 10-2345-6785</c>, <c>4111.1111.1111.1111</c>.
/// </para>
/// <para>
/// Left alone: dates (2024-01-15, 2024.01.15, 20240115), amounts (1,000만원, 3,000,000원), percentages, 약관 article
/// numbers, years, ages and times; company numbers (the counsellor line 1588-0000 and other 15xx/16xx/18xx numbers,
/// 080 toll-free numbers); and the insurer's reference numbers after 증권번호, 계약번호, 접수번호, 청구번호 and the
/// like (2024-0012345-01) and business registration numbers, which identify a contract or a company, not a person's
/// money or identity, so the customer can be helped with them. Registration numbers need no valid check digit: those
/// issued since October 2020 have none. Names and street addresses are not recognised.
/// </para>
/// <para>The corpus of cases lives in tests/Chatbot.Privacy.Tests/personal-data-corpus.tsv.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "An injectable service; rules may become configurable per deployment.")]
public sealed partial class PersonalDataMasker
{
    /// <summary>
    /// Changes whenever the rules change, so that whatever was masked with older rules (ingested documents) can be
    /// masked again.
    /// </summary>
    public const string RulesVersion = "2";

    // Between two digit groups: a dash, dot or slash with optional spaces around it, or spaces alone.
    private const string Separator = @"(?:[ \t]*[-./][ \t]*|[ \t]+)";

    // Not the middle or the end of a longer number (a digit, or a digit and a separator, just before).
    private const string NumberStart = @"(?<![0-9]|[0-9][-./])";

    // Not followed by more of the same number.
    private const string NumberEnd = @"(?![0-9]|[-./][0-9])";

    private const string BirthDate = @"[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])";

    private const string Region = "(?:서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산|세종)";

    private const string AreaCode = "0(?:2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|50[2-8])";

    private const string Bank = "(?:[가-힣]{1,6}은행|[가-힣]{1,4}뱅크|농협|우체국|새마을금고|신협|수협|KB|NH|IBK)";

    // Between a keyword and its number: a particle or a colon (번호는 …, 번호: …).
    private const string Particle = @"(?:\s*(?:는|은|가|이|:|=))?\s*";

    /// <summary>Stands in for text already taken by an earlier rule, so later rules neither match nor extend into it.</summary>
    private const char Taken = '\uFFFF';

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
    public string Mask(string text) => Replace(text, Find(text));

    /// <summary>
    /// Masks a document the insurer publishes (terms, guides, FAQs) before it is indexed: as <see cref="Mask"/>,
    /// except that landline and fax numbers and e-mail addresses stay, because in the insurer's own documents they are
    /// its contact points (the claims fax, a department's address), which customers ask for. Mobile numbers, and
    /// registration, card, account, passport and licence numbers are masked as anywhere else.
    /// </summary>
    public string MaskDocument(string text) => Replace(text, Find(text, keepContactPoints: true));

    /// <summary>True when the text holds any recognised personal data.</summary>
    public bool ContainsPersonalData(string text) => Find(text).Count > 0;

    /// <summary>Finds personal data, non-overlapping, in text order, as spans of the original text.</summary>
    public IReadOnlyList<PersonalDataMatch> Find(string text) => Find(text, keepContactPoints: false);

    private static string Replace(string text, IReadOnlyList<PersonalDataMatch> matches)
    {
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

    private static List<PersonalDataMatch> Find(string text, bool keepContactPoints)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        var matching = MatchingText.Of(text);
        var scan = new Scan(matching.Text, keepContactPoints);

        // Until a pass takes nothing: a number glued to one just taken ("…6780+82 10…") starts a number of its own only
        // once its neighbour is gone, as it does in the masked text, which must hold nothing left to mask.
        do
        {
            scan.BeginPass();
            RunRules(scan);
        }
        while (scan.TookAny);

        var found = new List<PersonalDataMatch>(scan.Found.Count);
        foreach (var (kind, index, length) in scan.Found.OrderBy(f => f.Index))
        {
            var (start, originalLength) = matching.ToOriginal(index, length);

            // Two matches read from one original character (a '⑩' folded to "10") merge into the first.
            if (found.Count > 0 && found[^1].Index + found[^1].Length > start)
            {
                var previous = found[^1];
                found[^1] = previous with { Length = Math.Max(previous.Index + previous.Length, start + originalLength) - previous.Index };
                continue;
            }

            found.Add(new PersonalDataMatch(kind, start, originalLength));
        }

        return found;
    }

    private static void RunRules(Scan scan)
    {
        scan.Run(Email(), _ => PersonalDataKind.Email, isContactPoint: _ => true);

        scan.Run(RegistrationNumber(), m => IsRegistrationNumber(m, scan.Text) ? KindOfRegistration(m.Groups["rest"].Value[0]) : null);
        scan.Run(HiddenRegistrationNumber(), m => KindOfRegistration(m.Groups["gender"].Value[0]));
        scan.Run(RegistrationBackHalf(), m => KindOfRegistration(m.Groups["number"].Value[0]), "number");

        scan.Run(DriverLicense(), _ => PersonalDataKind.DriverLicenseNumber);
        scan.Run(DriverLicenseAfterKeyword(), _ => PersonalDataKind.DriverLicenseNumber, "number");

        scan.Run(KoreanInternationalPhone(), _ => PersonalDataKind.PhoneNumber, isContactPoint: m => !m.Groups["mobile"].Success);
        scan.Run(InternationalPhone(), m => CountDigits(m.Value) is >= 8 and <= 15 ? PersonalDataKind.PhoneNumber : null, isContactPoint: _ => true);
        scan.Run(MobilePhone(), _ => PersonalDataKind.PhoneNumber);
        scan.Run(LandlinePhone(), _ => PersonalDataKind.PhoneNumber, isContactPoint: _ => true);

        // Numbers that look like the ones below but must stay: company lines, and the insurer's reference numbers,
        // which identify a contract, a claim or a company, not a person's money.
        scan.Reserve(CompanyNumber());
        scan.Reserve(ReferenceNumber(), "number");

        scan.Run(CardNumber(), m => CountDigits(m.Value) is >= 13 and <= 19 && PassesLuhn(Digits(m.Value)) ? PersonalDataKind.CardNumber : null);
        scan.Run(AccountNumber(), m => CountDigits(m.Value) is >= 10 and <= 14 ? PersonalDataKind.BankAccountNumber : null);
        scan.Run(AccountAfterKeyword(), m => CountDigits(m.Groups["number"].Value) is >= 10 and <= 16 ? PersonalDataKind.BankAccountNumber : null, "number");

        scan.Run(Passport(), _ => PersonalDataKind.PassportNumber);
        scan.Run(PassportAfterKeyword(), _ => PersonalDataKind.PassportNumber, "number");
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

    private static PersonalDataKind KindOfRegistration(char genderDigit) =>
        genderDigit is >= '5' and <= '8' ? PersonalDataKind.ForeignerRegistrationNumber : PersonalDataKind.ResidentRegistrationNumber;

    /// <summary>
    /// Written with a dash, it is a registration number whatever it holds. Otherwise (unseparated, dots, slashes,
    /// spaces) the birth date and the century digit must agree: 3, 4, 7 and 8 are born in 2000 or later, so
    /// "880123 4…" read as 2088 is some other number (a product barcode) — unless the customer said it is one.
    /// </summary>
    private static bool IsRegistrationNumber(Match match, string text)
    {
        if (match.Groups["separator"].Value.Contains('-', StringComparison.Ordinal))
        {
            return true;
        }

        var year = ((match.Value[0] - '0') * 10) + (match.Value[1] - '0');
        var bornAfter2000 = match.Groups["rest"].Value[0] is '3' or '4' or '7' or '8';
        if (!bornAfter2000 || 2000 + year <= DateTime.UtcNow.Year)
        {
            return true;
        }

        var contextStart = Math.Max(0, match.Index - 30);
        return RegistrationContext().IsMatch(text.AsSpan(contextStart, match.Index - contextStart));
    }

    private static int CountDigits(string value) => value.Count(char.IsAsciiDigit);

    private static string Digits(string value) => string.Concat(value.Where(char.IsAsciiDigit));

    /// <summary>The rules' pass over the normalised text: what was found, and the text still open to later rules.</summary>
    private sealed class Scan(string text, bool keepContactPoints)
    {
        private readonly char[] _open = text.ToCharArray();
        private string _current = text;

        public void BeginPass() => TookAny = false;
        private bool _changed;

        public List<(PersonalDataKind Kind, int Index, int Length)> Found { get; } = [];

        /// <summary>
        /// Takes every match <paramref name="classify"/> names a kind for (the named group only, if given); in a
        /// document, a match that <paramref name="isContactPoint"/> is kept instead, and closed to later rules.
        /// </summary>
        public void Run(Regex rule, Func<Match, PersonalDataKind?> classify, string? group = null, Func<Match, bool>? isContactPoint = null)
        {
            foreach (Match match in rule.Matches(Text))
            {
                if (classify(match) is { } kind)
                {
                    var part = group is null ? match : match.Groups[group];
                    if (!(keepContactPoints && isContactPoint?.Invoke(match) == true))
                    {
                        Found.Add((kind, part.Index, part.Length));
                    }

                    Close(part.Index, part.Length);
                    TookAny = true;
                }
            }
        }

        /// <summary>Closes what the rule matches to later rules, without masking it.</summary>
        public void Reserve(Regex rule, string? group = null)
        {
            foreach (Match match in rule.Matches(Text))
            {
                var part = group is null ? match : match.Groups[group];
                Close(part.Index, part.Length);
            }
        }

        /// <summary>Whether the current pass took anything.</summary>
        public bool TookAny { get; private set; }

        /// <summary>The text still open: what earlier rules took reads as <see cref="Taken"/>.</summary>
        public string Text
        {
            get
            {
                if (_changed)
                {
                    _current = new string(_open);
                    _changed = false;
                }

                return _current;
            }
        }

        private void Close(int index, int length)
        {
            Array.Fill(_open, Taken, index, length);
            _changed |= length > 0;
        }
    }

    // Local part and domain may be in any script (홍길동@회사.한국, user@도메인.kr); "(at)" and "[at]" stand for '@'.
    // The top-level domain is ASCII, punycode, a Hangul TLD, or letters of another script, so a Korean particle
    // glued on after it (…@회사.한국으로, …@example.com으로) is not taken for part of the address.
    [GeneratedRegex(@"(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+(?:@|[ \t]*(?:\([ \t]*(?i:at)[ \t]*\)|\[[ \t]*(?i:at)[ \t]*\])[ \t]*)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:xn--[A-Za-z0-9-]{2,59}|[A-Za-z]{2,63}|한국|닷컴|닷넷|삼성|[\p{L}-[\p{IsHangulSyllables}\p{IsHangulJamo}\p{IsHangulCompatibilityJamo}]]{2,63})(?![A-Za-z0-9-])")]
    private static partial Regex Email();

    // YYMMDD, a separator or none, the century/sex digit 1–8 and six more digits.
    [GeneratedRegex(NumberStart + "(?<birth>" + BirthDate + ")(?<separator>" + Separator + ")?(?<rest>[1-8][0-9]{6})" + NumberEnd)]
    private static partial Regex RegistrationNumber();

    // A registration number with its last six digits hidden still gives away birth date and sex: 900101-1******.
    [GeneratedRegex(NumberStart + BirthDate + @"[ \t]*[-./]?[ \t]*(?<gender>[1-8])[*xX●○•#]{6}(?![*xX●○•#0-9])")]
    private static partial Regex HiddenRegistrationNumber();

    // The back half alone, when the customer says it is one: 뒷자리 1234567.
    [GeneratedRegex(@"(?:뒷\s*자리|뒷\s*번호|뒤\s*(?:7|일곱)\s*자리)" + Particle + "(?<number>[1-8][0-9]{6})(?![0-9])")]
    private static partial Regex RegistrationBackHalf();

    // Words that say a number is a registration number; not the ones inside a label ([주민등록번호]) already written.
    [GeneratedRegex(@"(?<!\[)(?:주민|외국인)|(?i:RRN|resident|alien|registration)")]
    private static partial Regex RegistrationContext();

    // Region code (or region name) - year - serial - check: 11-12-123456-78, 서울 12-123456-78.
    [GeneratedRegex(NumberStart + "(?:[0-9]{2}" + Separator + "[0-9]{2}" + Separator + "[0-9]{6}" + Separator + "[0-9]{2}|" + Region + @"[ \t]?[0-9]{2}" + Separator + "[0-9]{6}" + Separator + "[0-9]{2})" + NumberEnd)]
    private static partial Regex DriverLicense();

    // Twelve digits in any grouping, when the customer says it is a licence number.
    [GeneratedRegex(@"(?:(?:운전\s*)?면허(?:증)?(?:\s*번호)?|(?i:driver'?s?\s+)?(?i:licen[cs]e)(?:\s*(?i:no\.?|number|#))?)" + Particle + "(?<number>(?:" + Region + @"[ \t]?)?[0-9]{2}" + Separator + "?[0-9]{2}" + Separator + "?[0-9]{6}" + Separator + "?[0-9]{2})(?![0-9])")]
    private static partial Regex DriverLicenseAfterKeyword();

    // +82 10-2345-6785, +82-10-…, +82 (0)10 …, +82 010-…, 0082-10-…, 001-82-…
    [GeneratedRegex(@"(?<![0-9A-Za-z+])(?:\+[ \t]*|00[1-9]?" + Separator + "?)82" + Separator + @"?(?:\([ \t]*0[ \t]*\)[ \t]*)?0?(?:(?<mobile>1[016789])|2|[3-6][1-5]|70)" + Separator + "?[0-9]{3,4}" + Separator + "?[0-9]{4}" + NumberEnd)]
    private static partial Regex KoreanInternationalPhone();

    // Any other country: a '+', a country code and two to five groups, 8–15 digits in all (+1 415-555-0132).
    [GeneratedRegex(@"(?<![0-9A-Za-z+])\+[ \t]*[1-9][0-9]{0,2}(?:(?:" + Separator + @"|[ \t]*\([ \t]*|[ \t]*\)[ \t]*)?[0-9]{1,5}){2,5}" + NumberEnd)]
    private static partial Regex InternationalPhone();

    // 010-2345-6789, 010 2345 6789, 01023456789, (010)2345-6784, 010.2345.6789, 010/2345/6789, and 011–019.
    [GeneratedRegex(NumberStart + @"(?:\([ \t]*01[016789][ \t]*\)[ \t]*|01[016789]" + Separator + "?)[0-9]{3,4}" + Separator + "?[0-9]{4}" + NumberEnd)]
    private static partial Regex MobilePhone();

    // Area codes 02, 031–064, 070 and 050x safe numbers; grouped (02-123-4567, (02) 1234-5678) or not (0212345678).
    [GeneratedRegex(NumberStart + @"(?:\([ \t]*" + AreaCode + @"[ \t]*\)[ \t]*(?:[-.][ \t]*)?|" + AreaCode + Separator + ")[0-9]{3,4}" + Separator + "?[0-9]{4}" + NumberEnd + "|" + NumberStart + AreaCode + "[0-9]{3,4}[0-9]{4}" + NumberEnd)]
    private static partial Regex LandlinePhone();

    // The counsellor line and other company numbers (1588-0000, 1600-…, 1899-…), and 080 toll-free lines.
    [GeneratedRegex(NumberStart + @"(?<!\+[ \t]*)(?:1[568][0-9]{2}" + Separator + "?[0-9]{4}|080" + Separator + "?[0-9]{3,4}" + Separator + "?[0-9]{4})" + NumberEnd)]
    private static partial Regex CompanyNumber();

    [GeneratedRegex(@"(?:(?:증권|계약|접수|청구|고객|사고|보험|상품|신청|증서|가입|사업자(?:등록)?|법인(?:등록)?)\s*번호|(?i:policy|contract|claim)\s*(?i:no\.?|number|#))" + Particle + @"(?<number>[A-Za-z]{0,3}[0-9][0-9A-Za-z]*(?:(?:[ \t]*[-./][ \t]*|[ \t])[0-9][0-9A-Za-z]*)*)")]
    private static partial Regex ReferenceNumber();

    // 4-4-4-4 (and a 19-digit 4-4-4-4-3), 4-6-5 and 4-6-4, or 13–19 digits in one run.
    [GeneratedRegex(NumberStart + "(?:[0-9]{4}(?:" + Separator + "[0-9]{4}){3}(?:" + Separator + "[0-9]{3})?|[0-9]{4}" + Separator + "[0-9]{6}" + Separator + "[0-9]{4,5}|[0-9]{13,19})" + NumberEnd)]
    private static partial Regex CardNumber();

    // Korean bank formats: three or four groups of digits joined by dashes (110-123-456789, 3333-01-1234567).
    [GeneratedRegex(NumberStart + @"[0-9]{2,6}[ \t]*-[ \t]*[0-9]{2,7}[ \t]*-[ \t]*[0-9]{2,7}(?:[ \t]*-[ \t]*[0-9]{1,6})?" + NumberEnd)]
    private static partial Regex AccountNumber();

    // Any grouping, after a word that says it is an account (계좌, 통장, 입금, 환급, a bank's name).
    [GeneratedRegex(@"(?:계좌|통장|입금|환급|송금|이체|(?i:account|acct)|" + Bank + @")(?:\s*번호)?(?:\s*(?:는|은|:|=|로|으로))?\s*(?:(?:" + Bank + @"|SC제일|씨티)\s*:?\s*)?(?<number>[0-9](?:" + Separator + "?[0-9]){9,15})(?![0-9])")]
    private static partial Regex AccountAfterKeyword();

    // Korean passports: M, S, R, O or D and eight digits, or since 2021 M123A4567.
    [GeneratedRegex(@"(?<![A-Za-z0-9])[MSRODmsrod](?:[0-9]{8}|[0-9]{3}[A-Za-z][0-9]{4})(?![A-Za-z0-9])")]
    private static partial Regex Passport();

    // Other countries' passports, when the customer says it is one: one or two letters and 7–8 digits, or nine digits.
    [GeneratedRegex(@"(?:여권|(?i:passport))(?:\s*(?:번호|(?i:no\.?|number|#)))?" + Particle + "(?<number>[A-Za-z]{1,2}[0-9]{7,8}|[A-Za-z][0-9]{3}[A-Za-z][0-9]{4}|[0-9]{9})(?![A-Za-z0-9])")]
    private static partial Regex PassportAfterKeyword();
}
