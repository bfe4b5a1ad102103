using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Studio.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StudioWorkers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "studio_photos",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "HeardAt",
                table: "studio_photos",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeasedAt",
                table: "studio_photos",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OfferedAt",
                table: "studio_photos",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Progress",
                table: "studio_photos",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Stage",
                table: "studio_photos",
                type: "TEXT",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WorkerError",
                table: "studio_photos",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "WorkerId",
                table: "studio_photos",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WorkerInstance",
                table: "studio_photos",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "studio_workers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    KeyHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Completed = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_studio_workers", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_studio_photos_OrganizationId_OfferedAt",
                table: "studio_photos",
                columns: new[] { "OrganizationId", "OfferedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_studio_workers_KeyHash",
                table: "studio_workers",
                column: "KeyHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_studio_workers_OrganizationId",
                table: "studio_workers",
                column: "OrganizationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "studio_workers");

            migrationBuilder.DropIndex(
                name: "IX_studio_photos_OrganizationId_OfferedAt",
                table: "studio_photos");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "studio_photos");

            migrationBuilder.DropColumn(
                name: "HeardAt",
                table: "studio_photos");

            migrationBuilder.DropColumn(
                name: "LeasedAt",
                table: "studio_photos");

            migrationBuilder.DropColumn(
                name: "OfferedAt",
                table: "studio_photos");

            migrationBuilder.DropColumn(
                name: "Progress",
                table: "studio_photos");

            migrationBuilder.DropColumn(
                name: "Stage",
                table: "studio_photos");

            migrationBuilder.DropColumn(
                name: "WorkerError",
                table: "studio_photos");

            migrationBuilder.DropColumn(
                name: "WorkerId",
                table: "studio_photos");

            migrationBuilder.DropColumn(
                name: "WorkerInstance",
                table: "studio_photos");
        }
    }
}
