using Chatbot.Rag.Safety;

namespace Chatbot.Rag.Tests;

public sealed class PersonalDataMaskerTests
{
    private readonly PersonalDataMasker _masker = new();

    [Theory]
    [InlineData("제 주민번호는 900101-1234567입니다.", "제 주민번호는 [주민등록번호]입니다.")]
    [InlineData("주민등록번호 900101 - 2234567 로 조회해 주세요", "주민등록번호 [주민등록번호] 로 조회해 주세요")]
    [InlineData("9001012234567 이에요", "[주민등록번호] 이에요")]
    [InlineData("주민번호 ９００１０１－１２３４５６７", "주민번호 [주민등록번호]")]
    [InlineData("외국인등록번호 850315-5123456", "외국인등록번호 [외국인등록번호]")]
    [InlineData("연락처는 010-1234-5678 입니다", "연락처는 [전화번호] 입니다")]
    [InlineData("01012345678로 전화 주세요", "[전화번호]로 전화 주세요")]
    [InlineData("010 1234 5678", "[전화번호]")]
    [InlineData("집 전화 02-123-4567", "집 전화 [전화번호]")]
    [InlineData("031-987-6543으로 연락", "[전화번호]으로 연락")]
    [InlineData("해외에서는 +82 10-1234-5678 로", "해외에서는 [전화번호] 로")]
    [InlineData("카드 4111-1111-1111-1111 로 결제", "카드 [카드번호] 로 결제")]
    [InlineData("카드번호 4111 1111 1111 1111", "카드번호 [카드번호]")]
    [InlineData("5555555555554444", "[카드번호]")]
    [InlineData("계좌 110-123-456789 로 입금", "계좌 [계좌번호] 로 입금")]
    [InlineData("123-456789-12-345 계좌", "[계좌번호] 계좌")]
    [InlineData("계좌번호는 국민은행 12345678901234 입니다", "계좌번호는 국민은행 [계좌번호] 입니다")]
    [InlineData("메일은 hong.gildong@example.com 으로", "메일은 [이메일] 으로")]
    [InlineData("여권번호 M12345678", "여권번호 [여권번호]")]
    [InlineData("여권 M123A4567 입니다", "여권 [여권번호] 입니다")]
    [InlineData("운전면허 11-12-123456-78", "운전면허 [운전면허번호]")]
    [InlineData("홍길동 010-1234-5678, hong@example.com", "홍길동 [전화번호], [이메일]")]
    public void Masks_personal_data(string input, string expected) => Assert.Equal(expected, _masker.Mask(input));

    [Theory]
    [InlineData("증권번호 2024-0012345 계약의 보험금을 청구하려고요")]
    [InlineData("2024-01-15에 입원했어요")]
    [InlineData("2024.01.15 진료분 청구")]
    [InlineData("보험금 1,000,000원을 받았어요")]
    [InlineData("고객센터 1588-0000 번으로 전화했어요")]
    [InlineData("4111-1111-1111-1112 는 체크섬이 틀린 번호")]
    [InlineData("암 진단 후 90일 면책기간이 지나면 100만원")]
    [InlineData("보험금 청구할 때 필요한 서류는 뭐예요?")]
    public void Leaves_other_numbers_alone(string input) => Assert.Equal(input, _masker.Mask(input));

    [Fact]
    public void Find_reports_kinds_in_text_order()
    {
        var matches = _masker.Find("메일 a@b.co 전화 010-1234-5678");

        Assert.Equal([PersonalDataKind.Email, PersonalDataKind.PhoneNumber], matches.Select(m => m.Kind));
        Assert.True(_masker.ContainsPersonalData("010-1234-5678"));
        Assert.False(_masker.ContainsPersonalData("보험금 청구"));
    }

    [Fact]
    public void Luhn_check_is_correct() => Assert.True(PersonalDataMasker.PassesLuhn("4111111111111111") && !PersonalDataMasker.PassesLuhn("4111111111111112"));
}
