using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chatbot.Data.Migrations.Postgres
{
    /// <summary>
    /// Partner customer ids are stored as keyed hashes from now on. The raw ids already stored are set aside in
    /// LegacyUserId (still in UserId too, so the conversations stay private to their customer meanwhile); the Api,
    /// which holds the key, hashes them into UserId and clears LegacyUserId when it starts. One way: Down keeps the
    /// hashes, since the raw ids are gone by then.
    /// </summary>
    public partial class HashPartnerUserIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LegacyUserId",
                table: "conversations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_conversations_LegacyUserId",
                table: "conversations",
                column: "LegacyUserId",
                filter: "\"LegacyUserId\" IS NOT NULL");

            migrationBuilder.Sql("UPDATE conversations SET \"LegacyUserId\" = \"UserId\" WHERE \"UserId\" IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_conversations_LegacyUserId",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "LegacyUserId",
                table: "conversations");
        }
    }
}
