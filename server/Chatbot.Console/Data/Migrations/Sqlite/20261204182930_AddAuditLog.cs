using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chatbot.CounsellorConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddAuditLog : Migration
    {
        private static readonly string[] ActionAndTime = ["Action", "AtUtc"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "console_audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    RemoteAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_console_audit", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_console_audit_Action_AtUtc",
                table: "console_audit",
                columns: ActionAndTime);

            migrationBuilder.CreateIndex(
                name: "IX_console_audit_AtUtc",
                table: "console_audit",
                column: "AtUtc");

            // Append-only: the database itself refuses to change or remove an audit line, whoever asks.
            migrationBuilder.Sql("""
                CREATE TRIGGER console_audit_no_update BEFORE UPDATE ON console_audit
                BEGIN SELECT RAISE(ABORT, 'console_audit is append-only: UPDATE is refused'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER console_audit_no_delete BEFORE DELETE ON console_audit
                BEGIN SELECT RAISE(ABORT, 'console_audit is append-only: DELETE is refused'); END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER console_audit_no_delete;");
            migrationBuilder.Sql("DROP TRIGGER console_audit_no_update;");
            migrationBuilder.DropTable(
                name: "console_audit");
        }
    }
}
