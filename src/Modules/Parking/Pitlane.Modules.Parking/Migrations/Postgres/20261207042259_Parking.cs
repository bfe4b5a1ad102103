using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Parking.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Parking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "parking_consents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Purpose = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Granted = table.Column<bool>(type: "boolean", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_consents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "parking_listings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    HostOrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    SpatialKey = table.Column<long>(type: "bigint", nullable: false),
                    Title = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Latitude = table.Column<double>(type: "double precision", nullable: false),
                    Longitude = table.Column<double>(type: "double precision", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MaxLengthCm = table.Column<int>(type: "integer", nullable: false),
                    MaxHeightCm = table.Column<int>(type: "integer", nullable: false),
                    Covered = table.Column<bool>(type: "boolean", nullable: false),
                    EvCharger = table.Column<bool>(type: "boolean", nullable: false),
                    Gated = table.Column<bool>(type: "boolean", nullable: false),
                    AccessInstructions = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    HouseRules = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    HourlyRate = table.Column<long>(type: "bigint", nullable: false),
                    DailyCap = table.Column<long>(type: "bigint", nullable: true),
                    MonthlyRate = table.Column<long>(type: "bigint", nullable: true),
                    MinimumMinutes = table.Column<int>(type: "integer", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    CancellationPolicy = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    GeofenceMeters = table.Column<int>(type: "integer", nullable: false),
                    Published = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_listings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "parking_location_samples",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    BookingId = table.Column<Guid>(type: "uuid", nullable: false),
                    Latitude = table.Column<double>(type: "double precision", nullable: false),
                    Longitude = table.Column<double>(type: "double precision", nullable: false),
                    AccuracyMeters = table.Column<double>(type: "double precision", nullable: true),
                    Source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_location_samples", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "parking_availability_exceptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ListingId = table.Column<Guid>(type: "uuid", nullable: false),
                    StartsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_availability_exceptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_parking_availability_exceptions_parking_listings_ListingId",
                        column: x => x.ListingId,
                        principalTable: "parking_listings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "parking_availability_rules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ListingId = table.Column<Guid>(type: "uuid", nullable: false),
                    Day = table.Column<int>(type: "integer", nullable: false),
                    StartMinute = table.Column<int>(type: "integer", nullable: false),
                    EndMinute = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_availability_rules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_parking_availability_rules_parking_listings_ListingId",
                        column: x => x.ListingId,
                        principalTable: "parking_listings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "parking_bookings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ListingId = table.Column<Guid>(type: "uuid", nullable: false),
                    HostOrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    DriverOrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    DriverUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    StartsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Subtotal = table.Column<long>(type: "bigint", nullable: false),
                    ServiceFee = table.Column<long>(type: "bigint", nullable: false),
                    Tax = table.Column<long>(type: "bigint", nullable: false),
                    Total = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    CancellationPolicy = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    PaymentIntentId = table.Column<Guid>(type: "uuid", nullable: true),
                    Captured = table.Column<long>(type: "bigint", nullable: false),
                    Refunded = table.Column<long>(type: "bigint", nullable: false),
                    VehiclePlate = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    VehicleLengthCm = table.Column<int>(type: "integer", nullable: true),
                    VehicleHeightCm = table.Column<int>(type: "integer", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ArrivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ArrivalSource = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Rating = table.Column<int>(type: "integer", nullable: true),
                    Review = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ReviewedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_bookings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_parking_bookings_parking_listings_ListingId",
                        column: x => x.ListingId,
                        principalTable: "parking_listings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_parking_availability_exceptions_ListingId_StartsAt",
                table: "parking_availability_exceptions",
                columns: new[] { "ListingId", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_parking_availability_rules_ListingId",
                table: "parking_availability_rules",
                column: "ListingId");

            migrationBuilder.CreateIndex(
                name: "IX_parking_bookings_DriverOrganizationId",
                table: "parking_bookings",
                column: "DriverOrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_parking_bookings_DriverUserId",
                table: "parking_bookings",
                column: "DriverUserId");

            migrationBuilder.CreateIndex(
                name: "IX_parking_bookings_HostOrganizationId",
                table: "parking_bookings",
                column: "HostOrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_parking_bookings_ListingId_StartsAt",
                table: "parking_bookings",
                columns: new[] { "ListingId", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_parking_bookings_PaymentIntentId",
                table: "parking_bookings",
                column: "PaymentIntentId");

            migrationBuilder.CreateIndex(
                name: "IX_parking_consents_UserId_At",
                table: "parking_consents",
                columns: new[] { "UserId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_parking_listings_HostOrganizationId",
                table: "parking_listings",
                column: "HostOrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_parking_listings_SpatialKey",
                table: "parking_listings",
                column: "SpatialKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_parking_location_samples_At",
                table: "parking_location_samples",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_parking_location_samples_BookingId_At",
                table: "parking_location_samples",
                columns: new[] { "BookingId", "At" });

            // The spatial index: a PostGIS point generated from latitude/longitude, GiST-indexed; search asks it for a box.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS postgis;");
            migrationBuilder.Sql(
                "ALTER TABLE parking_listings ADD COLUMN \"Geom\" geometry(Point, 4326) " +
                "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(\"Longitude\", \"Latitude\"), 4326)) STORED;");
            migrationBuilder.Sql("CREATE INDEX \"IX_parking_listings_Geom\" ON parking_listings USING gist (\"Geom\");");

            // No two bookings holding one spot overlap, whatever the concurrency: a GiST exclusion constraint on the
            // half-open range [StartsAt, EndsAt); btree_gist gives GiST the uuid equality.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS btree_gist;");
            migrationBuilder.Sql(
                "ALTER TABLE parking_bookings ADD CONSTRAINT " + ParkingDbContext.NoOverlapConstraint + " EXCLUDE USING gist " +
                "(\"ListingId\" WITH =, tstzrange(\"StartsAt\", \"EndsAt\", '[)') WITH &&) " +
                "WHERE (\"Status\" IN ('pending_payment', 'confirmed', 'arrived'));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "parking_availability_exceptions");

            migrationBuilder.DropTable(
                name: "parking_availability_rules");

            migrationBuilder.DropTable(
                name: "parking_bookings");

            migrationBuilder.DropTable(
                name: "parking_consents");

            migrationBuilder.DropTable(
                name: "parking_location_samples");

            migrationBuilder.DropTable(
                name: "parking_listings");
        }
    }
}
