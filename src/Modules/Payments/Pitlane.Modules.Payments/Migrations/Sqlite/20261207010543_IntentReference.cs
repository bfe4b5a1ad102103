using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Payments.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IntentReference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Reference",
                table: "payments_intents",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_payments_intents_Reference",
                table: "payments_intents",
                column: "Reference");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_payments_intents_Reference",
                table: "payments_intents");

            migrationBuilder.DropColumn(
                name: "Reference",
                table: "payments_intents");
        }
    }
}
