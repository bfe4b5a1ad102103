using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Shop.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TechnicianClock : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "shop_time_entries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TechnicianId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_time_entries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_shop_time_entries_RepairOrderId_JobId",
                table: "shop_time_entries",
                columns: new[] { "RepairOrderId", "JobId" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_time_entries_running",
                table: "shop_time_entries",
                columns: new[] { "OrganizationId", "TechnicianId" },
                unique: true,
                filter: "\"EndedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "shop_time_entries");
        }
    }
}
