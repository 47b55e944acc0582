using System.IO.Compression;
using System.Security;
using System.Text;

namespace Chatbot.Testing;

/// <summary>Documents made for a test, as an operator's tools would save them.</summary>
public static class TestDocuments
{
    /// <summary>A minimal Word document (the three parts a .docx needs), one paragraph per string.</summary>
    public static byte[] Docx(params string[] paragraphs)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
                """);
            Add(zip, "_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
                """);
            var body = string.Concat(paragraphs.Select(p => $"<w:p><w:r><w:t>{SecurityElement.Escape(p)}</w:t></w:r></w:p>"));
            Add(zip, "word/document.xml", $"""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>
                """);
        }

        return buffer.ToArray();
    }

    /// <summary>A file named .docx that no reader can open: a zip signature and then garbage, as a broken download is.</summary>
    public static byte[] BrokenDocx() => [.. "PK\u0003\u0004"u8.ToArray(), .. Encoding.ASCII.GetBytes("this is not the rest of a zip archive")];

    private static void Add(ZipArchive zip, string name, string content)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}
