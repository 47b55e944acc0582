using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chatbot.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddPartnerSites : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "UserId",
                table: "conversations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "partner_sites",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PublicKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AllowedOrigins = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    IdentitySecret = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DisabledAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_partner_sites", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_conversations_SiteKey_UserId",
                table: "conversations",
                columns: new[] { "SiteKey", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_partner_sites_PublicKey",
                table: "partner_sites",
                column: "PublicKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "partner_sites");

            migrationBuilder.DropIndex(
                name: "IX_conversations_SiteKey_UserId",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "UserId",
                table: "conversations");
        }
    }
}
