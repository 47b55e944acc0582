using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chatbot.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "partner_sites",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PublicKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AllowedOrigins = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    IdentitySecret = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    DisabledAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
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
