using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Parking.Migrations.Sqlite
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Granted = table.Column<bool>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_consents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "parking_listings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    HostOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SpatialKey = table.Column<long>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: false),
                    Longitude = table.Column<double>(type: "REAL", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MaxLengthCm = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxHeightCm = table.Column<int>(type: "INTEGER", nullable: false),
                    Covered = table.Column<bool>(type: "INTEGER", nullable: false),
                    EvCharger = table.Column<bool>(type: "INTEGER", nullable: false),
                    Gated = table.Column<bool>(type: "INTEGER", nullable: false),
                    AccessInstructions = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    HouseRules = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    HourlyRate = table.Column<long>(type: "INTEGER", nullable: false),
                    DailyCap = table.Column<long>(type: "INTEGER", nullable: true),
                    MonthlyRate = table.Column<long>(type: "INTEGER", nullable: true),
                    MinimumMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    CancellationPolicy = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    GeofenceMeters = table.Column<int>(type: "INTEGER", nullable: false),
                    Published = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_listings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "parking_location_samples",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    BookingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: false),
                    Longitude = table.Column<double>(type: "REAL", nullable: false),
                    AccuracyMeters = table.Column<double>(type: "REAL", nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_location_samples", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "parking_availability_exceptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ListingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ListingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    StartMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    EndMinute = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ListingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HostOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DriverOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DriverUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    StartsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Subtotal = table.Column<long>(type: "INTEGER", nullable: false),
                    ServiceFee = table.Column<long>(type: "INTEGER", nullable: false),
                    Tax = table.Column<long>(type: "INTEGER", nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    CancellationPolicy = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PaymentIntentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Captured = table.Column<long>(type: "INTEGER", nullable: false),
                    Refunded = table.Column<long>(type: "INTEGER", nullable: false),
                    VehiclePlate = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    VehicleLengthCm = table.Column<int>(type: "INTEGER", nullable: true),
                    VehicleHeightCm = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ArrivedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ArrivalSource = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Rating = table.Column<int>(type: "INTEGER", nullable: true),
                    Review = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ReviewedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
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

            // The spatial index: an R*Tree over (latitude, longitude) keyed by the listing's SpatialKey, kept by triggers.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE parking_listings_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);");
            migrationBuilder.Sql(
                "CREATE TRIGGER parking_listings_rtree_insert AFTER INSERT ON parking_listings BEGIN " +
                "INSERT INTO parking_listings_rtree VALUES (new.\"SpatialKey\", new.\"Latitude\", new.\"Latitude\", new.\"Longitude\", new.\"Longitude\"); END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER parking_listings_rtree_update AFTER UPDATE OF \"Latitude\", \"Longitude\" ON parking_listings BEGIN " +
                "UPDATE parking_listings_rtree SET min_lat = new.\"Latitude\", max_lat = new.\"Latitude\", min_lon = new.\"Longitude\", max_lon = new.\"Longitude\" " +
                "WHERE id = new.\"SpatialKey\"; END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER parking_listings_rtree_delete AFTER DELETE ON parking_listings BEGIN " +
                "DELETE FROM parking_listings_rtree WHERE id = old.\"SpatialKey\"; END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS parking_listings_rtree;");
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
