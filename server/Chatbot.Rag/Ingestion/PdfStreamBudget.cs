using System.IO.Compression;
using System.Text;

namespace Chatbot.Rag.Ingestion;

/// <summary>
/// Inflates every Flate-compressed stream of a PDF into nothing, counting bytes, before PdfPig is given the file: a
/// decompression bomb is found by arithmetic, in constant memory, instead of by running out of it. Streams are found
/// by their <c>stream</c> keyword, so object streams and cross-reference streams are counted too.
/// </summary>
internal static class PdfStreamBudget
{
    private const long LargeStream = 16L * 1024 * 1024;
    private static readonly byte[] StreamKeyword = "stream"u8.ToArray();
    private static readonly byte[] EndStreamKeyword = "endstream"u8.ToArray();

    public static void Check(byte[] pdf, DocumentLimits limits)
    {
        var budget = (long)limits.MaxDecodedMegabytes * 1024 * 1024;
        long total = 0;
        var buffer = new byte[81920];
        var position = 0;
        while ((position = IndexOf(pdf, StreamKeyword, position)) >= 0)
        {
            var start = position + StreamKeyword.Length;
            position = start;
            // "stream" followed by CRLF or LF starts data; "endstream" and words like "xstream" do not.
            if (IsPrecededBy(pdf, start - StreamKeyword.Length, "end") || start >= pdf.Length)
            {
                continue;
            }

            if (pdf[start] == '\r' && start + 1 < pdf.Length && pdf[start + 1] == '\n')
            {
                start += 2;
            }
            else if (pdf[start] == '\n')
            {
                start += 1;
            }
            else
            {
                continue;
            }

            var end = IndexOf(pdf, EndStreamKeyword, start);
            if (end < 0)
            {
                end = pdf.Length;
            }

            if (!IsFlate(pdf, position - StreamKeyword.Length))
            {
                position = end;
                continue;
            }

            var compressed = end - start;
            var decoded = Inflate(pdf, start, compressed, budget - total, buffer);
            total += decoded;
            if (total > budget)
            {
                throw new DocumentTooComplexException(
                    $"The PDF's compressed streams inflate to more than {limits.MaxDecodedMegabytes} MB; refused as a possible decompression bomb.");
            }

            if (decoded > LargeStream && compressed > 0 && decoded / compressed > limits.MaxCompressionRatio)
            {
                throw new DocumentTooComplexException(
                    $"A stream of the PDF inflates {decoded / compressed:N0}-fold (to {decoded / (1024 * 1024):N0} MB); refused as a possible decompression bomb.");
            }

            position = end;
        }
    }

    /// <summary>Bytes the zlib data at <paramref name="offset"/> inflates to, stopping once past <paramref name="limit"/>.</summary>
    private static long Inflate(byte[] pdf, int offset, int length, long limit, byte[] buffer)
    {
        long decoded = 0;
        try
        {
            using var input = new MemoryStream(pdf, offset, length, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            int read;
            while ((read = zlib.Read(buffer, 0, buffer.Length)) > 0)
            {
                decoded += read;
                if (decoded > limit)
                {
                    break;
                }
            }
        }
        catch (InvalidDataException)
        {
            // A damaged stream is PdfPig's to report (or tolerate); only its size matters here.
        }

        return decoded;
    }

    /// <summary>Whether the stream dictionary just before <paramref name="streamAt"/> names FlateDecode.</summary>
    private static bool IsFlate(byte[] pdf, int streamAt)
    {
        var from = Math.Max(0, streamAt - 1024);
        var dictionary = Encoding.Latin1.GetString(pdf, from, streamAt - from);
        var open = dictionary.LastIndexOf("<<", StringComparison.Ordinal);
        return open >= 0 && (dictionary.IndexOf("/FlateDecode", open, StringComparison.Ordinal) >= 0 || dictionary.IndexOf("/Fl ", open, StringComparison.Ordinal) >= 0 || dictionary.IndexOf("/Fl/", open, StringComparison.Ordinal) >= 0 || dictionary.IndexOf("/Fl]", open, StringComparison.Ordinal) >= 0);
    }

    private static bool IsPrecededBy(byte[] data, int at, string prefix) =>
        at >= prefix.Length && Encoding.ASCII.GetString(data, at - prefix.Length, prefix.Length) == prefix;

    private static int IndexOf(byte[] data, byte[] pattern, int from) =>
        from >= data.Length ? -1 : data.AsSpan(from).IndexOf(pattern) is var i and >= 0 ? from + i : -1;
}
