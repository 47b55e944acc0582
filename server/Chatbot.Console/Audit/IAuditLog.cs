using System.Net;
using System.Security.Claims;

namespace Chatbot.CounsellorConsole.Audit;

/// <summary>The actions the console records.</summary>
public static class AuditActions
{
    public const string HandoffClaim = "handoff.claim";
    public const string HandoffReply = "handoff.reply";
    public const string HandoffResolve = "handoff.resolve";
    public const string ConversationsExport = "conversations.export";
    public const string AccountAdd = "account.add";
    public const string PasswordChange = "account.password_change";
    public const string SiteAdd = "site.add";
    public const string SiteOrigins = "site.origins";
    public const string SiteDisable = "site.disable";
    public const string SiteEnable = "site.enable";
    public const string SiteRotate = "site.rotate";

    /// <summary>A call to the admin API (<c>/api/admin/…</c>) that changed something or exported data.</summary>
    public const string AdminApi = "admin_api";

    public static readonly IReadOnlyList<string> All = [HandoffClaim, HandoffReply, HandoffResolve, ConversationsExport, AccountAdd, PasswordChange, SiteAdd, SiteOrigins, SiteDisable, SiteEnable, SiteRotate, AdminApi];

    /// <summary>What an admin reads in the audit page, Korean first.</summary>
    public static string Describe(string action) => action switch
    {
        HandoffClaim => "상담 요청 담당 (claim)",
        HandoffReply => "고객에게 답장 (reply)",
        HandoffResolve => "상담 해결 완료 (resolve)",
        ConversationsExport => "대화 CSV 내보내기 (export)",
        AccountAdd => "계정 추가 (account added)",
        PasswordChange => "비밀번호 변경 (password changed)",
        SiteAdd => "사이트 추가 (site added)",
        SiteOrigins => "사이트 허용 출처 변경 (origins changed)",
        SiteDisable => "사이트 중지 (site disabled)",
        SiteEnable => "사이트 재개 (site enabled)",
        SiteRotate => "사이트 비밀 키 교체 (secret rotated)",
        AdminApi => "관리 API 호출 (admin API)",
        _ => action,
    };
}

/// <summary>Who acted: a console account, or the command line / start-up, and from which address.</summary>
public sealed record AuditActor(string? UserId, string Name, string? RemoteAddress)
{
    public static readonly AuditActor CommandLine = new(null, "cli", null);

    public static readonly AuditActor System = new(null, "system", null);

    /// <summary>A caller of the admin API, which signs in with the shared admin key rather than an account.</summary>
    public static AuditActor AdminApi(IPAddress? address) => new(null, "admin-api", address?.ToString());

    /// <summary>The signed-in console user (Identity's name and id claims) calling from <paramref name="address"/>.</summary>
    public static AuditActor Of(ClaimsPrincipal user, IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new AuditActor(
            user.FindFirstValue(ClaimTypes.NameIdentifier),
            user.Identity?.Name ?? "unknown",
            address?.ToString());
    }
}

/// <summary>Which audit lines to list, newest first.</summary>
public sealed record AuditQuery(DateTime? FromUtc = null, DateTime? ToUtc = null, string? Action = null, string? Actor = null, int Skip = 0, int Take = 50);

public sealed record AuditResults(IReadOnlyList<AuditEntry> Entries, int Total);

/// <summary>
/// The one owner of the console's access record. Every console action that changes something or exports data calls
/// <see cref="RecordAsync"/> before it reports success; nothing can change or remove a line afterwards.
/// </summary>
public interface IAuditLog
{
    Task RecordAsync(AuditActor actor, string action, string? target, string? detail, CancellationToken cancellationToken);

    Task<AuditResults> ListAsync(AuditQuery query, CancellationToken cancellationToken);
}
