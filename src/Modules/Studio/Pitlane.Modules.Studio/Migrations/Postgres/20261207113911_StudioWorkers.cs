using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Studio.Migrations.Postgres
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
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "HeardAt",
                table: "studio_photos",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeasedAt",
                table: "studio_photos",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OfferedAt",
                table: "studio_photos",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Progress",
                table: "studio_photos",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Stage",
                table: "studio_photos",
                type: "character varying(60)",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WorkerError",
                table: "studio_photos",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "WorkerId",
                table: "studio_photos",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WorkerInstance",
                table: "studio_photos",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "studio_workers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    KeyHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Completed = table.Column<int>(type: "integer", nullable: false)
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
