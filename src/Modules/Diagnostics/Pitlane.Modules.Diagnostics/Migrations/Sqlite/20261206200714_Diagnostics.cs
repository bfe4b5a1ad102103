using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Diagnostics.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Diagnostics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "diag_adapters",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Uri = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_adapters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "diag_agents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    KeyHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_agents", x => x.Id);
                });

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
                });

            migrationBuilder.CreateTable(
                name: "diag_labor_operations",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Hours = table.Column<decimal>(type: "TEXT", precision: 6, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_labor_operations", x => new { x.OrganizationId, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "diag_part_prices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartNumber = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 160, nullable: false),
                    UnitPriceMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    LaborOperationKey = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    Quantity = table.Column<decimal>(type: "TEXT", precision: 9, scale: 3, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_part_prices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "diag_scans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ExpectedVin = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    AdapterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AdapterName = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Progress = table.Column<int>(type: "INTEGER", nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Vin = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    VinMismatch = table.Column<bool>(type: "INTEGER", nullable: false),
                    Protocol = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    MilOn = table.Column<bool>(type: "INTEGER", nullable: false),
                    DtcCount = table.Column<int>(type: "INTEGER", nullable: false),
                    RequestCount = table.Column<int>(type: "INTEGER", nullable: true),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: true),
                    Result = table.Column<string>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClaimedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClaimedByInstance = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    HeardAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    KioskId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_scans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "diag_service_entries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    PerformedOn = table.Column<DateTime>(type: "TEXT", nullable: false),
                    OdometerKm = table.Column<int>(type: "INTEGER", nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_service_entries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "diag_shop_profiles",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    LaborRateMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    TaxRatePercent = table.Column<decimal>(type: "TEXT", precision: 5, scale: 2, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_shop_profiles", x => x.OrganizationId);
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
                });

            migrationBuilder.CreateTable(
                name: "diag_interpretations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ScanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Prompt = table.Column<string>(type: "TEXT", nullable: true),
                    Answer = table.Column<string>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    LatencyMs = table.Column<int>(type: "INTEGER", nullable: false),
                    Result = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_interpretations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_diag_interpretations_diag_scans_ScanId",
                        column: x => x.ScanId,
                        principalTable: "diag_scans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "diag_reports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ScanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: true),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Content = table.Column<string>(type: "TEXT", nullable: true),
                    Pdf = table.Column<byte[]>(type: "BLOB", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ShareVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ShareExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_reports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_diag_reports_diag_scans_ScanId",
                        column: x => x.ScanId,
                        principalTable: "diag_scans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_diag_adapters_OrganizationId_Name",
                table: "diag_adapters",
                columns: new[] { "OrganizationId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_diag_agents_KeyHash",
                table: "diag_agents",
                column: "KeyHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_diag_agents_OrganizationId",
                table: "diag_agents",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_diag_code_clearings_AgentId_Status",
                table: "diag_code_clearings",
                columns: new[] { "AgentId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_code_clearings_OrganizationId_VehicleId_CreatedAt",
                table: "diag_code_clearings",
                columns: new[] { "OrganizationId", "VehicleId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_interpretations_OrganizationId_ScanId_CreatedAt",
                table: "diag_interpretations",
                columns: new[] { "OrganizationId", "ScanId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_interpretations_ScanId",
                table: "diag_interpretations",
                column: "ScanId");

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

            migrationBuilder.CreateIndex(
                name: "IX_diag_part_prices_OrganizationId_LaborOperationKey",
                table: "diag_part_prices",
                columns: new[] { "OrganizationId", "LaborOperationKey" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_part_prices_OrganizationId_PartNumber",
                table: "diag_part_prices",
                columns: new[] { "OrganizationId", "PartNumber" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_diag_reports_OrganizationId_ScanId",
                table: "diag_reports",
                columns: new[] { "OrganizationId", "ScanId" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_reports_ScanId",
                table: "diag_reports",
                column: "ScanId");

            migrationBuilder.CreateIndex(
                name: "IX_diag_scans_AgentId_Status",
                table: "diag_scans",
                columns: new[] { "AgentId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_scans_KioskId_Status",
                table: "diag_scans",
                columns: new[] { "KioskId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_scans_OrganizationId_VehicleId_CreatedAt",
                table: "diag_scans",
                columns: new[] { "OrganizationId", "VehicleId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_diag_service_entries_OrganizationId_VehicleId_PerformedOn",
                table: "diag_service_entries",
                columns: new[] { "OrganizationId", "VehicleId", "PerformedOn" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "diag_agents");

            migrationBuilder.DropTable(
                name: "diag_code_clearings");

            migrationBuilder.DropTable(
                name: "diag_interpretations");

            migrationBuilder.DropTable(
                name: "diag_kiosks");

            migrationBuilder.DropTable(
                name: "diag_labor_operations");

            migrationBuilder.DropTable(
                name: "diag_part_prices");

            migrationBuilder.DropTable(
                name: "diag_reports");

            migrationBuilder.DropTable(
                name: "diag_service_entries");

            migrationBuilder.DropTable(
                name: "diag_shop_profiles");

            migrationBuilder.DropTable(
                name: "diag_adapters");

            migrationBuilder.DropTable(
                name: "diag_scans");
        }
    }
}
