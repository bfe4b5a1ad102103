using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Platform.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ClearingsKiosksAgentInstances : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClaimedByInstance",
                table: "diag_scans",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "HeardAt",
                table: "diag_scans",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "KioskId",
                table: "diag_scans",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "diag_code_clearings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExpectedVin = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    AdapterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AdapterName = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Progress = table.Column<int>(type: "INTEGER", nullable: false),
                    Vin = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    ClearedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Result = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    RequestedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClaimedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClaimedByInstance = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    HeardAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_code_clearings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_diag_code_clearings_org_organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "org_organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_diag_code_clearings_vehicles_VehicleId",
                        column: x => x.VehicleId,
                        principalTable: "vehicles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "diag_kiosks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    AdapterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PairingCodeHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    PairingExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SecretHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    PairedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_kiosks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_diag_kiosks_diag_adapters_AdapterId",
                        column: x => x.AdapterId,
                        principalTable: "diag_adapters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_diag_kiosks_org_organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "org_organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_diag_scans_KioskId_Status",
                table: "diag_scans",
                columns: new[] { "KioskId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_code_clearings_AgentId_Status",
                table: "diag_code_clearings",
                columns: new[] { "AgentId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_code_clearings_OrganizationId_VehicleId_CreatedAt",
                table: "diag_code_clearings",
                columns: new[] { "OrganizationId", "VehicleId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_code_clearings_VehicleId",
                table: "diag_code_clearings",
                column: "VehicleId");

            migrationBuilder.CreateIndex(
                name: "IX_diag_kiosks_AdapterId",
                table: "diag_kiosks",
                column: "AdapterId");

            migrationBuilder.CreateIndex(
                name: "IX_diag_kiosks_OrganizationId_Name",
                table: "diag_kiosks",
                columns: new[] { "OrganizationId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_diag_kiosks_PairingCodeHash",
                table: "diag_kiosks",
                column: "PairingCodeHash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "diag_code_clearings");

            migrationBuilder.DropTable(
                name: "diag_kiosks");

            migrationBuilder.DropIndex(
                name: "IX_diag_scans_KioskId_Status",
                table: "diag_scans");

            migrationBuilder.DropColumn(
                name: "ClaimedByInstance",
                table: "diag_scans");

            migrationBuilder.DropColumn(
                name: "HeardAt",
                table: "diag_scans");

            migrationBuilder.DropColumn(
                name: "KioskId",
                table: "diag_scans");
        }
    }
}
