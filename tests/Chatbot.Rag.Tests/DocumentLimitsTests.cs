using System.IO.Compression;
using System.Text;
using Chatbot.Rag.Ingestion;

namespace Chatbot.Rag.Tests;

/// <summary>
/// A decompression bomb is refused before it is parsed: the red team's 1.5 MB PDF took the server to 8.7 GB and was
/// accepted.
/// </summary>
public sealed class DocumentLimitsTests
{
    [Fact]
    public async Task A_pdf_whose_stream_inflates_past_the_budget_is_refused_as_too_complex_in_constant_memory()
    {
        var bomb = PdfBomb.Create(inflatedMegabytes: 600);
        Assert.True(bomb.Length < 2 * 1024 * 1024, $"the bomb is {bomb.Length:N0} bytes");
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var error = await Assert.ThrowsAsync<DocumentTooComplexException>(() => new PdfDocumentReader().ReadAsync(new MemoryStream(bomb), "bomb.pdf"));

        Assert.Contains("decompression bomb", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64L * 1024 * 1024, "checking the bomb must not inflate it into memory");
    }

    [Fact]
    public async Task A_lower_inflation_budget_refuses_a_smaller_bomb_and_a_normal_pdf_still_reads()
    {
        var limits = new DocumentLimits { MaxDecodedMegabytes = 8 };
        await Assert.ThrowsAsync<DocumentTooComplexException>(() => new PdfDocumentReader(limits).ReadAsync(new MemoryStream(PdfBomb.Create(inflatedMegabytes: 20)), "bomb.pdf"));

        await using var fixture = File.OpenRead(Path.Combine(TestSupport.FixturesPath, "injury-terms.pdf"));
        var document = await new PdfDocumentReader(limits).ReadAsync(fixture, "injury-terms.pdf");
        Assert.NotEmpty(document.Blocks);
    }

    [Fact]
    public async Task A_pdf_with_more_pages_than_allowed_is_refused()
    {
        await using var fixture = File.OpenRead(Path.Combine(TestSupport.FixturesPath, "injury-terms.pdf"));

        var error = await Assert.ThrowsAsync<DocumentTooComplexException>(() => new PdfDocumentReader(new DocumentLimits { MaxPages = 1 }).ReadAsync(fixture, "injury-terms.pdf"));

        Assert.Contains("pages", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>A one-page PDF whose content stream is Flate-compressed zeros: small on disk, huge when inflated.</summary>
internal static class PdfBomb
{
    public static byte[] Create(int inflatedMegabytes)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < inflatedMegabytes; i++)
            {
                zlib.Write(zeros);
            }
        }

        var stream = compressed.ToArray();
        var pdf = new MemoryStream();
        var offsets = new List<long>();
        void Write(string text) => pdf.Write(Encoding.ASCII.GetBytes(text));
        void Object(string body)
        {
            offsets.Add(pdf.Position);
            Write($"{offsets.Count} 0 obj\n{body}\nendobj\n");
        }

        Write("%PDF-1.7\n");
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>");
        offsets.Add(pdf.Position);
        Write($"4 0 obj\n<< /Length {stream.Length} /Filter /FlateDecode >>\nstream\n");
        pdf.Write(stream);
        Write("\nendstream\nendobj\n");
        var xref = pdf.Position;
        Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            Write($"{offset:D10} 00000 n \n");
        }

        Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return pdf.ToArray();
    }
}
