using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chatbot.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddAnalyticsIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_messages_CreatedAtUtc",
                table: "messages",
                column: "CreatedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_CreatedAtUtc",
                table: "feedback",
                column: "CreatedAtUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_messages_CreatedAtUtc",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "IX_feedback_CreatedAtUtc",
                table: "feedback");
        }
    }
}
