using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Platform.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class KioskScanIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_diag_scans_KioskId_Status",
                table: "diag_scans",
                columns: new[] { "KioskId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_diag_scans_KioskId_Status",
                table: "diag_scans");
        }
    }
}
