using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Platform.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ServiceLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "diag_service_entries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    PerformedOn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    OdometerKm = table.Column<int>(type: "integer", nullable: true),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_service_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_diag_service_entries_org_organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "org_organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_diag_service_entries_vehicles_VehicleId",
                        column: x => x.VehicleId,
                        principalTable: "vehicles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_diag_service_entries_OrganizationId_VehicleId_PerformedOn",
                table: "diag_service_entries",
                columns: new[] { "OrganizationId", "VehicleId", "PerformedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_service_entries_VehicleId",
                table: "diag_service_entries",
                column: "VehicleId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "diag_service_entries");
        }
    }
}
