using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Telemetry.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    KeyHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    KeyPrefix = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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

            // telemetry_samples is declaratively partitioned by range on t (one partition per UTC day, created ahead by
            // PostgresTelemetryStore.EnsurePartitionsAsync); the DEFAULT partition holds samples outside the daily ones.
            // The index on the parent is created on every partition.
            migrationBuilder.Sql("""
                CREATE TABLE telemetry_samples (
                    vehicle_id uuid NOT NULL, pid varchar(32) NOT NULL, t timestamptz NOT NULL, value double precision NOT NULL,
                    device_id uuid NOT NULL) PARTITION BY RANGE (t);
                CREATE TABLE telemetry_samples_default PARTITION OF telemetry_samples DEFAULT;
                CREATE INDEX ix_telemetry_samples_vehicle_pid_t ON telemetry_samples (vehicle_id, pid, t);
                CREATE TABLE telemetry_batches (
                    device_id uuid NOT NULL, batch_id varchar(64) NOT NULL, vehicle_id uuid NOT NULL, sample_count integer NOT NULL,
                    received_at timestamptz NOT NULL, PRIMARY KEY (device_id, batch_id));
                CREATE INDEX ix_telemetry_batches_received_at ON telemetry_batches (received_at);
                CREATE TABLE telemetry_latest (
                    vehicle_id uuid NOT NULL, pid varchar(32) NOT NULL, t timestamptz NOT NULL, value double precision NOT NULL,
                    PRIMARY KEY (vehicle_id, pid));
                CREATE TABLE telemetry_samples_minute (
                    vehicle_id uuid NOT NULL, pid varchar(32) NOT NULL, minute timestamptz NOT NULL,
                    min double precision NOT NULL, avg double precision NOT NULL, max double precision NOT NULL, count bigint NOT NULL,
                    PRIMARY KEY (vehicle_id, pid, minute));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "telemetry_devices");
            migrationBuilder.Sql("DROP TABLE telemetry_samples_minute; DROP TABLE telemetry_latest; DROP TABLE telemetry_batches; DROP TABLE telemetry_samples CASCADE;");

        }
    }
}
