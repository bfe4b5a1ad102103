using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Telemetry.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Telemetry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "telemetry_devices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    KeyHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    KeyPrefix = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telemetry_devices", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_telemetry_devices_KeyHash",
                table: "telemetry_devices",
                column: "KeyHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_telemetry_devices_OrganizationId_VehicleId",
                table: "telemetry_devices",
                columns: new[] { "OrganizationId", "VehicleId" });

            // The hot tables are raw SQL, written by SqliteTelemetryStore: times are INTEGER microseconds since the Unix
            // epoch and ids 16-byte BLOBs, so rows stay small and buckets are integer arithmetic.
            migrationBuilder.Sql("""
                CREATE TABLE telemetry_samples (
                    vehicle_id BLOB NOT NULL, pid TEXT NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL, device_id BLOB NOT NULL);
                CREATE INDEX ix_telemetry_samples_vehicle_pid_t ON telemetry_samples (vehicle_id, pid, t);
                CREATE INDEX ix_telemetry_samples_t ON telemetry_samples (t);
                CREATE TABLE telemetry_batches (
                    device_id BLOB NOT NULL, batch_id TEXT NOT NULL, vehicle_id BLOB NOT NULL, sample_count INTEGER NOT NULL,
                    received_at INTEGER NOT NULL, PRIMARY KEY (device_id, batch_id)) WITHOUT ROWID;
                CREATE INDEX ix_telemetry_batches_received_at ON telemetry_batches (received_at);
                CREATE TABLE telemetry_latest (
                    vehicle_id BLOB NOT NULL, pid TEXT NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL,
                    PRIMARY KEY (vehicle_id, pid)) WITHOUT ROWID;
                CREATE TABLE telemetry_samples_minute (
                    vehicle_id BLOB NOT NULL, pid TEXT NOT NULL, minute INTEGER NOT NULL,
                    min REAL NOT NULL, avg REAL NOT NULL, max REAL NOT NULL, count INTEGER NOT NULL,
                    PRIMARY KEY (vehicle_id, pid, minute)) WITHOUT ROWID;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "telemetry_devices");
            migrationBuilder.Sql("DROP TABLE telemetry_samples_minute; DROP TABLE telemetry_latest; DROP TABLE telemetry_batches; DROP TABLE telemetry_samples;");

        }
    }
}
