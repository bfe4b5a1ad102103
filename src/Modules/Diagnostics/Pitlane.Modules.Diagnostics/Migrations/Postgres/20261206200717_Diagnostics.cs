using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Diagnostics.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Uri = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    AgentId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_adapters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "diag_agents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    KeyHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_agents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "diag_code_clearings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleId = table.Column<Guid>(type: "uuid", nullable: false),
                    ExpectedVin = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    AdapterId = table.Column<Guid>(type: "uuid", nullable: false),
                    AdapterName = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    AgentId = table.Column<Guid>(type: "uuid", nullable: true),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Stage = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Progress = table.Column<int>(type: "integer", nullable: false),
                    Vin = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: true),
                    ClearedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Result = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    RequestedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClaimedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClaimedByInstance = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    HeardAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_code_clearings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "diag_labor_operations",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Hours = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_labor_operations", x => new { x.OrganizationId, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "diag_part_prices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    PartNumber = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Description = table.Column<string>(type: "character varying(160)", maxLength: 160, nullable: false),
                    UnitPriceMinor = table.Column<long>(type: "bigint", nullable: false),
                    LaborOperationKey = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    Quantity = table.Column<decimal>(type: "numeric(9,3)", precision: 9, scale: 3, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_part_prices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "diag_scans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleId = table.Column<Guid>(type: "uuid", nullable: true),
                    ExpectedVin = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: true),
                    AdapterId = table.Column<Guid>(type: "uuid", nullable: false),
                    AdapterName = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    AgentId = table.Column<Guid>(type: "uuid", nullable: true),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Progress = table.Column<int>(type: "integer", nullable: false),
                    Stage = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Vin = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: true),
                    VinMismatch = table.Column<bool>(type: "boolean", nullable: false),
                    Protocol = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    MilOn = table.Column<bool>(type: "boolean", nullable: false),
                    DtcCount = table.Column<int>(type: "integer", nullable: false),
                    RequestCount = table.Column<int>(type: "integer", nullable: true),
                    DurationMs = table.Column<int>(type: "integer", nullable: true),
                    Result = table.Column<string>(type: "text", nullable: true),
                    Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClaimedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClaimedByInstance = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    HeardAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    KioskId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_scans", x => x.Id);
                });

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
                });

            migrationBuilder.CreateTable(
                name: "diag_shop_profiles",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Address = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Phone = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    LaborRateMinor = table.Column<long>(type: "bigint", nullable: false),
                    TaxRatePercent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_shop_profiles", x => x.OrganizationId);
                });

            migrationBuilder.CreateTable(
                name: "diag_kiosks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    AdapterId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    PairingCodeHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    PairingExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SecretHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    PairedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ScanId = table.Column<Guid>(type: "uuid", nullable: false),
                    Source = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Model = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Prompt = table.Column<string>(type: "text", nullable: true),
                    Answer = table.Column<string>(type: "text", nullable: true),
                    Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    LatencyMs = table.Column<int>(type: "integer", nullable: false),
                    Result = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ScanId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleId = table.Column<Guid>(type: "uuid", nullable: true),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Content = table.Column<string>(type: "text", nullable: true),
                    Pdf = table.Column<byte[]>(type: "bytea", nullable: true),
                    Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ShareVersion = table.Column<int>(type: "integer", nullable: false),
                    ShareExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
