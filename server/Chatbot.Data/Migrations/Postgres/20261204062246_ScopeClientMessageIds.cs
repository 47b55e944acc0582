using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chatbot.Data.Migrations.Postgres
{
    /// <summary>
    /// Client message ids are unique per caller, not globally: a new ClientMessageScope column names whose namespace
    /// each id is in (Chatbot.Api's ClientMessageScope writes the rule), and the unique index moves to (scope, id).
    /// Stored ids were globally unique, so any scope keeps them unique; each row gets the one the Api would give it
    /// now, so a resend that straddles the upgrade still finds its message: a counsellor's reply its conversation's,
    /// a verified customer's question the customer's (not for ids still waiting to be hashed: those conversations
    /// get the conversation scope, so no raw partner id is copied), an anonymous first question its site's and any
    /// later one its conversation's. Down restores the global index, which fails once two callers share an id.
    /// </summary>
    public partial class ScopeClientMessageIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_messages_ClientMessageId",
                table: "messages");

            migrationBuilder.AddColumn<string>(
                name: "ClientMessageScope",
                table: "messages",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE messages SET "ClientMessageScope" = (
                    SELECT CASE
                        WHEN messages."Role" = 'Counsellor' THEN 'counsellor/conversation:' || messages."ConversationId"::text
                        WHEN c."UserId" IS NOT NULL AND c."LegacyUserId" IS NULL THEN 'site:' || COALESCE(c."SiteKey", '') || '/customer:' || c."UserId"
                        WHEN c."UserId" IS NULL AND messages."Role" = 'User' AND messages."Sequence" = 1 THEN 'site:' || COALESCE(c."SiteKey", '')
                        ELSE 'site:' || COALESCE(c."SiteKey", '') || '/conversation:' || messages."ConversationId"::text
                    END
                    FROM conversations c
                    WHERE c."Id" = messages."ConversationId")
                WHERE "ClientMessageId" IS NOT NULL;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_messages_ClientMessageScope_ClientMessageId",
                table: "messages",
                columns: new[] { "ClientMessageScope", "ClientMessageId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_messages_ClientMessageScope_ClientMessageId",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "ClientMessageScope",
                table: "messages");

            migrationBuilder.CreateIndex(
                name: "IX_messages_ClientMessageId",
                table: "messages",
                column: "ClientMessageId",
                unique: true);
        }
    }
}
