using System.Globalization;
using Chatbot.CounsellorConsole.Audit;
using CsvHelper;

namespace Chatbot.CounsellorConsole.Conversations;

/// <summary>
/// The filtered conversation list as a CSV file for Excel: UTF-8 with a byte-order mark (so Excel reads Korean), cells
/// that Excel would run as a formula (starting with = + - @, tab or CR) escaped with a leading <c>'</c>. Every export
/// is written to the audit log before the file is handed out.
/// </summary>
public sealed class ConversationExport(IConversationArchive archive, IAuditLog audit, TimeProvider clock)
{
    /// <summary>The most rows one file holds; the audit line says when the filter matched more.</summary>
    public const int MaxRows = 50_000;

    private const int PageSize = 1_000;

    public static readonly string[] Header =
    [
        "대화 ID (Conversation)",
        "사이트 (Site)",
        "시작 (Started)",
        "마지막 활동 (Last activity)",
        "메시지 수 (Messages)",
        "첫 질문 (First question)",
        "답변 불가 (Declined)",
        "상담 연결 (Handoff)",
        "싫어요 평가 (Thumbs down)",
    ];

    public sealed record CsvFile(byte[] Content, string FileName, int Rows);

    public async Task<CsvFile> ExportAsync(ConversationFilter filter, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter = filter.Normalized();
        var rows = new List<ConversationSummary>();
        var total = 0;
        while (rows.Count < MaxRows)
        {
            var page = await archive.SearchAsync(filter, rows.Count, Math.Min(PageSize, MaxRows - rows.Count), cancellationToken);
            total = page.Total;
            rows.AddRange(page.Items);
            if (page.Items.Count == 0 || rows.Count >= total)
            {
                break;
            }
        }

        // Recorded before the data leaves: an export that cannot be audited is not made.
        var detail = rows.Count < total ? $"rows={rows.Count} of {total} (capped at {MaxRows})" : $"rows={rows.Count}";
        await audit.RecordAsync(actor, AuditActions.ConversationsExport, filter.Describe(), detail, cancellationToken);

        var stamp = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), archive.TimeZone).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return new CsvFile(Write(rows, archive.TimeZone), $"conversations-{stamp}.csv", rows.Count);
    }

    internal static byte[] Write(IEnumerable<ConversationSummary> rows, TimeZoneInfo zone)
    {
        // RFC 4180 with a BOM; text cells that start like a formula get a leading ' (and are quoted).
        var options = CsvWriterOptions.Default with
        {
            WriteByteOrderMark = true,
            Injection = CsvInjection.Escape,
            InjectionEscape = '\'',
        };
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, options, leaveOpen: true))
        {
            csv.WriteHeader(Header);
            foreach (var row in rows)
            {
                csv.WriteRecord(
                [
                    row.ConversationId.ToString(),
                    row.SiteName ?? row.SiteKey ?? "",
                    Local(row.StartedAtUtc, zone),
                    Local(row.LastActivityAtUtc, zone),
                    row.MessageCount.ToString(CultureInfo.InvariantCulture),
                    row.FirstQuestion ?? "",
                    YesNo(row.Declined),
                    YesNo(row.HandedOff),
                    YesNo(row.ThumbsDown),
                ]);
            }
        }

        return buffer.ToArray();
    }

    private static string Local(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string YesNo(bool value) => value ? "예" : "아니오";
}
