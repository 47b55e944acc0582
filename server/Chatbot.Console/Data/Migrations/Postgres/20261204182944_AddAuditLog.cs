using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Chatbot.CounsellorConsole.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ActorId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    ActorName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    RemoteAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Target = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
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
                CREATE FUNCTION console_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'console_audit is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                CREATE TRIGGER console_audit_append_only BEFORE UPDATE OR DELETE ON console_audit
                    FOR EACH ROW EXECUTE FUNCTION console_audit_refuse_change();
                CREATE TRIGGER console_audit_no_truncate BEFORE TRUNCATE ON console_audit
                    FOR EACH STATEMENT EXECUTE FUNCTION console_audit_refuse_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER console_audit_no_truncate ON console_audit;
                DROP TRIGGER console_audit_append_only ON console_audit;
                DROP FUNCTION console_audit_refuse_change();
                """);
            migrationBuilder.DropTable(
                name: "console_audit");
        }
    }
}
